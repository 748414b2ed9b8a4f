import { describe, expect, it } from 'vitest';
import { BUCKETS, validateReachability } from '../../../../src/core/diagnosis/stored';
import { bucketOf, noteAnswered, otherSiteAnsweredAgo, RECENT_MS } from '../../../../src/core/diagnosis/reachability';
import { onlineCheck } from '../../../../src/checks/sources/online';
import { verdict } from '../../../../src/core/diagnosis/verdict';
import type { Evidence } from '../../../../src/model/evidence';
import type { CheckContext } from '../../../../src/checks/kit/types';
import { bucketOf as fixtureBucketOf, portOutsideBucketOf } from '../../../fixtures/reachability-bucket.mjs';

const NOW = 1_700_000_000_000;

describe('reachability: who answered lately, by bucket', () => {
  it('buckets are stable, case-blind and within range; names never appear', () => {
    expect(bucketOf('https://News.Example')).toBe(bucketOf('https://news.example'));
    const seen = new Set(Array.from({ length: 500 }, (_, i) => bucketOf(`https://site${i}.example`)));
    expect(seen.size).toBeGreaterThan(BUCKETS / 2);
    for (const b of seen) expect(b).toMatch(/^b(\d|[1-5]\d|6[0-3])$/);
    expect(JSON.stringify(noteAnswered({}, 'https://news.example', NOW))).not.toContain('news');
  });

  it('another site within the last minute counts; the failing site itself, older loads and future times do not', () => {
    let r = noteAnswered({}, 'https://news.example', NOW - 20_000)!;
    r = noteAnswered(r, 'https://shop.example', NOW - 1_000)!;
    expect(otherSiteAnsweredAgo(r, 'https://shop.example', NOW)).toBe(20_000);
    expect(otherSiteAnsweredAgo(r, 'https://shop.example', NOW + RECENT_MS)).toBeUndefined();
    expect(otherSiteAnsweredAgo({ [bucketOf('https://news.example')]: NOW + 60_000 }, 'https://shop.example', NOW)).toBeUndefined();
    expect(otherSiteAnsweredAgo(noteAnswered({}, 'https://shop.example', NOW)!, 'https://shop.example', NOW)).toBeUndefined();
  });

  it('skips rewriting a bucket written a few seconds ago', () => {
    const r = noteAnswered({}, 'https://news.example', NOW)!;
    expect(noteAnswered(r, 'https://news.example', NOW + 2_000)).toBeUndefined();
    expect(noteAnswered(r, 'https://news.example', NOW + 11_000)).toEqual({ [bucketOf('https://news.example')]: NOW + 11_000 });
  });

  it('garbage read back becomes nothing, never a crash', () => {
    for (const raw of [undefined, null, 'x', 42, [], { b1: 'x' }, { b64: 1 }, { news: 1 }, { b1: -1 }, { b1: Infinity }])
      expect(validateReachability(raw)).toEqual({});
    expect(validateReachability({ b1: 5, b63: 7, junk: 1 })).toEqual({ b1: 5, b63: 7 });
  });
});

describe('the online check asks nobody', () => {
  const ctx = (over: Partial<CheckContext>): CheckContext =>
    ({
      host: 'shop.example',
      origin: 'https://shop.example',
      url: 'https://shop.example/',
      fetch: () => Promise.reject(new Error('no requests')),
      now: () => NOW,
      ...over,
    }) as CheckContext;
  const run = (over: Partial<CheckContext>) => onlineCheck.run(ctx(over), new AbortController().signal);

  it('offline when the browser says so, or the page failed with "internet disconnected"', async () => {
    expect((await run({ browser: { online: false, otherSiteAnsweredAgoMs: 5_000 } })).outcome).toEqual({ kind: 'offline' });
    expect((await run({ browser: { online: true }, incident: { netError: 'offline' } as never })).summary).toEqual({
      key: 'check_online_offline',
    });
  });

  it('online when another site answered lately; nothing to say otherwise', async () => {
    expect(await run({ browser: { online: true, otherSiteAnsweredAgoMs: 20_400 } })).toMatchObject({
      outcome: { kind: 'online', agoMs: 20_400 },
      summary: { key: 'check_online_recent', subs: ['20'] },
    });
    expect((await run({ browser: { online: true } })).outcome).toEqual({ kind: 'none', reason: 'not-applicable' });
    expect((await run({})).outcome).toEqual({ kind: 'none', reason: 'not-applicable' });
    expect(onlineCheck.needsConsent).toBe(false);
  });

  it('the verdict weighs it with the consented baseline', () => {
    const online = (outcome: Evidence['outcome']): Evidence =>
      ({ check: 'online', outcome, summary: { key: 'check_online_offline' }, ms: 0 }) as Evidence;
    const baseline = (outcome: Evidence['outcome']): Evidence =>
      ({ check: 'connectivity', outcome, summary: { key: 'check_connectivity_offline' }, ms: 0 }) as Evidence;
    // The browser's own "offline": your connection, with high confidence.
    expect(verdict([online({ kind: 'offline' })])).toMatchObject({ kind: 'just-you-connection', confidence: 'high' });
    // Another site answered a moment ago: a baseline that reached nobody (blocked endpoints) does not mean offline.
    expect(verdict([online({ kind: 'online', agoMs: 1_000 }), baseline({ kind: 'offline', tried: 2 })]).kind).toBe('cant-tell');
    expect(verdict([baseline({ kind: 'offline', tried: 2 })]).kind).toBe('just-you-connection');
    // A captive portal explains everything, whatever the browser saw.
    expect(verdict([online({ kind: 'online', agoMs: 1_000 }), baseline({ kind: 'intercepted', via: 'x', status: 200 })])).toMatchObject({
      kind: 'just-you-connection',
      confidence: 'medium',
    });
  });
});

describe('the e2e fixtures hash origins as the product does', () => {
  it('fixtureBucketOf equals bucketOf for hosts, ports, IPv6 and IDN', () => {
    const origins = ['http://shop.example', 'https://News.Example', 'http://[::1]:8080', 'https://xn--bcher-kva.example'];
    for (let port = 1024; port < 3024; port++) origins.push(`http://127.0.0.1:${port}`);
    for (const origin of origins) expect(fixtureBucketOf(origin), origin).toBe(bucketOf(origin));
  });

  it('portOutsideBucketOf skips ports that share the avoided bucket', async () => {
    const avoid = bucketOf('http://shop.example');
    const colliding = Array.from({ length: 4000 }, (_, i) => 30_000 + i).filter((p) => bucketOf(`http://127.0.0.1:${p}`) === avoid);
    expect(colliding.length).toBeGreaterThan(2);
    const fine = Array.from({ length: 100 }, (_, i) => 30_000 + i).find((p) => bucketOf(`http://127.0.0.1:${p}`) !== avoid)!;
    const queue = [colliding[0], colliding[1], fine];
    const port = await portOutsideBucketOf('http://shop.example', async () => queue.shift()!);
    expect(port).toBe(fine);
    expect(bucketOf(`http://127.0.0.1:${port}`)).not.toBe(avoid);
  });
});
