// The outside services' budgets as kept in storage.session: bounded by count and by age, the newest kept.
import { describe, expect, it } from 'vitest';
import { BUCKET_MAX_AGE_MS, boundLimits, MAX_BUCKETS, parseLimits } from '../../../../src/core/diagnosis/stored';
import type { StoredBucket } from '../../../../src/model/outside';
import { DEFAULT_RATE_LIMIT } from '../../../../src/checks/kit/limits';

const T0 = 1_795_608_000_000;
const MIN = 60_000;

/** `n` status-page budgets, the i-th used at T0 + i minutes (so the last is the newest). */
function budgets(n: number): Record<string, StoredBucket> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`status:site${i}.example`, { tokens: 19, updatedAt: T0 + i * MIN }]));
}

describe('parseLimits', () => {
  it('keeps the newest MAX_BUCKETS budgets, not the first ones written', () => {
    const kept = parseLimits(budgets(MAX_BUCKETS + 20));
    expect(Object.keys(kept)).toHaveLength(MAX_BUCKETS);
    expect(kept[`status:site${MAX_BUCKETS + 19}.example`]).toEqual({ tokens: 19, updatedAt: T0 + (MAX_BUCKETS + 19) * MIN });
    expect(kept['status:site0.example']).toBeUndefined();
    expect(kept['status:site19.example']).toBeUndefined();
    expect(kept['status:site20.example']).toBeDefined();
  });

  it("a later service's back-off survives many status-page budgets written before it", () => {
    const state = { ...budgets(55), 'check-host': { tokens: 0, updatedAt: T0 + 100 * MIN, blockedUntil: T0 + 130 * MIN } };
    expect(parseLimits(state)['check-host']).toEqual({ tokens: 0, updatedAt: T0 + 100 * MIN, blockedUntil: T0 + 130 * MIN });
  });

  it('is its own fixed point (what it keeps reads back the same)', () => {
    const once = parseLimits(budgets(MAX_BUCKETS * 2));
    expect(parseLimits(once)).toStrictEqual(once);
  });
});

describe('boundLimits (simulated time)', () => {
  const state = {
    old: { tokens: 20, updatedAt: T0 },
    recent: { tokens: 5, updatedAt: T0 + 55 * MIN },
    'blocked-long-ago': { tokens: 0, updatedAt: T0, blockedUntil: T0 + 70 * MIN },
    'blocked-and-over': { tokens: 0, updatedAt: T0, blockedUntil: T0 + 30 * MIN },
  };

  it('forgets a budget untouched for BUCKET_MAX_AGE_MS unless its back-off still runs', () => {
    const now = T0 + 60 * MIN;
    expect(Object.keys(boundLimits(state, now)).sort()).toEqual(['blocked-long-ago', 'recent']);
  });

  it('keeps everything young enough, and forgets it all once time has passed', () => {
    expect(Object.keys(boundLimits(state, T0 + 1_000)).sort()).toEqual(Object.keys(state).sort());
    expect(boundLimits(state, T0 + 70 * MIN + BUCKET_MAX_AGE_MS)).toEqual({});
  });

  it('the age bound holds exactly at BUCKET_MAX_AGE_MS', () => {
    const one = { a: { tokens: 1, updatedAt: T0 } };
    expect(boundLimits(one, T0 + BUCKET_MAX_AGE_MS - 1)).toEqual(one);
    expect(boundLimits(one, T0 + BUCKET_MAX_AGE_MS)).toEqual({});
  });

  it('keeps the newest MAX_BUCKETS when all are young', () => {
    const many = budgets(MAX_BUCKETS + 10);
    const now = T0 + (MAX_BUCKETS + 9) * MIN + 1;
    const kept = boundLimits(many, now);
    // Only the budgets of the last BUCKET_MAX_AGE_MS are young: count and age both bound it.
    expect(Object.keys(kept)).toHaveLength(BUCKET_MAX_AGE_MS / MIN);
    const all = Object.fromEntries(Object.entries(many).map(([k, b]) => [k, { ...b, updatedAt: now - 1 }]));
    expect(Object.keys(boundLimits({ ...all, newest: { tokens: 1, updatedAt: now } }, now))).toHaveLength(MAX_BUCKETS);
    expect(boundLimits({ ...all, newest: { tokens: 1, updatedAt: now } }, now).newest).toBeDefined();
  });

  it('forgetting an unblocked budget of that age never mints tokens: the default policy refills it completely sooner', () => {
    expect((DEFAULT_RATE_LIMIT.capacity / DEFAULT_RATE_LIMIT.refillPerMinute) * MIN).toBeLessThan(BUCKET_MAX_AGE_MS);
  });
});
