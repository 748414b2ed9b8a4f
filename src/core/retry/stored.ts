/**
 * The retry records in `storage.session`: a schedule per failing origin, a watch per watched site, the
 * "back after" note per tab and the alarms' key. Validators give a valid record or absent, never a throw.
 */
import type { Recovery, RetryRecord } from '../../model/retry';
import type { RetrySchedule } from '../../model/retry';
import { defineItem, defineOriginItem, defineTabItem } from '../schema/item';
import { host, optional, tabId, time } from '../schema/fields';
import { arrayOf, intIn, isRecord, oneOf, text } from '../schema/validate';
import { storedUrl } from '../net/url';
import { parseAlarmKey } from './alarm-names';
import type { WatchRecord } from '../../model/retry';

const MAX_TABS = 1000;

const RECOVERY_FIELDS = { url: true, host: true, at: true, downSince: true, probes: true } as const satisfies Record<keyof Recovery, true>;
export const RECOVERY_FIELD_NAMES = Object.keys(RECOVERY_FIELDS);

export function parseRecovery(value: unknown): Recovery | undefined {
  if (!isRecord(value)) return undefined;
  const url = storedUrl(value.url);
  const h = host(value.host);
  const at = time(value.at);
  const downSince = time(value.downSince);
  const probes = intIn(value.probes, 0, 1_000_000);
  if (!url || !h || at === undefined || downSince === undefined || probes === undefined) return undefined;
  return { url, host: h, at, downSince, probes };
}

const SCHEDULE_FIELDS = {
  origin: true,
  startedAt: true,
  attempt: true,
  nextAt: true,
  notBefore: true,
  pausedOfflineSince: true,
  giveUpAt: true,
} as const satisfies Record<keyof RetrySchedule, true>;
const RETRY_FIELDS = {
  origin: true,
  probeUrl: true,
  tabs: true,
  schedule: true,
  state: true,
  probes: true,
  lastProbe: true,
  recoveries: true,
  recoveredAt: true,
} as const satisfies Record<keyof RetryRecord, true>;
export const RETRY_FIELD_NAMES = [...Object.keys(RETRY_FIELDS), ...Object.keys(SCHEDULE_FIELDS).map((f) => `schedule.${f}`)];

const nullableTime = (value: unknown): number | null | undefined => (value === null ? null : time(value));

function parseSchedule(value: unknown, origin: string): RetrySchedule | undefined {
  if (!isRecord(value) || value.origin !== origin) return undefined;
  const startedAt = time(value.startedAt);
  const attempt = intIn(value.attempt, 0, 1_000_000);
  const nextAt = time(value.nextAt);
  const notBefore = time(value.notBefore);
  const pausedOfflineSince = nullableTime(value.pausedOfflineSince);
  const giveUpAt = nullableTime(value.giveUpAt);
  if (startedAt === undefined || attempt === undefined || nextAt === undefined || notBefore === undefined) return undefined;
  if (pausedOfflineSince === undefined || giveUpAt === undefined) return undefined;
  return { origin, startedAt, attempt, nextAt, notBefore, pausedOfflineSince, giveUpAt };
}

type LastProbe = NonNullable<RetryRecord['lastProbe']>;

/** A schedule's last probe (retry and watch records): when, and what it got; `undefined` without a valid time. */
function parseLastProbe(value: unknown): LastProbe | undefined {
  const at = isRecord(value) ? time(value.at) : undefined;
  if (!isRecord(value) || at === undefined) return undefined;
  return optional<LastProbe>(
    { at },
    {
      status: intIn(value.status, 0, 999),
      error: text(value.error, 256),
      redirect: value.redirect === true ? (true as const) : undefined,
      verdict: oneOf(value.verdict, ['back', 'answers', 'failing'] as const),
    },
  );
}

export function parseRetryRecord(value: unknown): RetryRecord | undefined {
  if (!isRecord(value)) return undefined;
  const origin = typeof value.origin === 'string' && value.origin.length <= 300 ? value.origin : undefined;
  // An origin is its own URL's origin: `https://shop.example:8443`, nothing more.
  if (!origin || storedUrl(origin) === undefined || new URL(origin).origin !== origin) return undefined;
  const probeUrl = storedUrl(value.probeUrl);
  const tabs = arrayOf(value.tabs, tabId, MAX_TABS);
  const schedule = parseSchedule(value.schedule, origin);
  const state = oneOf(value.state, ['waiting', 'offline', 'gave-up', 'recovered', 'page-fails'] as const);
  const probes = intIn(value.probes, 0, 1_000_000);
  if (!probeUrl || !tabs || !schedule || !state || probes === undefined) return undefined;
  const record: RetryRecord = { origin, probeUrl, tabs: [...new Set(tabs)], schedule, state, probes };
  const lastProbe = parseLastProbe(value.lastProbe);
  if (lastProbe) record.lastProbe = lastProbe;
  const recoveries = intIn(value.recoveries, 0, 1000);
  const recoveredAt = time(value.recoveredAt);
  if (recoveries !== undefined) record.recoveries = recoveries;
  if (recoveredAt !== undefined) record.recoveredAt = recoveredAt;
  return record;
}

export function parseWatch(value: unknown): WatchRecord | undefined {
  if (!isRecord(value)) return undefined;
  const url = storedUrl(value.url);
  let origin: string | undefined;
  try {
    origin = url ? new URL(url).origin : undefined;
  } catch {
    origin = undefined;
  }
  const host = text(value.host, 255);
  const schedule = origin ? parseSchedule(value.schedule, origin) : undefined;
  const state = oneOf(value.state, ['watching', 'offline', 'back', 'gave-up'] as const);
  const probes = intIn(value.probes, 0, 1_000_000);
  if (!url || !host || !schedule || !state || probes === undefined) return undefined;
  const record: WatchRecord = { host, url, schedule, state, probes };
  // A watch's probes follow no redirect of their own to note: that field is not kept.
  const last = parseLastProbe(value.lastProbe);
  if (last) {
    const { redirect: _redirect, ...lastProbe } = last;
    record.lastProbe = lastProbe;
  }
  const endedAt = time(value.endedAt);
  if (endedAt !== undefined) record.endedAt = endedAt;
  if (value.notified === true) record.notified = true;
  if (value.private === true) record.private = true;
  return record;
}

// ── the items ──────────────────────────────────────────────────────────────────────────────────

/** One failing origin's auto-retry: what the wake-ups run on. */
export const retryItem = defineOriginItem(
  'retry',
  { parse: parseRetryRecord, bound: { entries: MAX_TABS }, version: 2, onWriteFailure: 'throw' },
  (r) => r.origin,
);

/** "Tell me when it's back": one watch per origin. */
export const watchItem = defineOriginItem('watch', { parse: parseWatch, version: 2, onWriteFailure: 'throw' }, (w) => w.schedule.origin);

/** Set when Downcheck brought a tab back; read by the popup ("back after 4 min"). */
export const recoveredItem = defineTabItem('recovered', { parse: parseRecovery, version: 2, onWriteFailure: 'log', skipInvalid: true });

/** The key of the alarms' opaque ids (alarm-names.ts, platform/alarms.ts): alarm names never name a site. */
export const alarmKeyItem = defineItem({
  name: 'alarm-key',
  key: 'alarm-key',
  area: 'session',
  parse: parseAlarmKey,
  version: 2,
  onWriteFailure: 'log',
});
