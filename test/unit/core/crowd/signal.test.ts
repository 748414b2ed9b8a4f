import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baselineHours,
  bucketHosts,
  candidateHosts,
  distinctBy,
  HOUR_MS,
  hourOf,
  joinRuns,
  levelOf,
  MINUTE_MS,
  nextRunStart,
  providerSignals,
  pruneLimits,
  ratioOf,
  roundDown5,
  windowOf,
  WINDOW_MS,
  type LaterRun,
  type Run,
  type SignalRow,
  type ViaRow,
} from '../../../../src/core/crowd/signal';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0); // a Monday, 12:00 UTC
const key = (n: number) => n.toString(16).padStart(64, '0');
/** `reporters` distinct reporters over `networks` networks, reporting at `at`. */
const crowd = (hostKey: string, reporters: number, networks: number, at: number, first = 0): SignalRow[] =>
  Array.from({ length: reporters }, (_, i) => ({ hostKey, reporter: `r${first + i}`, network: `n${i % networks}`, at }));

describe('windows', () => {
  it('fixed 10-minute windows decide repeats', () => {
    expect(windowOf(T0)).toBe(windowOf(T0 + 9 * MINUTE_MS + 59_999));
    expect(windowOf(T0 + 10 * MINUTE_MS)).toBe(windowOf(T0) + 1);
  });
  it('the sliding window holds the last 10 minutes, its end included', () => {
    const rows = [
      ...crowd('h', 1, 1, T0 - 10 * MINUTE_MS),
      ...crowd('h', 1, 1, T0 - 10 * MINUTE_MS + 1, 1),
      ...crowd('h', 1, 1, T0 + 1, 2),
    ];
    expect(distinctBy(rows, T0, (r) => r.hostKey).get('h')).toEqual({ reporters: 1, networks: 1 });
  });
});

describe('distinct counting and the listing rule', () => {
  it('counts distinct reporters and networks, not reports', () => {
    const rows = [...crowd('h', 5, 3, T0), ...crowd('h', 5, 3, T0 - MINUTE_MS)];
    expect(distinctBy(rows, T0, (r) => r.hostKey).get('h')).toEqual({ reporters: 5, networks: 3 });
  });
  it('lists 5 reporters on 3 networks, not 4 on 3, not 50 on 1, not 5 on 2', () => {
    const rows = [...crowd(key(1), 4, 3, T0), ...crowd(key(2), 5, 3, T0), ...crowd(key(3), 50, 1, T0), ...crowd(key(4), 5, 2, T0)];
    expect(bucketHosts(rows, [], T0).map((h) => h.hostKey)).toEqual([key(2)]);
    expect(candidateHosts(rows, T0)).toEqual([key(2)]);
  });
  it('forgets reports older than the window', () => {
    expect(bucketHosts(crowd(key(1), 9, 3, T0 - 11 * MINUTE_MS), [], T0)).toEqual([]);
  });
  it('rounds reporters down to a multiple of 5 and leaves networks exact', () => {
    expect([0, 4, 5, 9, 10, 14, 99].map(roundDown5)).toEqual([0, 0, 5, 5, 10, 10, 95]);
    const [host] = bucketHosts(crowd(key(1), 14, 4, T0), [], T0);
    expect(host).toMatchObject({ reporters: 10, networks: 4 });
  });
  it('orders hosts by reporters', () => {
    const rows = [...crowd(key(1), 5, 3, T0), ...crowd(key(2), 12, 3, T0, 100)];
    expect(bucketHosts(rows, [], T0).map((h) => h.hostKey)).toEqual([key(2), key(1)]);
  });
});

describe('levels and the duration rule', () => {
  it('widespread needs 20 reporters on 5 networks now and one 5-minute step earlier', () => {
    expect(levelOf({ reporters: 20, networks: 5 }, { reporters: 20, networks: 5 })).toBe('widespread');
    expect(levelOf({ reporters: 20, networks: 5 }, { reporters: 19, networks: 5 })).toBe('possible');
    expect(levelOf({ reporters: 20, networks: 4 }, { reporters: 20, networks: 5 })).toBe('possible');
    expect(levelOf({ reporters: 100, networks: 50 }, undefined)).toBe('possible');
  });
  it('a burst is possible; sustained for a step, widespread; gone once both bursts leave the window', () => {
    const burst = crowd(key(1), 20, 5, T0);
    expect(bucketHosts(burst, [], T0)[0]!.level).toBe('possible');
    expect(bucketHosts(burst, [], T0 + 4 * MINUTE_MS)[0]!.level).toBe('possible');
    const sustained = [...burst, ...crowd(key(1), 20, 5, T0 + 5 * MINUTE_MS, 100)];
    expect(bucketHosts(sustained, [], T0 + 5 * MINUTE_MS)[0]!.level).toBe('widespread');
    expect(bucketHosts(sustained, [], T0 + 9 * MINUTE_MS)[0]!.level).toBe('widespread');
    expect(bucketHosts(sustained, [], T0 + 10 * MINUTE_MS)[0]!.level).toBe('widespread');
    expect(bucketHosts(sustained, [], T0 + 15 * MINUTE_MS)).toEqual([]);
  });
});

describe('the hour-of-week baseline', () => {
  const now = T0 + 30 * MINUTE_MS;
  const h = hourOf(now);
  it('reads this hour of the week in the 4 past weeks', () => {
    expect(baselineHours(now)).toEqual([h - 168, h - 336, h - 504, h - 672]);
  });
  it('is null without history', () => {
    expect(ratioOf({ [h]: 40 }, now)).toBeNull();
    expect(ratioOf({ [h]: 40, [h - 24]: 10 }, now)).toBeNull();
  });
  it('divides the last hour by the mean of the weeks that have a count', () => {
    // Last hour = this hour's 30 + half the previous hour's 20 = 40; usual = (10 + 30) / 2 = 20.
    expect(ratioOf({ [h]: 30, [h - 1]: 20, [h - 168]: 10, [h - 504]: 30 }, now)).toBe(2);
    expect(ratioOf({ [h]: 1, [h - 168]: 3 }, now)).toBe(0.33);
    expect(ratioOf({ [h - 168 * 5]: 3 }, now)).toBeNull();
  });
  it('reaches the bucket answer', () => {
    const [host] = bucketHosts(crowd(key(1), 5, 3, now), [{ hostKey: key(1), runStart: now, counts: { [h]: 10, [h - 168]: 5 } }], now);
    expect(host!.ratio).toBe(2);
  });
});

describe('since: the start of the run of reports', () => {
  it('continues while reports come less than a window apart, restarts after a gap', () => {
    expect(nextRunStart(undefined, T0)).toBe(T0);
    expect(nextRunStart({ runStart: T0, lastAt: T0 + 5 * MINUTE_MS }, T0 + 14 * MINUTE_MS)).toBe(T0);
    expect(nextRunStart({ runStart: T0, lastAt: T0 }, T0 + 10 * MINUTE_MS)).toBe(T0 + 10 * MINUTE_MS);
  });
  it('joins an earlier and a later part of the reports into the run that all of them in turn give', () => {
    const fold = (times: number[], start?: Run): Run | undefined =>
      times.reduce<Run | undefined>((run, at) => ({ runStart: nextRunStart(run, at), lastAt: at }), start);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * WINDOW_MS }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.boolean(),
        (gaps, cut, noEarlier) => {
          const times = gaps.reduce<number[]>((ts, gap) => [...ts, (ts.at(-1) ?? T0) + gap], []);
          const split = noEarlier ? 0 : cut % times.length;
          const earlier = fold(times.slice(0, split));
          const laterRun = fold(times.slice(split))!;
          const later: LaterRun = { ...laterRun, firstAt: times[split]! };
          expect(joinRuns(earlier, later)).toEqual(fold(times));
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('a later part with a gap of its own keeps its own start; one a window after the earlier part starts anew', () => {
    const earlier = { runStart: T0, lastAt: T0 + MINUTE_MS };
    expect(joinRuns(earlier, { firstAt: T0 + 2 * MINUTE_MS, runStart: T0 + 2 * MINUTE_MS, lastAt: T0 + 3 * MINUTE_MS })).toEqual({
      runStart: T0,
      lastAt: T0 + 3 * MINUTE_MS,
    });
    const gapped = { firstAt: T0 + 2 * MINUTE_MS, runStart: T0 + 20 * MINUTE_MS, lastAt: T0 + 20 * MINUTE_MS };
    expect(joinRuns(earlier, gapped).runStart).toBe(T0 + 20 * MINUTE_MS);
    const late = { firstAt: T0 + 11 * MINUTE_MS, runStart: T0 + 11 * MINUTE_MS, lastAt: T0 + 11 * MINUTE_MS };
    expect(joinRuns(earlier, late).runStart).toBe(T0 + 11 * MINUTE_MS);
    expect(joinRuns(undefined, late)).toEqual({ runStart: T0 + 11 * MINUTE_MS, lastAt: T0 + 11 * MINUTE_MS });
  });
  it('is the run start, or the first report in the window when the store has none', () => {
    const rows = crowd(key(1), 5, 3, T0 + MINUTE_MS);
    expect(bucketHosts(rows, [], T0 + 2 * MINUTE_MS)[0]!.since).toBe(new Date(T0 + MINUTE_MS).toISOString());
    const history = [{ hostKey: key(1), runStart: T0 - 3 * HOUR_MS, counts: {} }];
    expect(bucketHosts(rows, history, T0 + 2 * MINUTE_MS)[0]!.since).toBe(new Date(T0 - 3 * HOUR_MS).toISOString());
  });
});

describe('providers', () => {
  const via = (name: string, hosts: number, each: number, networks: number, at = T0): ViaRow[] =>
    Array.from({ length: hosts * each }, (_, n) => ({
      via: name,
      hostKey: key(Math.floor(n / each)),
      reporter: `${name}${n}`,
      network: `n${n % networks}`,
      at,
    }));
  it('9 hosts are not listed; 12 hosts from 24 reporters on 6 networks are listed as 10', () => {
    const rows = [...via('fastly', 9, 3, 9), ...via('cloudflare', 12, 2, 6)];
    expect(providerSignals(rows, T0)).toEqual([{ via: 'cloudflare', hosts: 10, reporters: 20, networks: 6, level: 'possible' }]);
  });
  it('needs 20 reporters and 5 networks too', () => {
    expect(providerSignals(via('vercel', 19, 1, 19), T0)).toEqual([]);
    expect(providerSignals(via('vercel', 30, 1, 4), T0)).toEqual([]);
  });
  it('is widespread from 100 hosts, and forgets the window', () => {
    const rows = via('akamai', 100, 1, 10);
    expect(providerSignals(rows, T0)[0]).toEqual({ via: 'akamai', hosts: 100, reporters: 100, networks: 10, level: 'widespread' });
    expect(providerSignals(rows, T0 + 10 * MINUTE_MS)).toEqual([]);
  });
});

describe('pruning', () => {
  it('keeps raw reports 24 h and hourly counts as long as the baseline reads them', () => {
    const limits = pruneLimits(T0);
    expect(limits.rawBefore).toBe(T0 - 24 * HOUR_MS);
    expect(limits.hourlyBefore).toBe(Math.min(...baselineHours(T0)));
  });
});
