import { describe, expect, it } from 'vitest';
import { backOff, cacheGet, cachePut, EvidenceCache, MAX_BACKOFF_MS, RateLimiter, takeToken } from '../../../../src/checks/kit/limits';
import type { Evidence } from '../../../../src/model/evidence';

const policy = { capacity: 2, refillPerMinute: 6 }; // one token every 10 s

describe('token bucket', () => {
  it('allows a burst up to capacity, then says when the next token comes', () => {
    let state = takeToken(undefined, policy, 0);
    expect(state.allowed).toBe(true);
    state = takeToken(state.state, policy, 0);
    expect(state.allowed).toBe(true);
    const denied = takeToken(state.state, policy, 0);
    expect(denied).toMatchObject({ allowed: false, retryAt: 10_000 });
    expect(takeToken(denied.state, policy, 10_000).allowed).toBe(true);
  });

  it('never refills beyond capacity, and a clock going backwards mints nothing', () => {
    const idle = takeToken(undefined, policy, 0);
    expect(takeToken(idle.state, policy, 10 * 60_000).state.tokens).toBe(policy.capacity - 1);
    const empty = { tokens: 0, updatedAt: 50_000 };
    expect(takeToken(empty, policy, 0).allowed).toBe(false);
  });

  it('a back-off blocks until its time, bounded to an hour; garbage means the default minute', () => {
    expect(takeToken(backOff(undefined, policy, 0, 5_000), policy, 4_999)).toMatchObject({ allowed: false, retryAt: 5_000 });
    expect(takeToken(backOff(undefined, policy, 0, 5_000), policy, 5_000).allowed).toBe(false); // bucket was emptied…
    expect(takeToken(backOff(undefined, policy, 0, 5_000), policy, 10_000).allowed).toBe(true); // …and refills
    expect(backOff(undefined, policy, 0, 1e15).blockedUntil).toBe(MAX_BACKOFF_MS);
    expect(backOff(undefined, policy, 0, Number.NaN).blockedUntil).toBe(60_000);
    expect(backOff(undefined, policy, 100, -5).blockedUntil).toBe(100);
  });

  it('RateLimiter keeps one bucket per service and can be snapshotted and restored', () => {
    let now = 0;
    const limiter = new RateLimiter({ now: () => now, policy });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAt: 10_000 });
    expect(limiter.take('b')).toEqual({ allowed: true });
    limiter.backOff('b', 30_000);
    const restored = new RateLimiter({ now: () => now, policy, state: limiter.snapshot() });
    expect(restored.take('b')).toEqual({ allowed: false, retryAt: 30_000 });
    now = 40_000;
    expect(restored.take('b')).toEqual({ allowed: true });
  });
});

describe('evidence cache', () => {
  const evidence: Evidence = { check: 'archive', outcome: { kind: 'not-archived' }, summary: { key: 'check_archive_missing' }, ms: 5 };

  it('serves an entry for its TTL, per check and host', () => {
    let now = 0;
    const cache = new EvidenceCache({ now: () => now, ttlMs: 60_000 });
    cache.put('a.example', evidence);
    expect(cache.get('archive', 'a.example')).toEqual(evidence);
    expect(cache.get('archive', 'b.example')).toBeUndefined();
    expect(cache.get('dns', 'a.example')).toBeUndefined();
    now = 59_999;
    expect(cache.get('archive', 'a.example')).toEqual(evidence);
    now = 60_000;
    expect(cache.get('archive', 'a.example')).toBeUndefined();
  });

  it('drops expired entries and evicts the oldest beyond its size', () => {
    let state = {};
    for (let i = 0; i < 5; i += 1) state = cachePut(state, `h${i}.example`, evidence, i, 60_000, 3);
    expect(Object.keys(state)).toEqual(['archive|h2.example', 'archive|h3.example', 'archive|h4.example']);
    state = cachePut(state, 'late.example', evidence, 100_000, 60_000, 3);
    expect(Object.keys(state)).toEqual(['archive|late.example']);
    expect(cacheGet(state, 'archive', 'late.example', 99_999, 60_000)).toBeUndefined(); // stored in the future: ignore
  });
});
