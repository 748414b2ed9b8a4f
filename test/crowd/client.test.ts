// platform/crowd-client.ts against the real crowd service (server/node, in this process, a fresh SQLite file), and
// against small local servers that misbehave: slow, redirecting, oversized, garbage.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startCrowd, type RunningCrowd } from '../../server/node/server';
import type { CrowdReport } from '../../src/core/crowd/report';
import type { After } from '../../src/core/crowd/schedule';
import { READ_TIMEOUT_MS, RETRY_MIN_MS, SEND_TIMEOUT_MS } from '../../src/core/crowd/send';
import { clearCrowdCache, MAX_READ_BYTES, readBucket, readProviders, sendReport } from '../../src/platform/crowd-client';
import { hostKey, report as contractReport } from './contract';
import { httpFetch } from './node-engine';

const dataDir = mkdtempSync(join(tmpdir(), 'downcheck-crowd-client-'));
let crowd: RunningCrowd;

beforeAll(async () => {
  crowd = await startCrowd({ host: '127.0.0.1', port: 0, db: join(dataDir, 'crowd.sqlite') });
}, 30_000);
afterAll(async () => {
  await crowd?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => clearCrowdCache());

const report = (key: string, reporter: number, extra: Record<string, unknown> = {}) =>
  contractReport(key, reporter, extra) as unknown as CrowdReport;

/** `reporters` reports of `key`, round-robin over `networks` networks (source addresses 127.<scenario>.<net>.<host>). */
async function seed(key: string, scenario: number, reporters: number, networks: number, extra: Record<string, unknown> = {}, first = 1) {
  for (let i = 0; i < reporters; i += 1) {
    const reply = await httpFetch(crowd.url, '/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(contractReport(key, first + i, extra)),
      client: { scenario, net: 1 + (i % networks), host: 1 + Math.floor(i / networks) },
    });
    expect(reply.status).toBe(202);
  }
}

/** A retry timer that records the wait it was asked for and runs at once. */
function quickRetries() {
  const waits: number[] = [];
  const after: After = (ms, run) => {
    waits.push(ms);
    const timer = setImmediate(run);
    return () => clearImmediate(timer);
  };
  return { after, waits };
}

interface Stub {
  url: string;
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}
async function stub(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Stub> {
  const requests: Stub['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('sendReport against the real service', () => {
  it('stores a report: 202 counted, then not counted on repeat', async () => {
    const key = hostKey('c10', 1);
    const first = await sendReport(crowd.url, report(key, 1));
    expect(first).toEqual({ outcome: 'stored', counted: true, attempts: 1 });
    const repeat = await sendReport(`${crowd.url}/`, report(key, 1));
    expect(repeat).toEqual({ outcome: 'stored', counted: false, attempts: 1 });
    const stored = crowd.store.db.prepare('SELECT host_key, kind, status, via FROM reports WHERE host_key = ?').all(key);
    expect(stored).toEqual([{ host_key: key, kind: 'http5xx', status: 502, via: null }]);
  });

  it('sends nothing for a report the contract refuses or a bad service address', async () => {
    const before = (crowd.store.db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;
    const bad = [
      sendReport(crowd.url, report('c10', 2)),
      sendReport(crowd.url, report(hostKey('c10', 2), 2, { kind: 'timeout', status: 502 })),
      sendReport(crowd.url.replace('127.0.0.1', 'crowd.example'), report(hostKey('c10', 2), 2)),
      sendReport(`${crowd.url}/?x=1`, report(hostKey('c10', 2), 2)),
    ];
    for (const result of await Promise.all(bad)) expect(result).toEqual({ outcome: 'error', reason: 'invalid-request', attempts: 0 });
    expect((crowd.store.db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n).toBe(before);
  });

  it('an aborted send sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await sendReport(crowd.url, report(hostKey('c10', 3), 3), { signal: controller.signal })).toEqual({
      outcome: 'error',
      reason: 'aborted',
      attempts: 0,
    });
    expect(crowd.store.db.prepare('SELECT count(*) AS n FROM reports WHERE host_key = ?').get(hostKey('c10', 3))).toEqual({ n: 0 });
  });
});

describe('reads against the real service', () => {
  it('the bucket lists the host once 5 reporters on 3 networks reported, and a fresh answer is reused', async () => {
    const key = hostKey('c20', 7);
    let now = Date.now();
    const clock = { now: () => now };
    await seed(key, 21, 4, 3);
    const few = await readBucket(crowd.url, 'c20', clock);
    expect(few.outcome === 'ok' && few.value.hosts).toEqual([]);
    expect(few.outcome === 'ok' && few.cached).toBe(false);
    expect(few.outcome === 'ok' && few.freshUntil - few.receivedAt).toBe(15_000);

    await seed(key, 21, 1, 1, {}, 5);
    // Within its max-age=15 the cached answer stands: the service is not asked again.
    const cached = await readBucket(crowd.url, 'c20', clock);
    expect(cached.outcome === 'ok' && cached.cached).toBe(true);
    expect(cached.outcome === 'ok' && cached.value.hosts).toEqual([]);

    now += 15_000;
    const listed = await readBucket(crowd.url, 'c20', clock);
    expect(listed.outcome).toBe('ok');
    if (listed.outcome !== 'ok') return;
    expect(listed.cached).toBe(false);
    expect(listed.value.prefix).toBe('c20');
    expect(listed.value.hosts).toHaveLength(1);
    expect(listed.value.hosts[0]).toMatchObject({ hostKey: key, reporters: 5, networks: 3, level: 'possible' });
  });

  it('forgetting the answers (the opt-in withdrawn) asks the service again', async () => {
    const clock = { now: () => Date.now() };
    expect((await readBucket(crowd.url, 'c22', clock)).outcome === 'ok').toBe(true);
    const again = await readBucket(crowd.url, 'c22', clock);
    expect(again.outcome === 'ok' && again.cached).toBe(true);
    clearCrowdCache();
    const asked = await readBucket(crowd.url, 'c22', clock);
    expect(asked.outcome === 'ok' && asked.cached).toBe(false);
  });

  it('4 reporters on 3 networks, or 5 on 2, are not listed', async () => {
    await seed(hostKey('c21', 1), 22, 4, 3);
    await seed(hostKey('c21', 2), 23, 5, 2);
    const read = await readBucket(crowd.url, 'c21');
    expect(read.outcome === 'ok' && read.value.hosts).toEqual([]);
  });

  it('refuses a prefix that is not 3 lowercase hex digits without asking', async () => {
    for (const prefix of ['c2', 'C20', 'c20a', '../', 'xyz']) {
      expect(await readBucket(crowd.url, prefix)).toEqual({ outcome: 'error', reason: 'invalid-request' });
    }
  });

  it('providers list a platform failing for 10+ hosts from 20+ reporters on 5+ networks', async () => {
    const empty = await readProviders(crowd.url);
    expect(empty.outcome === 'ok' && empty.value.providers).toEqual([]);
    clearCrowdCache();
    for (let h = 0; h < 12; h += 1) await seed(hostKey('c30', h), 30 + (h % 6), 2, 1, { via: 'cloudflare' }, 100 + 2 * h);
    const read = await readProviders(crowd.url);
    expect(read.outcome).toBe('ok');
    if (read.outcome !== 'ok') return;
    expect(read.value.providers).toEqual([{ via: 'cloudflare', hosts: 10, reporters: 20, networks: 6, level: 'possible' }]);
  });
});

describe('a misbehaving service', () => {
  it('one that never answers: the report gives up after its timeout and is retried exactly once; a read gives up after its own', async () => {
    const silent = await stub(() => undefined);
    try {
      const { after, waits } = quickRetries();
      const started = Date.now();
      const [sent, read] = await Promise.all([
        sendReport(silent.url, report(hostKey('c40', 1), 1), { after, random: () => 0 }).then((r) => ({ ...r, ms: Date.now() - started })),
        readBucket(silent.url, 'c40').then((r) => ({ r, ms: Date.now() - started })),
      ]);
      expect(sent).toMatchObject({ outcome: 'error', reason: 'timeout', attempts: 2 });
      expect(waits).toEqual([RETRY_MIN_MS]);
      expect(sent.ms).toBeGreaterThanOrEqual(2 * SEND_TIMEOUT_MS - 50);
      expect(sent.ms).toBeLessThan(2 * SEND_TIMEOUT_MS + 3_000);
      expect(read.r).toEqual({ outcome: 'error', reason: 'timeout' });
      expect(read.ms).toBeGreaterThanOrEqual(READ_TIMEOUT_MS - 50);
      expect(read.ms).toBeLessThan(READ_TIMEOUT_MS + 2_000);
      expect(silent.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
      expect(silent.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    } finally {
      await silent.close();
    }
  }, 30_000);

  it('one that sends its headers and then stalls: the time limit covers the body too', async () => {
    const stalling = await stub((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"v":1,');
    });
    try {
      const started = Date.now();
      expect(await readProviders(stalling.url)).toEqual({ outcome: 'error', reason: 'timeout' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(READ_TIMEOUT_MS - 50);
      expect(Date.now() - started).toBeLessThan(READ_TIMEOUT_MS + 2_000);
    } finally {
      await stalling.close();
    }
  });

  it('a fetch that ignores its signal still cannot hold a read past the time limit', async () => {
    // As a browser's fetch may: headers at once, then a body that never ends and ignores abort and cancel.
    const deaf = () =>
      Promise.resolve(
        new Response(new ReadableStream({ pull: () => new Promise<void>(() => undefined) }), {
          headers: { 'content-type': 'application/json' },
        }),
      );
    vi.stubGlobal('fetch', deaf);
    try {
      const started = Date.now();
      expect(await readBucket('https://crowd.example', 'c46')).toEqual({ outcome: 'error', reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(READ_TIMEOUT_MS + 2_000);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a redirect is never followed, for a report or a read', async () => {
    const target = await stub((_req, res) => res.writeHead(202, { 'content-type': 'application/json' }).end('{"counted":true}'));
    const redirecting = await stub((req, res) => res.writeHead(307, { location: `${target.url}${req.url ?? '/'}` }).end());
    try {
      const { after, waits } = quickRetries();
      expect(await sendReport(redirecting.url, report(hostKey('c41', 1), 1), { after })).toEqual({
        outcome: 'error',
        reason: 'redirect',
        status: 307,
        attempts: 1,
      });
      expect(await readBucket(redirecting.url, 'c41')).toEqual({ outcome: 'error', reason: 'redirect', status: 307 });
      expect(await readProviders(redirecting.url)).toEqual({ outcome: 'error', reason: 'redirect', status: 307 });
      expect(waits).toEqual([]);
      expect(redirecting.requests).toHaveLength(3);
      expect(target.requests).toHaveLength(0);
      // No cookie and no referrer on anything sent.
      for (const r of redirecting.requests) expect([r.headers.cookie, r.headers.referer]).toEqual([undefined, undefined]);
    } finally {
      await Promise.all([target.close(), redirecting.close()]);
    }
  });

  it('an oversized answer is refused, with or without a Content-Length', async () => {
    const big = JSON.stringify({
      v: 1,
      prefix: 'c42',
      windowMin: 10,
      asOf: new Date().toISOString(),
      hosts: [],
      pad: 'x'.repeat(MAX_READ_BYTES),
    });
    const sized = await stub((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) }).end(big),
    );
    // An endless chunked answer: only the size limit ends it.
    const endless = await stub((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    try {
      expect(await readBucket(sized.url, 'c42')).toEqual({ outcome: 'error', reason: 'too-large', status: 200 });
      expect(await readBucket(endless.url, 'c42')).toEqual({ outcome: 'error', reason: 'too-large', status: 200 });
      expect(await readProviders(endless.url)).toEqual({ outcome: 'error', reason: 'too-large', status: 200 });
      const { after } = quickRetries();
      expect(await sendReport(sized.url, report(hostKey('c42', 1), 1), { after })).toEqual({
        outcome: 'error',
        reason: 'too-large',
        status: 200,
        attempts: 1,
      });
    } finally {
      await Promise.all([sized.close(), endless.close()]);
    }
  });

  it('a garbage answer is no answer, and is not cached', async () => {
    const bodies: [string, string][] = [
      ['application/json', 'not json {'],
      ['application/json', '{"v":1,"prefix":"c43","windowMin":10,"asOf":"yesterday","hosts":[]}'],
      ['application/json', '{"v":1,"prefix":"fff","windowMin":10,"asOf":"2026-01-01T00:00:00.000Z","hosts":[]}'],
      ['text/html', '{"v":1,"prefix":"c43","windowMin":10,"asOf":"2026-01-01T00:00:00.000Z","hosts":[]}'],
      ['application/json', '\u00ff\u00fe'],
    ];
    let i = 0;
    const garbage = await stub((_req, res) => {
      const [type, body] = bodies[i++ % bodies.length]!;
      res
        .writeHead(200, { 'content-type': type, 'cache-control': 'public, max-age=15' })
        .end(body === '\u00ff\u00fe' ? Buffer.from([0xff, 0xfe]) : body);
    });
    try {
      for (const _ of bodies) expect(await readBucket(garbage.url, 'c43')).toEqual({ outcome: 'error', reason: 'malformed', status: 200 });
      expect(garbage.requests).toHaveLength(bodies.length);
      expect(await readProviders(garbage.url)).toEqual({ outcome: 'error', reason: 'malformed', status: 200 });
      const { after, waits } = quickRetries();
      expect(await sendReport(garbage.url, report(hostKey('c43', 1), 1), { after })).toMatchObject({
        outcome: 'error',
        reason: 'malformed',
        attempts: 1,
      });
      expect(waits).toEqual([]);
    } finally {
      await garbage.close();
    }
  });

  it('a 429 waits its Retry-After (capped) before the one retry; a 503 read is an error', async () => {
    let posts = 0;
    const limited = await stub((req, res) => {
      if (req.method === 'GET') return void res.writeHead(503).end();
      posts += 1;
      if (posts === 1) return void res.writeHead(429, { 'retry-after': '3' }).end();
      if (posts === 2) return void res.writeHead(202, { 'content-type': 'application/json' }).end('{"counted":true}');
      return void res.writeHead(429, { 'retry-after': '3600' }).end();
    });
    try {
      const { after, waits } = quickRetries();
      expect(await sendReport(limited.url, report(hostKey('c44', 1), 1), { after })).toEqual({
        outcome: 'stored',
        counted: true,
        attempts: 2,
      });
      expect(waits).toEqual([3_000]);
      // An hour's Retry-After is past the cap: the report is dropped, not retried.
      expect(await sendReport(limited.url, report(hostKey('c44', 1), 1), { after })).toEqual({
        outcome: 'error',
        reason: 'http-status',
        status: 429,
        attempts: 1,
      });
      expect(waits).toEqual([3_000]);
      expect(await readBucket(limited.url, 'c44')).toEqual({ outcome: 'error', reason: 'http-status', status: 503 });
    } finally {
      await limited.close();
    }
  });

  it('a refused connection is a network error, retried once', async () => {
    const gone = await stub(() => undefined);
    await gone.close();
    const { after, waits } = quickRetries();
    expect(await sendReport(gone.url, report(hostKey('c45', 1), 1), { after, random: () => 0.5 })).toEqual({
      outcome: 'error',
      reason: 'network',
      attempts: 2,
    });
    expect(waits).toHaveLength(1);
    expect(await readBucket(gone.url, 'c45')).toEqual({ outcome: 'error', reason: 'network' });
  });
});
