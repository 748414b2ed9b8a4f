/**
 * One origin's retry schedule as plain data, and the pure steps that move it on. The background
 * keeps it in `storage.session` (everything here survives JSON), probes the origin when `nextAt`
 * comes, and calls these functions with what happened. Tabs waiting on the origin are the
 * background's business, not the schedule's.
 */
import type { RetrySchedule } from '../../model/retry';
import { DEFAULT_RETRY_OPTIONS, nextRetryDelay, serverRequestedWait, type RetryOptions } from './policy';

export interface FailureInput {
  now: number;
  /** Parsed `Retry-After` of this failure, if it had a usable one. */
  retryAfterMs?: number;
  random: () => number;
}

/** Start waiting after the navigation itself failed. */
export function startSchedule(
  { origin, ...failure }: FailureInput & { origin: string },
  options: RetryOptions = DEFAULT_RETRY_OPTIONS,
): RetrySchedule {
  const { now } = failure;
  const giveUpAfterMs = options.giveUpAfterMs;
  const giveUpAt = giveUpAfterMs === null ? null : now + (Number.isFinite(giveUpAfterMs) ? Math.max(0, giveUpAfterMs) : 0);
  const first: RetrySchedule = { origin, startedAt: now, attempt: 0, nextAt: now, notBefore: now, pausedOfflineSince: null, giveUpAt };
  return schedule(first, failure, options);
}

/** The probe sent at `now` failed too: back off further. */
export function onProbeFailed(s: RetrySchedule, failure: FailureInput, options: RetryOptions = DEFAULT_RETRY_OPTIONS): RetrySchedule {
  return schedule(s, failure, options);
}

function schedule(s: RetrySchedule, { now, retryAfterMs, random }: FailureInput, options: RetryOptions): RetrySchedule {
  const attempt = s.attempt + 1;
  const delay = nextRetryDelay({ attempt, random, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }, options);
  const serverWait = serverRequestedWait(retryAfterMs);
  // The latest Retry-After replaces older ones: `Retry-After: 0` lifts an earlier wait.
  const notBefore = serverWait === undefined ? s.notBefore : now + serverWait;
  let nextAt = now + delay;
  // Rather than overshoot the give-up time and never look again, take one last look exactly at
  // it, as long as that respects the floor and the server's Retry-After.
  if (s.giveUpAt !== null && nextAt > s.giveUpAt && s.giveUpAt >= Math.max(notBefore, now + options.minDelayMs)) {
    nextAt = s.giveUpAt;
  }
  return { ...s, attempt, nextAt, notBefore };
}

/** The browser went offline: stop probing (every probe would fail for the visitor's reasons). */
export function onOffline(s: RetrySchedule, now: number): RetrySchedule {
  return s.pausedOfflineSince === null ? { ...s, pausedOfflineSince: now } : s;
}

/**
 * Back online: probe at once (a site that was "down" may only have been unreachable from here),
 * unless the server's `Retry-After` says otherwise. Time spent offline does not count towards
 * giving up.
 */
export function onOnline(s: RetrySchedule, now: number): RetrySchedule {
  if (s.pausedOfflineSince === null) return s;
  const offlineFor = Math.max(0, now - s.pausedOfflineSince);
  return {
    ...s,
    pausedOfflineSince: null,
    nextAt: Math.max(now, s.notBefore),
    giveUpAt: s.giveUpAt === null ? null : s.giveUpAt + offlineFor,
  };
}

/**
 * True once no further probe fits before the give-up time. Ask after `onProbeFailed`: a
 * schedule whose last probe is due exactly at the give-up time still gets that probe, even when
 * the worker wakes up late for it.
 */
export function shouldGiveUp(s: RetrySchedule): boolean {
  return s.giveUpAt !== null && s.pausedOfflineSince === null && s.nextAt > s.giveUpAt;
}

/** Chrome (120+) fires no alarm sooner than 30 s after it is set. */
export const ALARM_MIN_DELAY_MS = 30_000;

/**
 * How the worker should wait: an alarm survives the worker being stopped but cannot be shorter
 * than 30 s; a timer can, and the worker stays alive long enough for one that short.
 */
export function waitMechanism(delayMs: number): 'alarm' | 'timer' {
  return delayMs >= ALARM_MIN_DELAY_MS ? 'alarm' : 'timer';
}

/**
 * After an origin was brought back, its schedule is kept this long: a tab that fails there again
 * within it (a CDN that serves anonymous probes while the visitor's own request still fails, a
 * site that falls over again under the returning load) continues the old schedule, attempt and
 * give-up time included, instead of starting again at attempt 1.
 */
export const RELAPSE_WINDOW_MS = 5 * 60_000;
/**
 * Recoveries per origin (within one chain of relapses) that may reload its tabs. A probe that
 * says "back" after that reloads nothing: the site answers other visitors, but the visitor's page
 * keeps failing, and reloading it again would only loop.
 */
export const MAX_RECOVERIES = 3;

/** Whether a failure at `now` continues the chain of an origin brought back at `recoveredAt`. */
export function isRelapse(recoveredAt: number | undefined, now: number): boolean {
  return typeof recoveredAt === 'number' && now >= recoveredAt && now - recoveredAt < RELAPSE_WINDOW_MS;
}

/** A tab failed again soon after a recovery: the old schedule goes on (next attempt, same give-up time). */
export function onRelapse(s: RetrySchedule, failure: FailureInput, options: RetryOptions = DEFAULT_RETRY_OPTIONS): RetrySchedule {
  return schedule({ ...s, pausedOfflineSince: null }, failure, options);
}

/** Overdue probes resumed together (back online, worker restarted) are spread over up to this long. */
export const RESUME_SPREAD_MAX_MS = 10_000;
/** …this much per overdue schedule: one schedule resumes within 0.4 s, sixteen within 6.4 s. */
export const RESUME_SPREAD_PER_SCHEDULE_MS = 400;

/**
 * Spreads schedules that are all due at once (`overdue` of them): an overdue one gets a random
 * time within a window that grows with their number, so coming back online or a worker restart
 * does not fire every probe in the same instant. Never earlier than the server's `Retry-After`.
 */
export function spreadResume(
  s: RetrySchedule,
  { now, random, overdue }: { now: number; random: () => number; overdue: number },
): RetrySchedule {
  if (s.pausedOfflineSince !== null || s.nextAt > now) return s;
  const window = Math.min(
    RESUME_SPREAD_MAX_MS,
    RESUME_SPREAD_PER_SCHEDULE_MS * Math.max(1, Math.floor(Number.isFinite(overdue) ? overdue : 1)),
  );
  const draw = random();
  const unit = draw >= 0 && draw <= 1 ? draw : draw > 1 ? 1 : 0;
  return { ...s, nextAt: Math.max(now + Math.round(unit * window), s.notBefore) };
}
