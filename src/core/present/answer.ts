/** What to expect while a site is down on its side, under the answer (its headline: core/present/verdict-text.ts). */
import type { Incident } from '../../model/incident';
import type { Msg } from '../../model/message-text';
import type { VerdictKind } from '../../model/verdict';
import { toneOf } from './verdict-text';

export interface WaitingInput {
  incident: Pick<Incident, 'fault' | 'time'>;
  /** The diagnosis' verdict, once its checks are done. */
  verdict?: VerdictKind | undefined;
  /** When the site first failed (epoch ms), if known earlier than the incident, e.g. the retry's start. */
  since?: number | undefined;
  now: number;
}

const m = (key: string, ...subs: string[]): Msg => (subs.length ? { key, subs } : { key });

/**
 * What to expect while waiting, for a failure on the site's side: most such outages end within minutes, after
 * 30 minutes it is for the site's owners to fix, and how long it has been down so far (from the first failure).
 * Nothing for failures on the visitor's side, or once a verdict says otherwise.
 */
export function waitingNote({ incident, verdict, since, now }: WaitingInput): Msg[] | undefined {
  // Verdicts of the site's tone, or before one the fault sides, mean the site itself is failing: waiting is the fix.
  const siteSide = verdict ? toneOf(verdict) === 'site' : incident.fault === 'origin' || incident.fault === 'gateway';
  if (!siteSide) return undefined;
  const first = since !== undefined && Number.isFinite(since) ? Math.min(since, incident.time) : incident.time;
  return [m('wait_expect'), downFor(now - first)];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "Down for 4 minutes": a duration in words, rounded down to its largest unit; clocks that went backwards count as zero. */
export function downFor(ms: number): Msg {
  const d = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  if (d < MINUTE) return m('wait_down_under_minute');
  if (d < HOUR) return d < 2 * MINUTE ? m('wait_down_minute') : m('wait_down_minutes', String(Math.floor(d / MINUTE)));
  if (d < DAY) return d < 2 * HOUR ? m('wait_down_hour') : m('wait_down_hours', String(Math.floor(d / HOUR)));
  return d < 2 * DAY ? m('wait_down_day') : m('wait_down_days', String(Math.floor(d / DAY)));
}
