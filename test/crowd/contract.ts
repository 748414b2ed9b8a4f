// The one contract suite: the same requests and expected answers against every engine (Node + SQLite, Worker + DOs).
// Each scenario works on its own bucket prefixes and its own client networks, so no answer depends on another
// scenario or on a cached read (the Worker caches bucket reads for 15 s).
import { describe, expect, it } from 'vitest';

/** A client: on Node the source address 127.<scenario>.<net>.<host>; on Workers ASN <scenario*1000+net>. */
export interface ClientId {
  scenario: number;
  net: number;
  host?: number;
}
export interface Reply {
  status: number;
  header(name: string): string | null;
  text: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}
export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  client?: ClientId;
}
export interface Engine {
  name: string;
  request(path: string, init?: RequestInit): Promise<Reply>;
  /** Stored reports of a host, where the engine can look (Node reads the SQLite file). */
  storedCount?(hostKey: string): Promise<number>;
}

export const hostKey = (prefix: string, n = 0): string => prefix + n.toString(16).padStart(61, '0');
export const reporterId = (n: number): string => n.toString(16).padStart(32, '0');

export function report(hostKeyValue: string, reporter: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, hostKey: hostKeyValue, reporter: reporterId(reporter), kind: 'http5xx', status: 502, ...extra };
}

const JSON_HEADERS = { 'content-type': 'application/json' };
/** Scenarios send up to 160 requests each: on a busy machine that takes seconds, not milliseconds. */
const slow = (name: string, fn: () => Promise<void>) => it(name, fn, 60_000);

export function contractSuite(engine: Engine): void {
  const post = (body: unknown, client: ClientId, headers: Record<string, string> = JSON_HEADERS) =>
    engine.request('/v1/reports', {
      method: 'POST',
      headers,
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
      client,
    });
  const bucket = async (prefix: string) => {
    const reply = await engine.request(`/v1/buckets/${prefix}`, { client: { scenario: 99, net: 1 } });
    expect(reply.status).toBe(200);
    return reply.json();
  };
  /** `reporters` reporters spread round-robin over `networks` networks of `scenario`, one report each. */
  async function crowd(key: string, scenario: number, reporters: number, networks: number, extra: Record<string, unknown> = {}, first = 1) {
    const replies = [];
    for (let i = 0; i < reporters; i += 1) {
      const reply = await post(report(key, first + i, extra), { scenario, net: 1 + (i % networks), host: 1 + Math.floor(i / networks) });
      replies.push(reply.status);
    }
    expect(replies.every((s) => s === 202)).toBe(true);
  }

  describe(`crowd contract (${engine.name})`, () => {
    slow('health answers ok and a version', async () => {
      const reply = await engine.request('/v1/health');
      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual({ ok: true, version: expect.any(String) });
    });

    slow('a first report is counted, a repeat in the same window is not (from any network)', async () => {
      const key = hostKey('c01');
      const first = await post(report(key, 1), { scenario: 1, net: 1 });
      expect(first.status).toBe(202);
      expect(first.json()).toEqual({ counted: true });
      const again = await post(report(key, 1, { kind: 'timeout', status: undefined }), { scenario: 1, net: 2 });
      expect(again.status).toBe(202);
      expect(again.json()).toEqual({ counted: false });
      expect((await post(report(key, 2), { scenario: 1, net: 2 })).json()).toEqual({ counted: true });
      expect((await post(report(hostKey('c01', 1), 1), { scenario: 1, net: 1 })).json()).toEqual({ counted: true });
    });

    slow('k and networks: 4 reporters on 3 networks are not listed, 5 are, 50 on one network are not', async () => {
      await crowd(hostKey('c02'), 2, 4, 3);
      await crowd(hostKey('c03'), 3, 5, 3);
      await crowd(hostKey('c04'), 4, 50, 1);
      expect((await bucket('c02')).hosts).toEqual([]);
      expect((await bucket('c04')).hosts).toEqual([]);
      const listed = await bucket('c03');
      expect(listed).toEqual({ v: 1, prefix: 'c03', windowMin: 10, asOf: expect.any(String), hosts: [expect.any(Object)] });
      expect(listed.hosts[0]).toEqual({
        hostKey: hostKey('c03'),
        reporters: 5,
        networks: 3,
        level: 'possible',
        ratio: null,
        since: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      });
      expect(Math.abs(Date.parse(listed.asOf) - Date.now())).toBeLessThan(60_000);
      expect(Date.parse(listed.hosts[0].since)).toBeLessThanOrEqual(Date.parse(listed.asOf));
    });

    slow('repeats are not counted: 4 reporters reporting twice from 3 networks stay unlisted', async () => {
      const key = hostKey('c05');
      await crowd(key, 5, 4, 3);
      await crowd(key, 5, 4, 3, { kind: 'dns', status: undefined });
      expect((await bucket('c05')).hosts).toEqual([]);
    });

    slow('reporters are rounded down to a multiple of 5; only hosts of the prefix are listed', async () => {
      await crowd(hostKey('c06', 1), 6, 14, 4);
      await crowd(hostKey('c06', 2), 6, 3, 3, {}, 100);
      await crowd(hostKey('c07', 1), 7, 6, 3);
      const body = await bucket('c06');
      expect(body.hosts).toEqual([expect.objectContaining({ hostKey: hostKey('c06', 1), reporters: 10, networks: 4, level: 'possible' })]);
    });

    slow('20 reporters on 5 networks are not yet widespread: the rule must also hold one 5-minute step earlier', async () => {
      await crowd(hostKey('c08'), 8, 20, 5);
      expect((await bucket('c08')).hosts).toEqual([expect.objectContaining({ reporters: 20, networks: 5, level: 'possible' })]);
    });

    slow('providers: 9 hosts are not listed; 12 hosts from 24 reporters on 6 networks are listed as 10', async () => {
      // Platform by platform: `hosts` hosts with `each` reporters apiece (all distinct), spread over `networks` networks.
      const spread = async (prefix: string, scenario: number, via: string, hosts: number, each: number, networks: number) => {
        for (let n = 0; n < hosts * each; n += 1) {
          const reply = await post(report(hostKey(prefix, Math.floor(n / each)), n + 1, { via }), {
            scenario,
            net: 1 + (n % networks),
            host: 1,
          });
          expect(reply.json()).toEqual({ counted: true });
        }
      };
      await spread('c09', 9, 'fastly', 9, 3, 9);
      await spread('c10', 10, 'cloudflare', 12, 2, 6);
      const reply = await engine.request('/v1/providers');
      expect(reply.status).toBe(200);
      expect(reply.header('cache-control')).toBe('public, max-age=15');
      const body = reply.json();
      expect(body).toEqual({ v: 1, windowMin: 10, asOf: expect.any(String), providers: expect.any(Array) });
      expect(body.providers).toEqual([{ via: 'cloudflare', hosts: 10, reporters: 20, networks: 6, level: 'possible' }]);
      expect(reply.text).not.toContain(hostKey('c10', 0));
    });

    slow('bucket reads: public 15 s caching; a malformed prefix is 400', async () => {
      const reply = await engine.request('/v1/buckets/fff');
      expect(reply.status).toBe(200);
      expect(reply.header('cache-control')).toBe('public, max-age=15');
      expect(reply.header('content-type')).toMatch(/^application\/json/);
      for (const prefix of ['ab', 'abcd', 'ABC', 'xyz', 'g00', 'ab%20', '%20abc', 'a-c', '0x1', 'abc/def']) {
        const bad = await engine.request(`/v1/buckets/${prefix}`);
        expect(bad.status, prefix).toBe(400);
        expect(bad.json(), prefix).toEqual({ error: expect.any(String) });
      }
    });

    slow('more than 60 reports a minute from one address block get 429 with Retry-After', async () => {
      const statuses: number[] = [];
      let limited: Reply | undefined;
      for (let i = 0; i < 61; i += 1) {
        const reply = await post(report(hostKey('c11', i), 1), { scenario: 12, net: 1, host: 1 + (i % 200) });
        statuses.push(reply.status);
        if (reply.status === 429) limited = reply;
      }
      expect(statuses.slice(0, 60).every((s) => s === 202)).toBe(true);
      expect(statuses[60]).toBe(429);
      expect(Number(limited!.header('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited!.header('retry-after'))).toBeLessThanOrEqual(60);
      expect(limited!.json()).toEqual({ error: expect.any(String) });
      // Another block of the same network is not limited.
      expect((await post(report(hostKey('c11', 99), 1), { scenario: 12, net: 2 })).status).toBe(202);
    });

    slow('every malformed request is answered 4xx, nothing of it is stored, and the service stays up', async () => {
      const key = hostKey('c12');
      const reporter = 7;
      const client = (i: number): ClientId => ({ scenario: 13, net: 1 + (i % 50), host: 1 });
      const valid = report(key, reporter);
      const cases = malformedReports(key, reporter);
      expect(cases.length).toBeGreaterThanOrEqual(40);
      let i = 0;
      for (const c of cases) {
        const reply = await engine.request(c.path ?? '/v1/reports', {
          method: c.method ?? 'POST',
          headers: c.headers ?? JSON_HEADERS,
          ...(c.body !== undefined ? { body: c.body } : {}),
          client: client(i++),
        });
        expect(reply.status, c.name).toBe(c.status);
        if (c.status !== 413 || reply.text) expect(reply.json(), c.name).toEqual({ error: expect.any(String) });
        expect(reply.text, c.name).not.toMatch(/\bat .*\.(ts|js)|Error:/);
      }
      if (engine.storedCount) expect(await engine.storedCount(key)).toBe(0);
      expect((await engine.request('/v1/health')).status).toBe(200);
      // Had any been stored, this reporter's report of this host would be a repeat.
      expect((await post(valid, client(99))).json()).toEqual({ counted: true });
      if (engine.storedCount) expect(await engine.storedCount(key)).toBe(1);
    });

    slow('a body of exactly 1 KB with a charset parameter and unknown fields is accepted; the unknown fields are not kept', async () => {
      const base = JSON.stringify({ ...report(hostKey('c13'), 1), url: '' });
      const body = JSON.stringify({ ...report(hostKey('c13'), 1), url: 'x'.repeat(1024 - base.length) });
      expect(new TextEncoder().encode(body).length).toBe(1024);
      const reply = await post(body, { scenario: 14, net: 1 }, { 'content-type': 'application/json; charset=utf-8' });
      expect(reply.status).toBe(202);
      expect(reply.json()).toEqual({ counted: true });
    });

    slow('unknown paths are 404 and wrong methods 405, in JSON', async () => {
      expect((await engine.request('/v2/reports')).status).toBe(404);
      const wrong = await engine.request('/v1/providers', { method: 'POST', headers: JSON_HEADERS, body: '{}' });
      expect(wrong.status).toBe(405);
      expect(wrong.json()).toEqual({ error: expect.any(String) });
    });
  });
}

interface Malformed {
  name: string;
  status: number;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
}

/** At least 40 kinds of bad request, each built on the one valid report of `key` by `reporter`. */
export function malformedReports(key: string, reporter: number): Malformed[] {
  const valid = report(key, reporter);
  const json = (name: string, change: Record<string, unknown>, drop: string[] = []): Malformed => {
    const body: Record<string, unknown> = { ...valid, ...change };
    for (const k of drop) delete body[k];
    return { name, status: 400, body: JSON.stringify(body) };
  };
  const raw = (name: string, body: string | Uint8Array, status = 400): Malformed => ({ name, status, body });
  const big = JSON.stringify({ ...valid, pad: 'x'.repeat(1024) });
  return [
    { name: 'no content type', status: 415, headers: {}, body: JSON.stringify(valid) },
    { name: 'text/plain', status: 415, headers: { 'content-type': 'text/plain' }, body: JSON.stringify(valid) },
    { name: 'form', status: 415, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'v=1' },
    { name: 'multipart', status: 415, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: JSON.stringify(valid) },
    { name: 'application/jsonp', status: 415, headers: { 'content-type': 'application/jsonp' }, body: JSON.stringify(valid) },
    { name: 'text/json', status: 415, headers: { 'content-type': 'text/json' }, body: JSON.stringify(valid) },
    raw('1,025 bytes', JSON.stringify({ ...valid, pad: 'x'.repeat(1025 - JSON.stringify({ ...valid, pad: '' }).length) }), 413),
    raw('2 KB', big, 413),
    raw('100 KB', JSON.stringify({ ...valid, pad: 'x'.repeat(100_000) }), 413),
    raw('empty body', ''),
    raw('not JSON', 'v=1&hostKey=x'),
    raw('truncated JSON', JSON.stringify(valid).slice(0, -1)),
    raw('trailing comma', JSON.stringify(valid).replace(/}$/, ',}')),
    raw('JSON null', 'null'),
    raw('JSON array', JSON.stringify([valid])),
    raw('JSON string', JSON.stringify(JSON.stringify(valid))),
    raw('JSON number', '1'),
    raw('invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    json('no v', {}, ['v']),
    json('v 2', { v: 2 }),
    json('v "1"', { v: '1' }),
    json('v null', { v: null }),
    json('no hostKey', {}, ['hostKey']),
    json('hostKey 63 hex', { hostKey: key.slice(1) }),
    json('hostKey 65 hex', { hostKey: `${key}0` }),
    json('hostKey upper case', { hostKey: key.toUpperCase() }),
    json('hostKey not hex', { hostKey: `g${key.slice(1)}` }),
    json('hostKey a number', { hostKey: 12345 }),
    json('hostKey with a space', { hostKey: ` ${key.slice(1)}` }),
    json('hostKey an array', { hostKey: [key] }),
    json('no reporter', {}, ['reporter']),
    json('reporter 31 hex', { reporter: reporterId(reporter).slice(1) }),
    json('reporter 33 hex', { reporter: `${reporterId(reporter)}0` }),
    json('reporter upper case', { reporter: 'ABCDEF'.padStart(32, '0') }),
    json('reporter not hex', { reporter: 'z'.padStart(32, '0') }),
    json('reporter a number', { reporter: reporter }),
    json('no kind', {}, ['kind', 'status']),
    json('kind unknown', { kind: 'slow', status: undefined }),
    json('kind upper case', { kind: 'HTTP5XX' }),
    json('kind empty', { kind: '', status: undefined }),
    json('kind a number', { kind: 5, status: undefined }),
    json('status 499', { status: 499 }),
    json('status 600', { status: 600 }),
    json('status "502"', { status: '502' }),
    json('status 502.5', { status: 502.5 }),
    json('status null', { status: null }),
    json('status with kind timeout', { kind: 'timeout', status: 504 }),
    json('via unknown', { via: 'my-cdn' }),
    json('via upper case', { via: 'Cloudflare' }),
    json('via a number', { via: 1 }),
    json('via null', { via: null }),
    json('via an array', { via: ['cloudflare'] }),
    { name: 'PUT', status: 405, method: 'PUT', body: JSON.stringify(valid) },
    { name: 'DELETE', status: 405, method: 'DELETE' },
    { name: 'GET', status: 405, method: 'GET', headers: {} },
    { name: 'POST to a bucket', status: 405, path: '/v1/buckets/abc', body: JSON.stringify(valid) },
    { name: 'POST to a trailing slash', status: 404, path: '/v1/reports/x', body: JSON.stringify(valid) },
  ];
}
