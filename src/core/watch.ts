/**
 * "Tell me when it's back": a checked site (popup field, `down example.com`, the context menu)
 * watched until it answers again. Pure: the record is plain data the background keeps in
 * `storage.session` (`watch:<origin>`), moved on by the same schedule as auto-retry
 * (`retry-schedule.ts`: same first wait, back-off, floor, `Retry-After`, offline pause and
 * give-up time). The watch ends when a probe gets an answer, or when it gives up.
 */
import { DEFAULT_RETRY_OPTIONS, type ProbeAnswer, type ProbeVerdict, type RetryOptions } from './retry-policy';
import { onOffline, onOnline, onProbeFailed, shouldGiveUp, startSchedule, type RetrySchedule } from './retry-schedule';
export { siteUrl } from './url';
import type { WatchRecord } from './stored';

export type { WatchRecord } from './stored';

/**
 * A probe's answer ends the watch when the server answers at all, the way a visitor would see it
 * answer: the page (2xx, 304), a redirect or a 4xx all mean the site is up. A 5xx, a 429, no answer
 * keep it waiting (`probeVerdict`'s `failing`).
 */
export const watchSeesBack = (verdict: ProbeVerdict): boolean => verdict !== 'failing';

/** Starts watching `url` (see `siteUrl`): the first probe comes as soon as auto-retry's would. */
export function startWatch(
  { url, host, now, online, random }: { url: string; host: string; now: number; online: boolean; random: () => number },
  options: RetryOptions = DEFAULT_RETRY_OPTIONS,
): WatchRecord {
  const origin = new URL(url).origin;
  const schedule = startSchedule({ origin, now, random }, options);
  return { host, url, schedule: online ? schedule : onOffline(schedule, now), state: online ? 'watching' : 'offline', probes: 0 };
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
