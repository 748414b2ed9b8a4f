// The contract suite against the Worker and its SQLite-backed Durable Objects (workerd, offline), and the
// Worker's own promise: bucket reads come from its cache for their 15 s.
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { contractSuite, hostKey, report, type ClientId, type Engine, type RequestInit } from './contract';

/** On Workers a client's network is its ASN (request.cf.asn) and its rate-limit block the /24 of CF-Connecting-IP. */
async function request(path: string, init: RequestInit = {}) {
  const client: ClientId = init.client ?? { scenario: 100, net: 1 };
  const response = await SELF.fetch(`https://crowd.test${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.headers ?? {}), 'cf-connecting-ip': `10.${client.scenario}.${client.net}.${client.host ?? 1}` },
    ...(init.body !== undefined ? { body: init.body as BodyInit } : {}),
    cf: { asn: 64_000 + client.scenario * 100 + client.net },
  });
  const text = await response.text();
  return { status: response.status, header: (name: string) => response.headers.get(name), text, json: () => JSON.parse(text) };
}

/** Rows in the host's prefix object, read inside it. */
async function storedCount(hostKey: string): Promise<number> {
  const shards = env.SHARDS as { idFromName(name: string): unknown; get(id: unknown): unknown };
  return runInDurableObject(shards.get(shards.idFromName(hostKey.slice(0, 3))), async (_instance, state) => {
    const [row] = state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM reports WHERE host_key = ?', hostKey).toArray();
    return row?.n ?? 0;
  });
}

const engine: Engine = { name: 'Worker + Durable Objects', request, storedCount };
contractSuite(engine);

describe('crowd service on Workers', () => {
  it('answers a bucket read from the cache for 15 s: new reports do not show before', async () => {
    const first = await request('/v1/buckets/e01');
    expect(first.json().hosts).toEqual([]);
    for (let i = 0; i < 6; i += 1) {
      const reply = await request('/v1/reports', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(report(hostKey('e01'), i + 1)),
        client: { scenario: 30, net: 1 + (i % 3), host: 1 },
      });
      expect(reply.status).toBe(202);
    }
    const second = await request('/v1/buckets/e01');
    expect(second.json()).toEqual(first.json());
    expect(second.header('cache-control')).toBe('public, max-age=15');
    // The same prefix's object does hold them: another path to it (providers is empty) is not involved.
    const other = await request('/v1/buckets/e02');
    expect(other.json().prefix).toBe('e02');
  }, 60_000);

  it('counts networks by ASN: one address block in 3 ASNs is 3 networks, 3 blocks in one ASN is one', async () => {
    const send = (key: string, i: number, ip: string, asn: number) =>
      SELF.fetch('https://crowd.test/v1/reports', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
        body: JSON.stringify(report(key, i + 1)),
        cf: { asn },
      });
    for (let i = 0; i < 5; i += 1) {
      expect((await send(hostKey('e03'), i, `10.31.1.${i + 1}`, 65_001 + (i % 3))).status).toBe(202);
      expect((await send(hostKey('e04'), i, `10.32.${i + 1}.1`, 65_100)).status).toBe(202);
    }
    expect((await request('/v1/buckets/e03')).json().hosts).toEqual([expect.objectContaining({ reporters: 5, networks: 3 })]);
    expect((await request('/v1/buckets/e04')).json().hosts).toEqual([]);
  }, 60_000);
});
