/**
 * The contract between the vantage check and its sources, and the polling loop they share.
 */
import { sleep } from '../../kit/http';
import type { CheckContext } from '../../kit/types';
import type { NoEvidence, VantageNode } from '../../../model/evidence';

/** What is measured: the failing page's origin, nothing more. */
export interface VantageTarget {
  /** Hostname without brackets or trailing dot. */
  host: string;
  scheme: 'http' | 'https';
  /** Explicit port, when the origin has one. */
  port?: number;
  /** `https://shop.example:8443` */
  origin: string;
}

export type SourceResult = { kind: 'nodes'; nodes: VantageNode[]; complete: boolean; retryAt?: number } | NoEvidence;

export interface VantageSource {
  /** Stable id, also the rate-limit key: `check-host`, `globalping`. */
  id: string;
  /** Display name: `check-host.net`. */
  name: string;
  /** Must return by `stopAt` (ctx.now() time) with whatever it has; must not throw. */
  run(ctx: CheckContext, target: VantageTarget, signal: AbortSignal, stopAt: number): Promise<SourceResult>;
}

export interface PollSchedule {
  /** Wait before the first poll. */
  firstMs: number;
  /** Each later wait is the previous one times this… */
  factor: number;
  /** …up to this. */
  maxMs: number;
  /** Time kept for the last poll's own round trip before `stopAt`. */
  reserveMs: number;
}

export function pollDelay(schedule: PollSchedule, attempt: number): number {
  return Math.min(schedule.maxMs, schedule.firstMs * schedule.factor ** attempt);
}

export type PollStep = { kind: 'step'; done: boolean; nodes: VantageNode[] } | NoEvidence;

/**
 * Polls `step` on `schedule` until it reports done or time runs out. When the next scheduled poll
 * would land after `stopAt - reserve`, one last poll is made at that moment instead, so a short
 * deadline still collects what has finished. Returns the last nodes seen.
 */
export async function pollUntilDone(
  ctx: CheckContext,
  schedule: PollSchedule,
  stopAt: number,
  signal: AbortSignal,
  step: (timeoutMs: number) => Promise<PollStep>,
): Promise<SourceResult> {
  let latest: VantageNode[] | undefined;
  let failure: NoEvidence | undefined;
  // A short budget keeps a quarter of itself for the last poll rather than the full reserve.
  const reserve = Math.min(schedule.reserveMs, Math.max(0, stopAt - ctx.now()) / 4);
  for (let attempt = 0; ; attempt += 1) {
    const lastChance = stopAt - reserve - ctx.now();
    if (lastChance <= 0) break;
    const wait = Math.min(pollDelay(schedule, attempt), lastChance);
    if (!(await sleep(wait, signal)))
      return latest ? { kind: 'nodes', nodes: latest, complete: false } : { kind: 'none', reason: 'aborted' };
    const result = await step(Math.max(1, stopAt - ctx.now()));
    if (result.kind === 'none') {
      // A poll that failed once may succeed next time; a rate limit or an error status will not.
      failure = result;
      if (result.reason !== 'timeout' && result.reason !== 'network') break;
      continue;
    }
    latest = result.nodes;
    if (result.done) return { kind: 'nodes', nodes: latest, complete: true };
  }
  if (latest) return { kind: 'nodes', nodes: latest, complete: false };
  return failure ?? { kind: 'none', reason: signal.aborted ? 'aborted' : 'timeout' };
}

/** `Frankfurt, DE` from whatever parts a source gives. */
export const locationText = (city: string | undefined, country: string | undefined): string =>
  [city, country].filter((p): p is string => !!p).join(', ') || '?';
