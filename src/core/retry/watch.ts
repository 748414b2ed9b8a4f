/**
 * "Tell me when it's back": a checked site (popup field, `down example.com`, the context menu)
 * watched until it answers again. Pure: the record is plain data the background keeps in
 * `storage.session` (`watch:<origin>`), moved on by the same schedule as auto-retry
 * (`retry-schedule.ts`: same first wait, back-off, floor, `Retry-After`, offline pause and
 * give-up time). The watch ends when a probe gets an answer, or when it gives up.
 */
import { DEFAULT_RETRY_OPTIONS, type ProbeAnswer, type RetryOptions } from './policy';
import type { ProbeVerdict, RetrySchedule, WatchRecord } from '../../model/retry';
import { onOffline, onOnline, onProbeFailed, shouldGiveUp, startSchedule } from './schedule';

/**
 * A probe's answer ends the watch when the server answers at all, the way a visitor would see it
 * answer: the page (2xx, 304), a redirect or a 4xx all mean the site is up. A 5xx, a 429, no answer
 * keep it waiting (`probeVerdict`'s `failing`).
 */
export const watchSeesBack = (verdict: ProbeVerdict): boolean => verdict !== 'failing';

/** Starts watching `url` (see `siteUrl`): the first probe comes as soon as auto-retry's would. */
export function startWatch(
  {
    url,
    host,
    now,
    online,
    random,
    private: inPrivate = false,
  }: { url: string; host: string; now: number; online: boolean; random: () => number; private?: boolean },
  options: RetryOptions = DEFAULT_RETRY_OPTIONS,
): WatchRecord {
  const origin = new URL(url).origin;
  const schedule = startSchedule({ origin, now, random }, options);
  const state = online ? 'watching' : 'offline';
  return { host, url, schedule: online ? schedule : onOffline(schedule, now), state, probes: 0, ...(inPrivate ? { private: true } : {}) };
}

export interface WatchProbe {
  answer: ProbeAnswer;
  verdict: ProbeVerdict;
  now: number;
  /** Parsed `Retry-After` of a failing answer. */
  retryAfterMs?: number | undefined;
  /** The browser is offline (a failed probe says nothing about the site then). */
  offline: boolean;
  random: () => number;
}

/** What one probe of a watched site means: back (the watch ends), or the next wait, or giving up. */
export function afterWatchProbe(record: WatchRecord, probe: WatchProbe, options: RetryOptions = DEFAULT_RETRY_OPTIONS): WatchRecord {
  const { answer, verdict, now } = probe;
  const lastProbe = {
    at: now,
    ...(answer.status !== undefined ? { status: answer.status } : {}),
    ...(answer.error !== undefined ? { error: answer.error } : {}),
    verdict,
  };
  const probed = { ...record, probes: record.probes + 1, lastProbe };
  if (watchSeesBack(verdict)) return { ...probed, state: 'back', endedAt: now };
  if (answer.error !== undefined && probe.offline) return { ...probed, state: 'offline', schedule: onOffline(record.schedule, now) };
  const schedule: RetrySchedule = onProbeFailed(
    record.schedule,
    { now, random: probe.random, ...(probe.retryAfterMs === undefined ? {} : { retryAfterMs: probe.retryAfterMs }) },
    options,
  );
  return shouldGiveUp(schedule) ? { ...probed, schedule, state: 'gave-up', endedAt: now } : { ...probed, schedule, state: 'watching' };
}

/** The browser is back online: a paused watch probes again at once (time offline does not count towards giving up). */
export function watchOnline(record: WatchRecord, now: number): WatchRecord {
  return record.state === 'offline' ? { ...record, state: 'watching', schedule: onOnline(record.schedule, now) } : record;
}

/** Whether the watch is still waiting for the site. */
export const isWatching = (record: WatchRecord | undefined): boolean => record?.state === 'watching' || record?.state === 'offline';

/** Watch records kept at most (`storage.session`, one per origin): a new watch makes room by dropping the oldest. */
export const WATCH_LIMIT = 20;
/**
 * How long an ended watch (`back`, `gave-up`) is kept: the popup shows the site's check with "It's
 * back up" (or that the watch gave up) from it. Removed after that, or sooner to make room.
 */
export const WATCH_ENDED_KEEP_MS = 30 * 60_000;

/**
 * The origins whose watch records to remove at `now`: every ended watch older than
 * WATCH_ENDED_KEEP_MS, then (ended ones first, oldest first) as many as it takes to keep
 * WATCH_LIMIT records in all, counting one more for `adding` when it is not watched yet.
 */
export function watchesToDrop(records: readonly WatchRecord[], now: number, adding?: string): string[] {
  const expired = (r: WatchRecord): boolean => !isWatching(r) && (r.endedAt ?? 0) + WATCH_ENDED_KEEP_MS <= now;
  const drop = records.filter(expired).map((r) => r.schedule.origin);
  const kept = records.filter((r) => !expired(r) && r.schedule.origin !== adding);
  const room = WATCH_LIMIT - (adding === undefined ? 0 : 1);
  // Ended ones go first; among either, the oldest (ended longest ago, or started longest ago).
  const order = (r: WatchRecord): [number, number] => (isWatching(r) ? [1, r.schedule.startedAt] : [0, r.endedAt ?? 0]);
  kept.sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  return [...drop, ...kept.slice(0, Math.max(0, kept.length - room)).map((r) => r.schedule.origin)];
}
