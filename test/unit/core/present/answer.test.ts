import { describe, expect, it } from 'vitest';
import { downFor, waitingNote } from '../../../../src/core/present/answer';

describe('waitingNote', () => {
  const t0 = Date.UTC(2026, 10, 26, 12, 0, 0);
  const origin = { fault: 'origin' as const, time: t0 };
  const MIN = 60_000;

  it('tells a site-side failure what to expect and how long it has been down', () => {
    expect(waitingNote({ incident: origin, now: t0 + 4 * MIN + 59_000 })).toEqual([
      { key: 'wait_expect' },
      { key: 'wait_down_minutes', subs: ['4'] },
    ]);
    expect(waitingNote({ incident: { fault: 'gateway', time: t0 }, now: t0 + 10_000 })?.[1]).toEqual({ key: 'wait_down_under_minute' });
  });

  it('counts from the first failure: the retry start when it is earlier than the incident', () => {
    expect(waitingNote({ incident: origin, since: t0 - 31 * MIN, now: t0 })?.[1]).toEqual({ key: 'wait_down_minutes', subs: ['31'] });
    // A later "since" (a retry restarted) does not shorten the outage.
    expect(waitingNote({ incident: origin, since: t0 + 5 * MIN, now: t0 + 6 * MIN })?.[1]).toEqual({
      key: 'wait_down_minutes',
      subs: ['6'],
    });
    expect(waitingNote({ incident: origin, since: Number.NaN, now: t0 + 2 * MIN })?.[1]).toEqual({ key: 'wait_down_minutes', subs: ['2'] });
  });

  it('follows the verdict once there is one', () => {
    for (const verdict of ['down-for-everyone', 'partly-down'] as const)
      expect(waitingNote({ incident: { fault: 'unknown', time: t0 }, verdict, now: t0 })?.[0]).toEqual({ key: 'wait_expect' });
    for (const verdict of ['just-you-connection', 'just-you-dns', 'blocked-for-you', 'back-up', 'cant-tell'] as const)
      expect(waitingNote({ incident: origin, verdict, now: t0 })).toBeUndefined();
  });

  it('says nothing for failures on the visitor side', () => {
    for (const fault of ['dns', 'you', 'unknown'] as const) expect(waitingNote({ incident: { fault, time: t0 }, now: t0 })).toBeUndefined();
  });
});

describe('downFor', () => {
  const MIN = 60_000;
  it.each([
    [-5_000, 'wait_down_under_minute', undefined],
    [Number.NaN, 'wait_down_under_minute', undefined],
    [59_999, 'wait_down_under_minute', undefined],
    [MIN, 'wait_down_minute', undefined],
    [2 * MIN - 1, 'wait_down_minute', undefined],
    [2 * MIN, 'wait_down_minutes', '2'],
    [59 * MIN + 59_999, 'wait_down_minutes', '59'],
    [60 * MIN, 'wait_down_hour', undefined],
    [119 * MIN, 'wait_down_hour', undefined],
    [120 * MIN, 'wait_down_hours', '2'],
    [24 * 60 * MIN - 1, 'wait_down_hours', '23'],
    [24 * 60 * MIN, 'wait_down_day', undefined],
    [3 * 24 * 60 * MIN + 5, 'wait_down_days', '3'],
  ])('%d ms reads %s %s', (ms, key, sub) => {
    expect(downFor(ms)).toEqual(sub === undefined ? { key } : { key, subs: [sub] });
  });
});
