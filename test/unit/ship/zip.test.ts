import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { crc32, createZip, readZip } from '../../../scripts/zip.mjs';

const entries = [
  { name: 'b/second.txt', data: Buffer.from('second '.repeat(50)) },
  { name: 'a.json', data: Buffer.from('{"x":1}') },
  { name: 'icons/x.png', data: Buffer.from([137, 80, 78, 71, 0, 1, 2, 3]) },
];

describe('deterministic zip', () => {
  it('gives the same bytes for the same files in any order', () => {
    expect(createZip(entries).equals(createZip([...entries].reverse()))).toBe(true);
  });

  it('round-trips names and contents, entries sorted by name', () => {
    const back = readZip(createZip(entries));
    expect(back.map((e) => e.name)).toEqual(['a.json', 'b/second.txt', 'icons/x.png']);
    for (const e of entries) expect(back.find((b) => b.name === e.name)?.data.equals(e.data)).toBe(true);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('is read by the system unzip with a fixed 1980-01-01 timestamp', () => {
    const dir = mkdtempSync(join(tmpdir(), 'downcheck-zip-'));
    try {
      writeFileSync(join(dir, 't.zip'), createZip(entries));
      const listing = execFileSync('unzip', ['-l', join(dir, 't.zip')], { encoding: 'utf8' });
      expect(listing).toMatch(/1980-01-01 00:00\s+a\.json/);
      execFileSync('unzip', ['-q', join(dir, 't.zip'), '-d', join(dir, 'out')]);
      expect(readFileSync(join(dir, 'out', 'b', 'second.txt'), 'utf8')).toBe('second '.repeat(50));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unsafe or duplicate names, and a corrupted entry', () => {
    expect(() => createZip([{ name: '../evil', data: Buffer.from('x') }])).toThrow(/bad entry name/);
    expect(() => createZip([{ name: '/abs', data: Buffer.from('x') }])).toThrow(/bad entry name/);
    expect(() => createZip([entries[1]!, entries[1]!])).toThrow(/duplicate/);
    const zip = createZip([{ name: 'a.txt', data: Buffer.from('a'.repeat(100)) }]);
    const start = 30 + 'a.txt'.length;
    expect(inflateRawSync(zip.subarray(start, start + zip.readUInt32LE(18))).toString()).toBe('a'.repeat(100));
    zip[start + 1] = zip[start + 1]! ^ 0xff;
    expect(() => readZip(zip)).toThrow();
  });
});
