import { describe, expect, it } from 'vitest';
import { fetchJson, fetchStatus, fetchText, rateLimitReset, sleep, timeLeft } from '../../../../src/checks/kit/http';
import { RateLimiter } from '../../../../src/checks/kit/limits';
import { isRecord } from '../../../../src/core/schema/validate';
import { CLOSED, contextFor, never, timed, useOutsideServices } from '../helpers';

const services = useOutsideServices();

const anyObject = (v: unknown) => (isRecord(v) ? v : undefined);
const doh = () => `${services.base}/resolve?name=shop.example&type=A`;
const json = (overrides: Partial<Parameters<typeof fetchJson>[2]> = {}) => ({
  maxBytes: 64 * 1024,
  timeoutMs: 500,
  signal: never(),
  parse: anyObject,
  ...overrides,
});

describe('fetchJson', () => {
  it('returns the parsed, validated value', async () => {
    const result = await fetchJson(contextFor(services), doh(), json());
    expect(result).toMatchObject({ ok: true, status: 200, value: { Status: 0 } });
  });

  it.each([
    ['malformed', 'malformed'],
    ['wrong-shape', 'malformed'],
    ['html', 'malformed'],
    ['http-500', 'http-error'],
    ['reset', 'network'],
  ] as const)('a %s answer is %s', async (fault, reason) => {
    services.setBehaviour({ doh: { fault } });
    const parse = (v: unknown) => (isRecord(v) && 'Status' in v ? v : undefined);
    const result = await fetchJson(contextFor(services), doh(), json({ parse }));
    expect(result).toMatchObject({ ok: false, reason });
  });

  it('abandons a huge body while streaming it (no Content-Length to trust)', async () => {
    services.setBehaviour({ doh: { fault: 'huge' } });
    const { value, ms } = await timed(fetchJson(contextFor(services), doh(), json({ maxBytes: 100_000, timeoutMs: 5_000 })));
    expect(value).toEqual({ ok: false, reason: 'too-large' });
    expect(ms).toBeLessThan(1_000);
  });

  it.each(['hang', 'slow-body'] as const)('gives up on a %s answer at its timeout', async (fault) => {
    services.setBehaviour({ doh: { fault } });
    const { value, ms } = await timed(fetchJson(contextFor(services), doh(), json({ timeoutMs: 200 })));
    expect(value).toEqual({ ok: false, reason: 'timeout' });
    expect(ms).toBeGreaterThanOrEqual(150); // timers start from libuv's cached loop time: they may fire a little early
    expect(ms).toBeLessThan(600);
  });

  it('gives up even on a fetch that ignores its abort signal', async () => {
    const ctx = contextFor(services, { fetch: () => new Promise<Response>(() => undefined) });
    const { value, ms } = await timed(fetchJson(ctx, doh(), json({ timeoutMs: 100 })));
    expect(value).toEqual({ ok: false, reason: 'timeout' });
    expect(ms).toBeLessThan(400);
  });

  it('treats a fetch that throws synchronously-ish as a network error', async () => {
    const ctx = contextFor(services, { fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    expect(await fetchJson(ctx, doh(), json())).toEqual({ ok: false, reason: 'network' });
  });

  it('says "network" for a refused connection', async () => {
    expect(await fetchJson(contextFor(services), `${CLOSED}/resolve`, json())).toEqual({ ok: false, reason: 'network' });
  });

  it('says "aborted" when the caller aborts, and sends nothing when already aborted', async () => {
    services.setBehaviour({ doh: { fault: 'hang' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { value, ms } = await timed(fetchJson(contextFor(services), doh(), json({ timeoutMs: 5_000, signal: controller.signal })));
    expect(value).toEqual({ ok: false, reason: 'aborted' });
    expect(ms).toBeLessThan(500);
    services.clearLog();
    expect(await fetchJson(contextFor(services), doh(), json({ signal: controller.signal }))).toEqual({ ok: false, reason: 'aborted' });
    expect(services.log).toHaveLength(0);
  });

  it('turns a parser that throws into "malformed"', async () => {
    const parse = () => {
      throw new Error('bug');
    };
    expect(await fetchJson(contextFor(services), doh(), json({ parse }))).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('does not follow redirects: the redirect is the answer', async () => {
    services.setBehaviour({ connectivity: { captive: true } });
    const url = `${services.base}/generate_204`;
    expect(await fetchStatus(contextFor(services), url, { timeoutMs: 500, signal: never() })).toMatchObject({
      ok: true,
      status: 302,
      redirected: true,
    });
    // Even with hops allowed: the captive portal's login page is on a private address (the stand-in's loopback).
    const allowed = { timeoutMs: 500, signal: never(), follow: { maxHops: 3 } };
    expect(await fetchStatus(contextFor(services), url, allowed)).toMatchObject({ ok: true, status: 302, redirected: true });
    expect(services.requests('connectivity')).toHaveLength(2);
  });

  it('sends no cookies, no referrer, and bypasses the cache', async () => {
    const seen: RequestInit[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push(init ?? {});
      return globalThis.fetch(input, init);
    };
    await fetchJson(contextFor(services, { fetch: spy }), doh(), json());
    expect(seen[0]).toMatchObject({ credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', redirect: 'manual' });
  });
});

describe('rate limits', () => {
  it('a 429 blocks the service until its reset time, without sending more', async () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ now: () => now });
    const ctx = contextFor(services, { limiter, now: () => now });
    services.setBehaviour({ doh: { fault: 'rate-limited' } });
    const first = await fetchJson(ctx, doh(), json({ rateKey: 'doh:Google' }));
    expect(first).toEqual({ ok: false, reason: 'rate-limited', status: 429, retryAt: now + 30_000 });
    expect(services.log).toHaveLength(1);

    services.setBehaviour();
    const second = await fetchJson(ctx, doh(), json({ rateKey: 'doh:Google' }));
    expect(second).toEqual({ ok: false, reason: 'rate-limited', retryAt: now + 30_000 });
    expect(services.log).toHaveLength(1); // nothing sent
    // Another service's budget is untouched.
    expect(await fetchJson(ctx, doh(), json({ rateKey: 'doh:Cloudflare' }))).toMatchObject({ ok: true });

    now += 31_000;
    expect(await fetchJson(ctx, doh(), json({ rateKey: 'doh:Google' }))).toMatchObject({ ok: true });
  });

  it('reads Retry-After (seconds or date) first, then X-RateLimit-Reset', () => {
    const now = Date.parse('2024-03-15T09:30:00Z');
    expect(rateLimitReset(new Headers({ 'retry-after': '120' }), now)).toBe(now + 120_000);
    expect(rateLimitReset(new Headers({ 'retry-after': 'Fri, 15 Mar 2024 09:31:00 GMT' }), now)).toBe(now + 60_000);
    expect(rateLimitReset(new Headers({ 'x-ratelimit-reset': '1800' }), now)).toBe(now + 1_800_000);
    expect(rateLimitReset(new Headers({ 'x-ratelimit-reset': '-1' }), now)).toBeUndefined();
    expect(rateLimitReset(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('fetchText / fetchStatus / helpers', () => {
  it('truncates instead of refusing when asked', async () => {
    services.setBehaviour({ site: { fault: 'huge' } });
    const result = await fetchText(contextFor(services), `${services.base}/`, {
      timeoutMs: 2_000,
      signal: never(),
      maxBytes: 1_000,
      truncate: true,
    });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.ok && result.text.length).toBe(1_000);
  });

  it('fetchStatus answers with the status of any answer, body unread', async () => {
    services.setBehaviour({ site: { status: 503, fault: undefined } });
    const { value, ms } = await timed(fetchStatus(contextFor(services), `${services.base}/`, { timeoutMs: 500, signal: never() }));
    expect(value).toMatchObject({ ok: true, status: 503 });
    expect(ms).toBeLessThan(300);
  });

  it('timeLeft keeps a margin before the deadline and never goes negative', () => {
    expect(timeLeft({ now: () => 0 }, 500)).toBe(500);
    expect(timeLeft({ now: () => 0, deadlineAt: 300 }, 500)).toBe(280);
    expect(timeLeft({ now: () => 400, deadlineAt: 300 }, 500)).toBe(0);
  });

  it('sleep resolves false at once when aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort();
    expect(await pending).toBe(false);
    expect(await sleep(1, never())).toBe(true);
  });
});
