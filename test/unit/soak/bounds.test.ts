// The soak's pass/fail on its figures (test/soak/soak.mjs checkBounds): the timers column's bound.
import { describe, expect, it } from 'vitest';
import { BOUNDS, checkBounds } from '../../soak/soak.mjs';

const row = (navigations: number, timers: number | undefined, incident = 0) => ({
  navigations,
  elapsedMs: navigations * 100,
  heapBytes: 1_500_000,
  sessionBytes: 2_000,
  localBytes: 20_000,
  counts: { incident, retry: 0, history: 10 },
  alarms: 0,
  timers,
  probe: { ok: true, detectMs: 200 },
  problems: [],
});

describe('soak bounds: timers pending in the worker', () => {
  it('passes flat figures within the bound', () => {
    expect(checkBounds([row(200, 0), row(400, 3, 1), row(600, BOUNDS.timersFixed)], { tabs: 4 })).toEqual([]);
  });

  it('breaks on a count beyond a small constant plus a few per incident (a leak grows with the navigations)', () => {
    const limit = BOUNDS.timersFixed + BOUNDS.timersPerIncident;
    expect(checkBounds([row(200, 1), row(400, limit, 1), row(600, limit + 1, 1)], { tabs: 4 })).toEqual([
      `${limit + 1} timers pending at 600 navigations (bound ${limit} for 1 incidents)`,
    ]);
  });

  it('breaks when the worker did not say', () => {
    expect(checkBounds([row(200, 0), row(400, undefined), row(600, 0)], { tabs: 4 })).toEqual([
      'the worker did not answer how many timers it has pending at 400 navigations',
    ]);
  });
});
