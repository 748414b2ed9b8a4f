// The contract suite against the real Node server (`npm run crowd` in its own process, a real SQLite file),
// and what only the embedded engine can show: a kill -9 loses no 202, and no client address reaches disk or logs.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractSuite, hostKey, report, type ClientId } from './contract';
import { addressOf, httpFetch, nodeEngine, spawnCrowd, type NodeCrowd } from './node-engine';

const dataDir = mkdtempSync(join(tmpdir(), 'downcheck-crowd-'));
const db = join(dataDir, 'crowd.sqlite');
let crowd: NodeCrowd;
const used = new Set<string>();

beforeAll(async () => {
  crowd = await spawnCrowd(db);
}, 60_000);
afterAll(async () => {
  await crowd?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const engine = nodeEngine(
  {
    get url() {
      return crowd.url;
    },
  },
  db,
);
contractSuite({
  ...engine,
  request: (path, init) => {
    if (init?.client) used.add(addressOf(init.client));
    return engine.request(path, init);
  },
});

describe('crowd service on Node', () => {
  it('a report answered 202 survives kill -9 right after', async () => {
    const sent = Array.from({ length: 160 }, (_, i) => ({
      key: hostKey('d01', i % 7),
      reporter: 1000 + i,
      net: 1 + (i % 4),
      host: 1 + (i % 40),
    }));
    const replies = await Promise.all(
      sent.map((s) => {
        used.add(addressOf({ scenario: 20, net: s.net, host: s.host }));
        return httpFetch(crowd.url, '/v1/reports', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(report(s.key, s.reporter)),
          client: { scenario: 20, net: s.net, host: s.host },
        });
      }),
    );
    const window = Math.floor(Date.now() / 600_000);
    expect(replies.map((r) => r.status)).toEqual(sent.map(() => 202));
    expect(replies.every((r) => r.json().counted === true)).toBe(true);
    crowd.child.kill('SIGKILL');
    await new Promise((resolve) => crowd.child.once('exit', resolve));
    const reader = new Database(db, { readonly: true });
    const stored = reader.prepare("SELECT count(*) AS n FROM reports WHERE prefix = 'd01'").get() as { n: number };
    reader.close();
    expect(stored.n).toBe(sent.length);
    // The restarted service reads the same file and still counts them as seen.
    const before = crowd.logs();
    crowd = await spawnCrowd(db);
    const repeat = await httpFetch(crowd.url, '/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report(sent[0]!.key, sent[0]!.reporter)),
      client: { scenario: 20, net: 1 },
    });
    // Unless a 10-minute window began meanwhile, when a new report is rightly counted again.
    expect(repeat.json()).toEqual({ counted: Math.floor(Date.now() / 600_000) !== window });
    crowd.logs = (
      (own) => () =>
        before + own()
    )(crowd.logs);
  }, 60_000);

  it('no client address, and no client network in clear, appears in any file of the data folder or in the logs', async () => {
    expect(used.size).toBeGreaterThan(50);
    const files = readdirSync(dataDir);
    expect(files).toContain('crowd.sqlite');
    const texts = [...files.map((f) => readFileSync(join(dataDir, f)).toString('latin1')), crowd.logs()];
    // Any 127.<x>.<y> with x ≠ 0 is a client address or network of these tests (the server listens on 127.0.0.1).
    const clear = /127\.([1-9]\d{0,2})\.\d{1,3}/g;
    const found = texts.flatMap((t) => t.match(clear) ?? []);
    expect(found).toEqual([]);
    expect(texts.some((t) => t.includes('xxxxxxxxxxxxxxxxxxxxxxxx'))).toBe(false); // the ignored field of the 1 KB report
    expect([...used].every((a) => clear.test(a) && !(clear.lastIndex = 0))).toBe(true);
    // The check can fail: the address of the server itself is in its log line.
    expect(crowd.logs()).toContain('127.0.0.1');
  }, 30_000);
});

describe('crowd service on Node behind a trusted proxy', () => {
  it('takes the network from X-Forwarded-For only when the direct peer is a configured proxy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'downcheck-crowd-proxy-'));
    const proxied = await spawnCrowd(join(dir, 'crowd.sqlite'), { CROWD_TRUSTED_PROXIES: '127.40.0.1' });
    try {
      const send = (key: string, i: number, from: ClientId) =>
        httpFetch(proxied.url, '/v1/reports', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.${113 + (i % 3)}.${i + 1}` },
          body: JSON.stringify(report(key, i + 1)),
          client: from,
        });
      for (let i = 0; i < 5; i += 1) {
        expect((await send(hostKey('f01'), i, { scenario: 40, net: 0, host: 1 })).status).toBe(202);
        expect((await send(hostKey('f02'), i, { scenario: 41, net: 0, host: 1 })).status).toBe(202);
      }
      const read = async (prefix: string) => (await httpFetch(proxied.url, `/v1/buckets/${prefix}`)).json().hosts;
      expect(await read('f01')).toEqual([expect.objectContaining({ reporters: 5, networks: 3 })]);
      expect(await read('f02')).toEqual([]);
      expect(proxied.logs()).not.toMatch(/203\.0\.11[3-5]/);
    } finally {
      await proxied.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
