/**
 * Virtual-time simulation of one visitor's failed page during an outage, shared by
 * `retry.bench.ts`. Nothing here sleeps: time is a number that jumps from one attempt to the next.
 *
 * The model:
 * - the site is down for `outageMs`; the visitor's page fails at a random moment in the first
 *   min(outage / 2, 30 s) of it (so fixed-period baselines meet recovery at every phase, while
 *   every policy still waits through almost the whole outage); that failure is time 0;
 * - Downcheck probes the URL (1 request each) and, once a probe succeeds, reloads the page once;
 * - a baseline reloads the whole page at each attempt, `PAGE_COST` requests (page + assets);
 * - "requests" are those sent from the failure until the page is back, minus the final
 *   successful page load that every policy needs exactly once; so Downcheck's count includes
 *   its successful probe;
 * - "page back" is the first attempt at or after recovery; reloads and probes take no time.
 */
import { onProbeFailed, shouldGiveUp, startSchedule } from '../../src/core/retry/schedule';
import type { RetryOptions } from '../../src/core/retry/policy';
import { mulberry32 } from './prng.mjs';

/** The page itself plus 29 sub-resources: a modest page. */
export const PAGE_COST = 30;

export interface Run {
  /** False when the policy gave up before the site came back. */
  back: boolean;
  /** From recovery to page back (Infinity when it gave up). */
  delayMs: number;
  /** Requests to the server, counted as described in the module comment. */
  requests: number;
  /** The same if a failed reload cost only its error page (1 request) instead of `PAGE_COST`. */
  requestsIfErrorPageCostsOne: number;
}

export interface Policy {
  name: string;
  run(recoveryAt: number, random: () => number): Run;
}

/** The visitor's remaining outage after their page failed: see the module comment. */
export function remainingOutage(outageMs: number, random: () => number): number {
  const phaseWindow = Math.min(outageMs / 2, 30_000);
  return outageMs - random() * phaseWindow;
}

export function downcheck(name: string, options: RetryOptions): Policy {
  return {
    name,
    run(recoveryAt, random) {
      let s = startSchedule({ origin: 'https://shop.example', now: 0, random }, options);
      let probes = 0;
      for (;;) {
        const now = s.nextAt;
        probes += 1;
        if (now >= recoveryAt) return { back: true, delayMs: now - recoveryAt, requests: probes, requestsIfErrorPageCostsOne: probes };
        s = onProbeFailed(s, { now, random }, options);
        if (shouldGiveUp(s)) return { back: false, delayMs: Infinity, requests: probes, requestsIfErrorPageCostsOne: probes };
      }
    },
  };
}

/** A baseline that reloads the whole page after each wait in `waits` (the last wait repeats). */
export function reloader(name: string, waits: (attempt: number) => number): Policy {
  return {
    name,
    run(recoveryAt) {
      let now = 0;
      let failed = 0;
      for (let attempt = 1; ; attempt += 1) {
        now += waits(attempt);
        if (now >= recoveryAt)
          return { back: true, delayMs: now - recoveryAt, requests: failed * PAGE_COST, requestsIfErrorPageCostsOne: failed };
        failed += 1;
      }
    },
  };
}

export interface Summary {
  backShare: number;
  medianDelayMs: number;
  p95DelayMs: number;
  medianRequests: number;
  medianRequestsIfErrorPageCostsOne: number;
}

export function simulate(policy: Policy, outageMs: number, seeds: number): Summary {
  const runs: Run[] = [];
  for (let seed = 1; seed <= seeds; seed += 1) {
    const random = mulberry32(seed * 7919 + outageMs);
    runs.push(policy.run(remainingOutage(outageMs, random), random));
  }
  const delays = runs.map((r) => r.delayMs);
  return {
    backShare: runs.filter((r) => r.back).length / runs.length,
    medianDelayMs: percentile(delays, 0.5),
    p95DelayMs: percentile(delays, 0.95),
    medianRequests: percentile(
      runs.map((r) => r.requests),
      0.5,
    ),
    medianRequestsIfErrorPageCostsOne: percentile(
      runs.map((r) => r.requestsIfErrorPageCostsOne),
      0.5,
    ),
  };
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}
