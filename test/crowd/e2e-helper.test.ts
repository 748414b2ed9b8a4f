// test/e2e/crowd-service.mjs, the crowd service the end-to-end tests will use, proven to do what it says.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostKeyOf as contractHostKey } from '../../src/core/crowd/report';
import { readBucket, sendReport } from '../../src/platform/crowd-client';
import { hostKeyOf, startCrowdForTest, type CrowdForTest } from '../e2e/crowd-service.mjs';

let crowd: CrowdForTest;
beforeAll(async () => {
  crowd = await startCrowdForTest();
}, 60_000);
afterAll(async () => {
  await crowd?.stop();
});

describe('startCrowdForTest', () => {
  it('keys hosts as the contract does', async () => {
    for (const host of ['shop.example', 'Shop.Example.', 'shop.example:8443', 'xn--bcher-kva.example']) {
      expect(hostKeyOf(host)).toBe(await contractHostKey(host));
    }
    expect(hostKeyOf('shop.example')).toBe(createHash('sha256').update('shop.example').digest('hex'));
  });

  it('seeds from other networks: the bucket lists the host, and the seeds are not in the request log', async () => {
    const key = await crowd.seed('seeded.example', 5, 3);
    expect(crowd.requestLog()).toEqual([]);
    const read = await readBucket(crowd.url, key.slice(0, 3));
    expect(read.outcome === 'ok' && read.value.hosts.find((h) => h.hostKey === key)).toMatchObject({ reporters: 5, networks: 3 });
    expect(crowd.requestLog().map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/buckets/${key.slice(0, 3)}`]);
    const rows = crowd.reportsFor('seeded.example');
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.network)).size).toBe(3);
  });

  it('logs what a client sent, and the database holds only the host key, kind, status and via: no name, path or address', async () => {
    crowd.clearLog();
    const hostKey = hostKeyOf('failing.example');
    const reporter = 'ab'.repeat(16);
    const sent = await sendReport(crowd.url, { v: 1, hostKey, reporter, kind: 'http5xx', status: 503, via: 'cloudflare' });
    expect(sent).toEqual({ outcome: 'stored', counted: true, attempts: 1 });
    const [logged, ...more] = crowd.requestLog();
    expect(more).toEqual([]);
    expect(logged).toMatchObject({ method: 'POST', path: '/v1/reports' });
    expect(JSON.parse(logged!.body)).toEqual({ v: 1, hostKey, reporter, kind: 'http5xx', status: 503, via: 'cloudflare' });
    expect([logged!.headers.cookie, logged!.headers.referer]).toEqual([undefined, undefined]);

    const rows = crowd.reportsFor('failing.example');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(Object.keys(row).sort()).toEqual(['at', 'host_key', 'kind', 'network', 'prefix', 'reporter', 'status', 'via', 'win']);
    expect(row).toMatchObject({
      host_key: hostKey,
      prefix: hostKey.slice(0, 3),
      kind: 'http5xx',
      status: 503,
      via: 'cloudflare',
      reporter,
    });
    // The network is a keyed hash, never the address.
    expect(String(row.network)).not.toMatch(/127\.|::1/);
    for (const text of ['failing.example', 'seeded.example', '127.0.0.1', '127.101.', '/v1/reports'])
      expect(crowd.dataContains(text)).toBe(false);
    expect(crowd.dataContains(hostKey)).toBe(true);
    expect(crowd.logs()).not.toMatch(/127\.101\./);
  });

  it('refuses a seed the rate limit would cut short', async () => {
    await expect(crowd.seed('too.example', 61, 1)).rejects.toThrow(RangeError);
  });
});
