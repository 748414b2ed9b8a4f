// Only the storage module (src/platform/storage*.ts) touches browser storage: every other module reads and
// writes through it, so every record gets its key from core/stored*.ts, its validator and the quota handling.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '../../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** `browser.storage.session.get`, `chrome.storage.local`, `.storage.onChanged`, `storage['session']`… in code, not comments. */
const STORAGE_CALL = /\bstorage\s*(?:\.\s*(?:session|local|sync|managed|onChanged)\b|\[)/;
const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

describe('browser storage is touched by the storage module only', () => {
  it('no module outside src/platform/storage*.ts calls browser.storage', () => {
    const offenders = sources(SRC)
      .map((file) => relative(SRC, file))
      .filter((file) => !/^platform\/storage[^/]*\.ts$/.test(file))
      .filter((file) => STORAGE_CALL.test(code(readFileSync(join(SRC, file), 'utf8'))));
    expect(offenders).toEqual([]);
  });

  it('the pattern finds a direct call (the guard can fail)', () => {
    expect(STORAGE_CALL.test(code('const got = await browser.storage.session.get(KEY);'))).toBe(true);
    expect(STORAGE_CALL.test(code('await chrome.storage.local.set({ a: 1 });'))).toBe(true);
    expect(STORAGE_CALL.test(code('// kept in `storage.session`\n/** storage.local */ const a = 1;'))).toBe(false);
  });
});
