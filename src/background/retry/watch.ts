/**
 * "Tell me when it's back": watches a checked site with auto-retry's probe schedule and ends with
 * a notification. The record (`watch:<origin>`, core/retry/watch.ts) lives in `storage.session`, so a
 * stopped worker resumes it (`resumeWatches`); as for retries, a live timer handles short waits
 * and an alarm is always set as the safety net.
 */
import { parseRetryAfter } from '../../core/retry/retry-after';
import { probeVerdict } from '../../core/retry/policy';
import { afterWatchProbe, isWatching, startWatch, watchesToDrop, watchOnline } from '../../core/retry/watch';
import { siteUrl } from '../../core/net/url';
import type { WatchRecord } from '../../model/retry';
import { isOnline } from '../../platform/connectivity';
import { t } from '../../platform/i18n';
import { notify } from '../../platform/notify';
import { probe } from '../../platform/probe';
import * as store from '../../platform/store';
import { settingsItem } from '../../core/settings/stored';
import { watchItem } from '../../core/retry/stored';
import { alarmOrigin, retryOptionsFor, wakeUps } from './wake-ups';
import { withOriginLock } from '../tab/locks';
import { displayHost } from '../../core/net/idn';
import { ALARM_ID } from '../../core/retry/alarm-names';
import { alarmId, originOfAlarm } from '../../platform/alarms';

export const WATCH_ALARM_PREFIX = 'watch:';
export const WATCH_NOTIFICATION_PREFIX = 'watch-back:';

const watchWakeUps = wakeUps(WATCH_ALARM_PREFIX, (origin) => probeWatch(origin), report);
/** Locks are per key: a watch never waits on (or holds up) the retry schedule of the same origin. */
const lockKey = (origin: string): string => `watch ${origin}`;

/**
 * Starts (or starts again) watching the site typed or checked as `input`; `undefined` if it is not a
 * web host. `inPrivate`: asked for in a private window (shown only there; its notification names no site).
 */
export async function watchSite(input: string, { inPrivate = false } = {}): Promise<WatchRecord | undefined> {
  const url = siteUrl(input);
  if (!url) return undefined;
  const { origin, hostname } = new URL(url);
  const settings = await store.read(settingsItem);
  await dropWatches(origin);
  const record = startWatch(
    { url, host: hostname, now: Date.now(), online: isOnline(), random: Math.random, private: inPrivate },
    retryOptionsFor(settings),
  );
  await withOriginLock(lockKey(origin), () => store.write(watchItem, record));
  await arm(record);
  return record;
}

/** The visitor stopped watching. */
export async function unwatchSite(input: string): Promise<boolean> {
  const url = siteUrl(input);
  if (!url) return false;
  const { origin } = new URL(url);
  return forgetWatch(origin);
}

/** The watch of `origin` is gone: its record, timer and alarm. Whether there was a record. */
async function forgetWatch(origin: string): Promise<boolean> {
  await watchWakeUps.stop(origin);
  return withOriginLock(lockKey(origin), async () => {
    const had = (await store.read(watchItem, origin)) !== undefined;
    await store.remove(watchItem, origin);
    return had;
  });
}

/**
 * Watch records are bounded: an ended one is kept WATCH_ENDED_KEEP_MS for the popup, and there are
 * never more than WATCH_LIMIT (`adding`: room for a new one). Run at every worker start and new watch.
 */
async function dropWatches(adding?: string): Promise<void> {
  for (const origin of watchesToDrop(await store.readAll(watchItem), Date.now(), adding)) await forgetWatch(origin);
}

async function arm(record: WatchRecord): Promise<void> {
  const { origin } = record.schedule;
  if (!isWatching(record)) return watchWakeUps.stop(origin);
  if (record.state === 'offline') return watchWakeUps.recheckOffline(origin);
  return watchWakeUps.waitUntil(origin, record.schedule.nextAt);
}

/** A `watch:` alarm went off: the watch it stands for is probed (its name says not which: wake-ups.ts). */
export async function watchAlarm(rest: string): Promise<void> {
  const origin = await alarmOrigin(rest, async () => (await store.readAll(watchItem)).map((w) => w.schedule.origin));
  if (origin) await probeWatch(origin);
}

/** Its time has come (timer or alarm): one probe, then back (notify, end) or the next wait. */
export async function probeWatch(origin: string): Promise<WatchRecord['state'] | 'skipped'> {
  const next = await withOriginLock(lockKey(origin), async () => {
    const record = await store.read(watchItem, origin);
    if (!record || !isWatching(record)) return undefined;
    const now = Date.now();
    let current = record;
    if (current.state === 'offline') {
      if (!isOnline()) return { record: current, probed: false };
      current = watchOnline(current, now);
    } else if (current.schedule.nextAt > now + 250) {
      return { record: current, probed: false }; // an early or duplicate wake-up: just re-arm
    }
    const answer = await probe(current.url);
    const after = afterWatchProbe(
      current,
      {
        answer,
        verdict: probeVerdict(answer),
        now: Date.now(),
        retryAfterMs: parseRetryAfter(answer.retryAfter, Date.now()),
        offline: !isOnline(),
        random: Math.random,
      },
      retryOptionsFor(await store.read(settingsItem)),
    );
    await store.write(watchItem, after);
    return { record: after, probed: true };
  });
  if (!next) return 'skipped';
  await arm(next.record);
  if (next.record.state === 'back') await announceBack(next.record);
  return next.probed ? next.record.state : 'skipped';
}

/**
 * "example.com is back": the notification (when the visitor leaves them on), noted in the record.
 * Notification centres keep what they were shown: a private window's watch names no site, in its
 * text or its id (the alarms' opaque id).
 */
async function announceBack(record: WatchRecord): Promise<void> {
  const { origin } = record.schedule;
  try {
    if (record.private)
      await notify(
        `${WATCH_NOTIFICATION_PREFIX}${await alarmId(origin)}`,
        t('notify_watch_back_title_private'),
        t('notify_watch_back_body'),
      );
    else
      await notify(
        WATCH_NOTIFICATION_PREFIX + origin,
        t('notify_watch_back_title', [displayHost(record.host)]),
        t('notify_watch_back_body'),
      );
    if ((await store.read(settingsItem)).notifications) {
      await withOriginLock(lockKey(origin), async () => {
        const now = await store.read(watchItem, origin);
        if (now?.state === 'back') await store.write(watchItem, { ...now, notified: true });
      });
    }
  } catch (error) {
    report(error);
  }
}

/**
 * The notification was clicked: the URL of the site that is back, to open. A watch probes its site's
 * front page (`siteUrl`), so the notification's origin is enough: it opens even once the record is gone.
 */
export async function urlOfWatchNotification(id: string): Promise<string | undefined> {
  if (!id.startsWith(WATCH_NOTIFICATION_PREFIX)) return undefined;
  const rest = id.slice(WATCH_NOTIFICATION_PREFIX.length);
  // A private window's watch: its opaque id, while its record is kept.
  if (ALARM_ID.test(rest)) {
    const watches = await store.readAll(watchItem);
    const origin = await originOfAlarm(
      rest,
      watches.map((w) => w.schedule.origin),
    );
    return watches.find((w) => w.schedule.origin === origin)?.url;
  }
  const origin = rest;
  const frontPage = siteUrl(origin);
  return (await store.read(watchItem, origin))?.url ?? (frontPage && new URL(frontPage).origin === origin ? frontPage : undefined);
}

/** The browser went offline or came back: paused watches resume at once (as retries do). */
export async function watchesConnectivityChanged(online: boolean): Promise<void> {
  for (const record of await store.readAll(watchItem)) {
    if (!isWatching(record)) continue;
    if (online && record.state === 'offline') {
      const resumed = watchOnline(record, Date.now());
      await store.write(watchItem, resumed);
      await arm(resumed);
    }
  }
}

/** At every worker start: timers died with the previous worker; ended watches past their time are removed. */
export async function resumeWatches(): Promise<void> {
  await dropWatches();
  for (const record of await store.readAll(watchItem)) if (isWatching(record)) await arm(record);
}

function report(error: unknown): void {
  console.error('Downcheck watch:', error);
}
