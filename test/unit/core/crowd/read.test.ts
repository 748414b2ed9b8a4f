import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketPath,
  cacheSeconds,
  freshUntil,
  lookupHost,
  lookupProvider,
  MAX_CACHE_SECONDS,
  parseBucket,
  parseIsoTime,
  parseProviders,
  PROVIDERS_PATH,
} from '../../../../src/core/crowd/read';
import { hostKeyOf } from '../../../../src/core/crowd/report';
import { bucketHosts, providerSignals, type SignalRow, type ViaRow } from '../../../../src/core/crowd/signal';

const asOf = '2026-12-07T12:30:00.000Z';
const key = (tail: string): string => `abc${tail.padStart(61, '0')}`;
const row = (over: Record<string, unknown> = {}) => ({
  hostKey: key('1'),
  reporters: 310,
  networks: 41,
  level: 'widespread',
  ratio: 25.37,
  since: '2026-12-07T12:18:00.000Z',
  ...over,
});
const bucket = (over: Record<string, unknown> = {}) => ({ v: 1, prefix: 'abc', windowMin: 10, asOf, hosts: [row()], ...over });
const provider = (over: Record<string, unknown> = {}) => ({
  via: 'cloudflare',
  hosts: 150,
  reporters: 900,
  networks: 80,
  level: 'widespread',
  ...over,
});
const providers = (over: Record<string, unknown> = {}) => ({ v: 1, windowMin: 10, asOf, providers: [provider()], ...over });

describe('parseIsoTime', () => {
  it('reads the service’s toISOString times', () => {
    expect(parseIsoTime(asOf)).toBe(Date.parse(asOf));
    expect(parseIsoTime('2026-12-07T12:30:00Z')).toBe(Date.parse(asOf));
    expect(parseIsoTime('2026-12-07T12:30:00.5Z')).toBe(Date.parse(asOf) + 500);
  });

  it.each([
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-12-07T24:00:00Z',
    '2026-12-07T12:60:00Z',
    '2026-12-07T12:30:00+01:00',
    '2026-12-07',
    'yesterday',
    '',
    1796646600000,
    null,
  ])('refuses %s', (value) => {
    expect(parseIsoTime(value)).toBeUndefined();
  });
});

describe('parseBucket', () => {
  it('reads the contract example', () => {
    expect(parseBucket(bucket(), 'abc')).toEqual({
      prefix: 'abc',
      windowMin: 10,
      asOf: Date.parse(asOf),
      hosts: [
        { hostKey: key('1'), reporters: 310, networks: 41, level: 'widespread', ratio: 25.37, since: Date.parse('2026-12-07T12:18:00Z') },
      ],
    });
  });

  it('reads what the service’s own signal logic publishes', () => {
    const now = Date.parse(asOf);
    const rows: SignalRow[] = Array.from({ length: 12 }, (_, i) => ({
      hostKey: key('2'),
      reporter: `r${i}`,
      network: `n${i % 4}`,
      at: now - i * 1000,
    }));
    const hosts = bucketHosts(rows, [], now);
    const read = parseBucket(JSON.parse(JSON.stringify({ v: 1, prefix: 'abc', windowMin: 10, asOf, hosts })), 'abc');
    expect(read?.hosts).toEqual([{ ...hosts[0], since: Date.parse(hosts[0]!.since) }]);
  });

  it.each<[string, unknown]>([
    ['another prefix than asked', bucket({ prefix: 'abd' })],
    ['another version', bucket({ v: 2 })],
    ['no version', { ...bucket(), v: undefined }],
    ['a bad asOf', bucket({ asOf: 'now' })],
    ['a bad window', bucket({ windowMin: 0 })],
    ['a fractional window', bucket({ windowMin: 2.5 })],
    ['hosts not a list', bucket({ hosts: {} })],
    ['an array', [bucket()]],
    ['a string', JSON.stringify(bucket())],
    ['null', null],
  ])('gives nothing for %s', (_, body) => {
    expect(parseBucket(body, 'abc')).toBeUndefined();
  });

  it('gives nothing when the prefix asked is not a prefix', () => {
    expect(parseBucket(bucket({ prefix: 'ABC' }), 'ABC')).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>]>([
    ['a host key of another prefix', { hostKey: `abd${'0'.repeat(61)}` }],
    ['an upper-case host key', { hostKey: `abc${'F'.repeat(61)}` }],
    ['a short host key', { hostKey: 'abc123' }],
    ['fewer than 5 reporters', { reporters: 0 }],
    ['reporters not rounded to 5', { reporters: 311 }],
    ['fractional reporters', { reporters: 7.5 }],
    ['reporters as a string', { reporters: '310' }],
    ['absurd reporters', { reporters: 5e12 }],
    ['fewer than 3 networks', { networks: 2 }],
    ['negative networks', { networks: -41 }],
    ['an unknown level', { level: 'major' }],
    ['widespread with fewer than 20 reporters', { level: 'widespread', reporters: 15 }],
    ['widespread on fewer than 5 networks', { level: 'widespread', networks: 4 }],
    ['a negative ratio', { ratio: -1 }],
    ['an infinite ratio', { ratio: Number.POSITIVE_INFINITY }],
    ['a ratio as a string', { ratio: '25' }],
    ['no ratio at all', { ratio: undefined }],
    ['a bad since', { since: '2026-02-30T00:00:00Z' }],
    ['a since after asOf', { since: '2026-12-07T12:31:00.000Z' }],
  ])('drops a row with %s and keeps the others', (_, over) => {
    const good = row({ hostKey: key('9') });
    const read = parseBucket(bucket({ hosts: [row(over), good, 'x', null, 7] }), 'abc');
    expect(read?.hosts.map((h) => h.hostKey)).toEqual([key('9')]);
  });

  it('keeps a possible row of the smallest listed size', () => {
    const read = parseBucket(bucket({ hosts: [row({ level: 'possible', reporters: 5, networks: 3 })] }), 'abc');
    expect(read?.hosts).toHaveLength(1);
  });

  it('keeps ratio null (no history yet)', () => {
    expect(parseBucket(bucket({ hosts: [row({ ratio: null })] }), 'abc')?.hosts[0]?.ratio).toBeNull();
  });

  it('keeps the first of duplicate rows', () => {
    const read = parseBucket(bucket({ hosts: [row(), row({ reporters: 5 })] }), 'abc');
    expect(read?.hosts.map((h) => h.reporters)).toEqual([310]);
  });

  it('reads a bounded number of rows', () => {
    const hosts = Array.from({ length: 5000 }, (_, i) => row({ hostKey: key(i.toString(16)) }));
    expect(parseBucket(bucket({ hosts }), 'abc')!.hosts.length).toBeLessThanOrEqual(500);
  });

  it('never throws, whatever the body (property)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (body, prefix) => {
        parseBucket(body, prefix);
        parseBucket({ ...bucket(), hosts: [body] }, 'abc');
      }),
    );
  });

  it('never throws on a hostile object', () => {
    const hostile = new Proxy(bucket(), {
      get() {
        throw new Error('boom');
      },
    });
    expect(parseBucket(hostile, 'abc')).toBeUndefined();
  });
});

describe('parseProviders', () => {
  it('reads the contract example', () => {
    expect(parseProviders(providers())).toEqual({
      windowMin: 10,
      asOf: Date.parse(asOf),
      providers: [{ via: 'cloudflare', hosts: 150, reporters: 900, networks: 80, level: 'widespread' }],
    });
  });

  it('reads what the service’s own signal logic publishes', () => {
    const now = Date.parse(asOf);
    const rows: ViaRow[] = Array.from({ length: 24 }, (_, i) => ({
      hostKey: `h${i % 12}`,
      reporter: `r${i}`,
      network: `n${i % 6}`,
      at: now - i,
      via: 'fastly',
    }));
    const listed = providerSignals(rows, now);
    expect(listed).toHaveLength(1);
    expect(parseProviders(JSON.parse(JSON.stringify({ v: 1, windowMin: 10, asOf, providers: listed })))?.providers).toEqual(listed);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an unknown platform', { via: 'nginx' }],
    ['a platform in capitals', { via: 'Cloudflare' }],
    ['fewer than 10 hosts', { hosts: 5 }],
    ['hosts not rounded to 5', { hosts: 151 }],
    ['fewer than 20 reporters', { reporters: 15 }],
    ['fewer than 5 networks', { networks: 4 }],
    ['an unknown level', { level: 'outage' }],
    ['widespread under 100 hosts', { level: 'widespread', hosts: 95 }],
  ])('drops a row with %s', (_, over) => {
    const read = parseProviders(providers({ providers: [provider(over), provider({ via: 'fastly' })] }));
    expect(read?.providers.map((p) => p.via)).toEqual(['fastly']);
  });

  it.each<[string, unknown]>([
    ['another version', providers({ v: 2 })],
    ['a bad asOf', providers({ asOf: '' })],
    ['providers not a list', providers({ providers: 'cloudflare' })],
    ['null', null],
  ])('gives nothing for %s', (_, body) => {
    expect(parseProviders(body)).toBeUndefined();
  });

  it('never throws, whatever the body (property)', () => {
    fc.assert(fc.property(fc.anything(), (body) => void parseProviders(body)));
  });

  it('finds a platform’s row', () => {
    const read = parseProviders(providers())!;
    expect(lookupProvider(read, 'cloudflare')?.hosts).toBe(150);
    expect(lookupProvider(read, 'fastly')).toBeUndefined();
  });
});

describe('cacheSeconds', () => {
  it.each<[string | null | undefined, number]>([
    ['public, max-age=15', 15],
    ['max-age=0', 0],
    ['MAX-AGE=20, public', 20],
    ['max-age="30"', 30],
    ['max-age=86400', MAX_CACHE_SECONDS],
    ['public, s-maxage=60', 0],
    ['no-store, max-age=15', 0],
    ['max-age=15, no-cache', 0],
    ['max-age=-5', 0],
    ['max-age=1e3', 0],
    ['max-age=', 0],
    ['max-age=15, max-age=200', 15],
    ['', 0],
    [null, 0],
    [undefined, 0],
  ])('%s → %i s', (header, seconds) => {
    expect(cacheSeconds(header)).toBe(seconds);
  });

  it('dates how long an answer is reused', () => {
    expect(freshUntil(1_000, 'public, max-age=15')).toBe(16_000);
    expect(freshUntil(1_000, 'no-store')).toBe(1_000);
    expect(freshUntil(1_000, 'max-age=99999')).toBe(301_000);
  });

  it('stays within 0–300 s for any header (property)', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        const s = cacheSeconds(header);
        expect(Number.isInteger(s) && s >= 0 && s <= MAX_CACHE_SECONDS).toBe(true);
      }),
    );
  });
});

describe('lookupHost', () => {
  it('asks the service for the 3-digit prefix only', async () => {
    const hostKey = await hostKeyOf('example.com');
    expect(bucketPath(hostKey)).toBe(`/v1/buckets/${hostKey.slice(0, 3)}`);
    expect(PROVIDERS_PATH).toBe('/v1/providers');
  });

  it('finds a listed host, says unlisted for another of the prefix, and no answer for another prefix or no read', () => {
    const read = parseBucket(bucket(), 'abc')!;
    expect(lookupHost(read, key('1'))).toEqual({ kind: 'listed', host: read.hosts[0], asOf: read.asOf });
    expect(lookupHost(read, key('2'))).toEqual({ kind: 'unlisted', asOf: read.asOf });
    expect(lookupHost(read, `abd${'0'.repeat(61)}`)).toEqual({ kind: 'error' });
    expect(lookupHost(read, 'example.com')).toEqual({ kind: 'error' });
    expect(lookupHost(undefined, key('1'))).toEqual({ kind: 'error' });
  });
});
