// The crowd check with a scripted client (the real client is tested against the real service in test/crowd/):
// what it asks (a 3-digit prefix; the platforms only when the failing answer names one), and the row it gives.
import { describe, expect, it } from 'vitest';
import { crowdCheck } from '../../../../src/checks/sources/crowd';
import { runChecks } from '../../../../src/checks/run';
import type { CheckContext, CrowdAccess } from '../../../../src/checks/kit/types';
import { endpointsAt } from '../../../../src/checks/kit/endpoints';
import type { BucketRead, ProvidersRead } from '../../../../src/core/crowd/read';
import { hostKeyOf } from '../../../../src/core/crowd/report';
import { classify } from '../../../../src/core/incident/classify';
import { DEFAULT_CONSENT } from '../../../../src/core/settings/consent';
import type { Incident } from '../../../../src/model/incident';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const KEY = await hostKeyOf('shop.example');
const never = () => new AbortController().signal;

function client(bucket: (prefix: string) => BucketRead | undefined, providers?: ProvidersRead) {
  const asked: string[] = [];
  const reads: unknown[] = [];
  const access: CrowdAccess = {
    readBucket: async (prefix) => (asked.push(`bucket ${prefix}`), bucket(prefix)),
    readProviders: async () => (asked.push('providers'), providers),
    onRead: (read) => void reads.push(read),
  };
  return { access, asked, reads };
}
const listed = (prefix: string): BucketRead => ({
  prefix,
  windowMin: 10,
  asOf: NOW - 3 * 60_000,
  hosts: [{ hostKey: KEY, reporters: 310, networks: 41, level: 'widespread', ratio: 25, since: NOW - 20 * 60_000 }],
});
const empty = (prefix: string): BucketRead => ({ prefix, windowMin: 10, asOf: NOW, hosts: [] });
const cloudflare522 = classify({
  kind: 'http',
  url: 'https://shop.example/x',
  status: 522,
  headers: [
    { name: 'server', value: 'cloudflare' },
    { name: 'cf-ray', value: '8a1b2c3d4e5f6789-FRA' },
  ],
  time: NOW,
}) as Incident;

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  host: 'shop.example',
  origin: 'https://shop.example',
  url: 'https://shop.example/cart?token=secret',
  fetch: () => Promise.reject(new Error('no network here')),
  endpoints: endpointsAt('http://127.0.0.1:9'),
  now: () => NOW,
  ...over,
});

describe('the crowd check', () => {
  it('a listed host: one read by the 3-digit prefix, the row with the counts, weighing for "everyone", with its age', async () => {
    const { access, asked, reads } = client(listed);
    const e = await crowdCheck.run(ctx({ crowd: access }), never());
    expect(asked).toEqual([`bucket ${KEY.slice(0, 3)}`]);
    expect(e.summary).toEqual({ key: 'crowdHostFailingRatio', subs: ['310', '41', 'shop.example', '25'] });
    expect(e.outcome).toEqual({ kind: 'listed', weight: 'supports-everyone', level: 'widespread', asOf: NOW - 3 * 60_000 });
    expect(reads).toEqual([{ hostKey: KEY, level: 'widespread', at: NOW }]);
  });

  it('not listed: "too few reports", weighing nothing; no answer: "could not be read", weighing nothing', async () => {
    const few = await crowdCheck.run(ctx({ crowd: client(empty).access }), never());
    expect([few.summary.key, few.outcome]).toEqual(['crowdTooFew', { kind: 'unlisted', weight: 'none', asOf: NOW }]);
    const none = await crowdCheck.run(ctx({ crowd: client(() => undefined).access }), never());
    expect([none.summary.key, none.outcome]).toEqual(['crowdUnavailable', { kind: 'unread', weight: 'none' }]);
  });

  it('the platforms are read only when the failing answer came through one the contract names', async () => {
    const providers: ProvidersRead = {
      windowMin: 10,
      asOf: NOW,
      providers: [{ via: 'cloudflare', hosts: 150, reporters: 400, networks: 60, level: 'widespread' }],
    };
    const plain = client(empty, providers);
    await crowdCheck.run(ctx({ crowd: plain.access }), never());
    expect(plain.asked).not.toContain('providers');
    const viaCf = client(empty, providers);
    expect(cloudflare522.platform?.id).toBe('cloudflare');
    const e = await crowdCheck.run(ctx({ crowd: viaCf.access, incident: cloudflare522 }), never());
    expect(viaCf.asked).toContain('providers');
    expect(e.outcome).toMatchObject({
      kind: 'unlisted',
      weight: 'supports-everyone',
      provider: { key: 'crowdProviderFailing', subs: ['Cloudflare', '150'] },
    });
  });

  it('without the opt-in nobody is asked; a private host never', async () => {
    expect((await crowdCheck.run(ctx(), never())).outcome).toEqual({ kind: 'none', reason: 'not-consented' });
    for (const host of ['localhost', 'nas.local', '10.0.0.2', 'intranet']) {
      const { access, asked } = client(listed);
      const [e] = await runChecks([crowdCheck], ctx({ host, origin: `http://${host}`, url: `http://${host}/`, crowd: access }), {
        deadlineMs: 1_000,
        consent: DEFAULT_CONSENT,
      });
      expect(e!.outcome, host).toEqual({ kind: 'none', reason: 'private-host' });
      expect(asked, host).toEqual([]);
    }
  });

  it('after a DNS failure, only once public DNS vouched: without the DNS check nothing is asked', async () => {
    const dnsFailed = classify({
      kind: 'network',
      url: 'https://shop.example/',
      error: 'net::ERR_NAME_NOT_RESOLVED',
      time: NOW,
    }) as Incident;
    const { access, asked } = client(listed);
    const [e] = await runChecks([crowdCheck], ctx({ crowd: access, incident: dnsFailed }), { deadlineMs: 1_000, consent: DEFAULT_CONSENT });
    expect(e!.outcome).toEqual({ kind: 'none', reason: 'private-host' });
    expect(asked).toEqual([]);
  });

  it("a client that hangs is cut off by the run's deadline", async () => {
    const hanging: CrowdAccess = { readBucket: () => new Promise(() => undefined), readProviders: () => new Promise(() => undefined) };
    const started = performance.now();
    const [e] = await runChecks([crowdCheck], ctx({ crowd: hanging }), { deadlineMs: 300, consent: DEFAULT_CONSENT });
    expect(e!.outcome).toEqual({ kind: 'none', reason: 'timeout' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
