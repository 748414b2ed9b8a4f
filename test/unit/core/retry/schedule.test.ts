import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../../../../src/core/retry/policy';
import {
  ALARM_MIN_DELAY_MS,
  isRelapse,
  MAX_RECOVERIES,
  onRelapse,
  RELAPSE_WINDOW_MS,
  RESUME_SPREAD_MAX_MS,
  RESUME_SPREAD_PER_SCHEDULE_MS,
  spreadResume,
  onOffline,
  onOnline,
  onProbeFailed,
  shouldGiveUp,
  startSchedule,
  waitMechanism,
} from '../../../../src/core/retry/schedule';
import type { RetrySchedule } from '../../../../src/model/retry';

const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);
const S = 1000;
const MIN = 60 * S;
const ORIGIN = 'https://shop.example';
const D = DEFAULT_RETRY_OPTIONS;
const lowest = () => 0;
const highest = () => 1;

const start = (options?: RetryOptions, extra: { retryAfterMs?: number; random?: () => number } = {}) =>
  startSchedule({ origin: ORIGIN, now: T0, random: lowest, ...extra }, options);

/** Fails every probe when it is due until the schedule gives up; returns the probe times. */
function failUntilGivenUp(
  s: RetrySchedule,
  random: () => number,
  options: RetryOptions = D,
  limit = 10_000,
): { probes: number[]; last: RetrySchedule } {
  const probes: number[] = [];
  while (!shouldGiveUp(s) && probes.length < limit) {
    probes.push(s.nextAt);
    s = onProbeFailed(s, { now: s.nextAt, random }, options);
  }
  return { probes, last: s };
}

describe('startSchedule', () => {
  it('waits for the first retry, with the default give-up in 30 min', () => {
    expect(start()).toEqual({
      origin: ORIGIN,
      startedAt: T0,
      attempt: 1,
      nextAt: T0 + D.minDelayMs,
      notBefore: T0,
      pausedOfflineSince: null,
      giveUpAt: T0 + 30 * MIN,
    });
  });

  it('honours the failure’s Retry-After', () => {
    const s = start(D, { retryAfterMs: 5 * S, random: highest });
    expect(s.nextAt).toBe(T0 + 5 * S);
    expect(s.notBefore).toBe(T0 + 5 * S);
  });

  it('takes a configured give-up time, or none', () => {
    expect(start({ ...D, giveUpAfterMs: 5 * MIN }).giveUpAt).toBe(T0 + 5 * MIN);
    expect(start({ ...D, giveUpAfterMs: null }).giveUpAt).toBeNull();
  });

  it('survives a JSON round trip, as storage.session does', () => {
    const s = onOffline(start(), T0 + S);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('onProbeFailed', () => {
  it('backs off from the time of the failed probe', () => {
    const s = onProbeFailed(start(), { now: T0 + 2 * S, random: highest });
    expect(s.attempt).toBe(2);
    expect(s.nextAt).toBe(T0 + 2 * S + D.firstDelayMs * D.factor);
  });

  it('does not probe before a Retry-After, and a later Retry-After replaces it', () => {
    let s = onProbeFailed(start(), { now: T0 + S, retryAfterMs: 2 * MIN, random: lowest });
    expect(s.nextAt).toBe(T0 + S + 2 * MIN);
    expect(s.notBefore).toBe(T0 + S + 2 * MIN);
    s = onProbeFailed(s, { now: s.nextAt, retryAfterMs: 0, random: lowest });
    expect(s.notBefore).toBe(T0 + S + 2 * MIN);
    expect(s.nextAt).toBe(T0 + S + 2 * MIN + D.minDelayMs);
  });

  it('leaves the schedule it was given untouched', () => {
    const s = start();
    const copy = structuredClone(s);
    onProbeFailed(s, { now: T0 + S, random: lowest });
    expect(s).toEqual(copy);
  });
});

describe('giving up', () => {
  it.each([
    ['longest waits', highest],
    ['shortest waits', lowest],
    ['middle waits', () => 0.5],
  ])('takes a last look exactly at the give-up time, then gives up (%s)', (_name, random) => {
    const { probes, last } = failUntilGivenUp(start(D, { random }), random);
    expect(probes.at(-1)).toBe(T0 + 30 * MIN);
    expect(probes.every((t) => t <= T0 + 30 * MIN)).toBe(true);
    expect(shouldGiveUp(last)).toBe(true);
  });

  it('is not due before the give-up time', () => {
    const s = onProbeFailed(start(), { now: T0 + 29 * MIN, random: lowest });
    expect(shouldGiveUp(s)).toBe(false);
  });

  it('gives up at once when the server asks to wait past the give-up time', () => {
    const s = onProbeFailed(start(), { now: T0 + 29 * MIN, retryAfterMs: 10 * MIN, random: lowest });
    expect(shouldGiveUp(s)).toBe(true);
  });

  it('still takes the last look when the worker wakes up late for it', () => {
    let s = onProbeFailed({ ...start(), attempt: 10 }, { now: T0 + 29 * MIN + 30 * S, random: highest });
    expect(s.nextAt).toBe(T0 + 30 * MIN);
    expect(shouldGiveUp(s)).toBe(false);
    s = onProbeFailed(s, { now: T0 + 45 * MIN, random: lowest });
    expect(shouldGiveUp(s)).toBe(true);
  });

  it('never happens "until I stop it"', () => {
    const options = { ...D, giveUpAfterMs: null };
    const { probes, last } = failUntilGivenUp(start(options, { random: highest }), highest, options, 2_000);
    expect(probes).toHaveLength(2_000);
    expect(shouldGiveUp(last)).toBe(false);
    const gaps = probes.slice(1).map((t, i) => t - probes[i]!);
    expect(Math.max(...gaps)).toBe(D.maxDelayMs);
  });

  it('happens at a configured time', () => {
    const options = { ...D, giveUpAfterMs: 5 * MIN };
    const { probes } = failUntilGivenUp(start(options, { random: highest }), highest, options);
    expect(probes.at(-1)).toBe(T0 + 5 * MIN);
  });

  it('with a zero give-up time, gives up after the first failure', () => {
    const options = { ...D, giveUpAfterMs: 0 };
    expect(shouldGiveUp(start(options))).toBe(true);
  });
});

describe('offline and online', () => {
  it('pauses while offline and resumes at once when back online', () => {
    let s = onProbeFailed(start(), { now: T0 + S, random: highest });
    s = onOffline(s, T0 + 2 * S);
    expect(s.pausedOfflineSince).toBe(T0 + 2 * S);
    s = onOnline(s, T0 + 5 * S);
    expect(s.pausedOfflineSince).toBeNull();
    expect(s.nextAt).toBe(T0 + 5 * S);
    expect(s.attempt).toBe(2);
  });

  it('does not count time offline towards giving up', () => {
    let s = onOffline(start(), T0 + 10 * MIN);
    expect(shouldGiveUp({ ...s, nextAt: T0 + 90 * MIN })).toBe(false);
    s = onOnline(s, T0 + 70 * MIN);
    expect(s.giveUpAt).toBe(T0 + 90 * MIN);
    expect(shouldGiveUp(s)).toBe(false);
  });

  it('keeps the first offline time when told twice, and ignores online when not paused', () => {
    const s = onOffline(start(), T0 + S);
    expect(onOffline(s, T0 + 9 * S)).toBe(s);
    const running = start();
    expect(onOnline(running, T0 + 9 * S)).toBe(running);
  });

  it('still respects the server’s Retry-After when back online', () => {
    let s = start(D, { retryAfterMs: MIN });
    s = onOffline(s, T0 + S);
    s = onOnline(s, T0 + 10 * S);
    expect(s.nextAt).toBe(T0 + MIN);
  });

  it('keeps "until I stop it" open-ended', () => {
    const options = { ...D, giveUpAfterMs: null };
    const s = onOnline(onOffline(start(options), T0 + S), T0 + 2 * S);
    expect(s.giveUpAt).toBeNull();
  });
});

describe('any sequence of events', () => {
  type Event = { kind: 'fail'; after: number; retryAfterMs?: number; draw: number } | { kind: 'offline' | 'online'; after: number };
  const event: fc.Arbitrary<Event> = fc.oneof(
    fc.record({
      kind: fc.constant('fail' as const),
      after: fc.integer({ min: 0, max: 10 * MIN }),
      retryAfterMs: fc.option(fc.integer({ min: 0, max: 2 * 3_600_000 }), { nil: undefined }),
      draw: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    }),
    fc.record({ kind: fc.constantFrom('offline' as const, 'online' as const), after: fc.integer({ min: 0, max: 10 * MIN }) }),
  );

  it('keeps its invariants', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 60 }),
        fc.option(fc.integer({ min: 0, max: 60 * MIN }), { nil: null }),
        (events, giveUpAfterMs) => {
          const options = { ...D, giveUpAfterMs };
          let s = start(options);
          let now = T0;
          for (const e of events) {
            if (shouldGiveUp(s)) break;
            const before = s;
            if (e.kind === 'fail') {
              if (s.pausedOfflineSince !== null) continue; // no probes while offline
              now = Math.max(now, s.nextAt) + e.after; // a probe happens when due, or later
              s = onProbeFailed(s, { now, retryAfterMs: e.retryAfterMs, random: () => e.draw }, options);
              expect(s.attempt).toBe(before.attempt + 1);
              expect(s.nextAt).toBeGreaterThanOrEqual(now + D.minDelayMs);
              if (e.retryAfterMs !== undefined) expect(s.nextAt).toBeGreaterThanOrEqual(now + Math.min(e.retryAfterMs, 3_600_000));
            } else {
              now += e.after;
              s = e.kind === 'offline' ? onOffline(s, now) : onOnline(s, now);
              if (e.kind === 'online' && before.pausedOfflineSince !== null) expect(s.nextAt).toBe(Math.max(now, s.notBefore));
            }
            if (s.pausedOfflineSince === null) expect(s.nextAt).toBeGreaterThanOrEqual(s.notBefore);
            if (!shouldGiveUp(s) && s.giveUpAt !== null && s.pausedOfflineSince === null) expect(s.nextAt).toBeLessThanOrEqual(s.giveUpAt);
            if (giveUpAfterMs === null) expect(shouldGiveUp(s)).toBe(false);
          }
        },
      ),
    );
  });
});

describe('waitMechanism', () => {
  it.each([
    [0, 'timer'],
    [1_000, 'timer'],
    [ALARM_MIN_DELAY_MS - 1, 'timer'],
    [ALARM_MIN_DELAY_MS, 'alarm'],
    [30 * MIN, 'alarm'],
  ])('%i ms → %s', (delayMs, expected) => {
    expect(waitMechanism(delayMs)).toBe(expected);
  });
});

describe('relapse after a recovery, and resuming many schedules', () => {
  const base = startSchedule({ origin: 'https://a.example', now: 0, random: () => 0.5 });

  it('a relapse within the window continues the same schedule: next attempt, same give-up time', () => {
    expect(isRelapse(1000, 1000 + RELAPSE_WINDOW_MS - 1)).toBe(true);
    expect(isRelapse(1000, 1000 + RELAPSE_WINDOW_MS)).toBe(false);
    expect(isRelapse(1000, 999)).toBe(false);
    expect(isRelapse(undefined, 1000)).toBe(false);
    const later = onProbeFailed(onProbeFailed(base, { now: 3000, random: () => 0.5 }), { now: 9000, random: () => 0.5 });
    const relapsed = onRelapse(later, { now: 20_000, random: () => 0.5 });
    expect(relapsed.attempt).toBe(later.attempt + 1);
    expect(relapsed.startedAt).toBe(base.startedAt);
    expect(relapsed.giveUpAt).toBe(base.giveUpAt);
    expect(relapsed.nextAt).toBeGreaterThan(20_000);
    expect(MAX_RECOVERIES).toBeGreaterThanOrEqual(1);
  });

  it('spreads overdue schedules over a window that grows with their number, never before Retry-After', () => {
    const due = { ...base, nextAt: 500 };
    expect(spreadResume(due, { now: 1000, random: () => 1, overdue: 1 }).nextAt).toBe(1000 + RESUME_SPREAD_PER_SCHEDULE_MS);
    expect(spreadResume(due, { now: 1000, random: () => 1, overdue: 16 }).nextAt).toBe(1000 + 16 * RESUME_SPREAD_PER_SCHEDULE_MS);
    expect(spreadResume(due, { now: 1000, random: () => 1, overdue: 1000 }).nextAt).toBe(1000 + RESUME_SPREAD_MAX_MS);
    expect(spreadResume(due, { now: 1000, random: () => 0, overdue: 16 }).nextAt).toBe(1000);
    expect(spreadResume({ ...due, notBefore: 9000 }, { now: 1000, random: () => 0, overdue: 16 }).nextAt).toBe(9000);
    const notDue = { ...base, nextAt: 5000 };
    expect(spreadResume(notDue, { now: 1000, random: () => 1, overdue: 16 })).toBe(notDue);
    const paused = { ...due, pausedOfflineSince: 10 };
    expect(spreadResume(paused, { now: 1000, random: () => 1, overdue: 16 })).toBe(paused);
    fc.assert(
      fc.property(fc.double(), fc.integer(), (r, n) => {
        const next = spreadResume(due, { now: 1000, random: () => r, overdue: n }).nextAt;
        return next >= 1000 && next <= 1000 + RESUME_SPREAD_MAX_MS;
      }),
    );
  });
});
