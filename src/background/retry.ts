/**
 * Auto-retry: one probe schedule per failing origin, shared by every tab failing there. The
 * schedule itself is pure (`core/retry-schedule`); this file wires it to storage, timers, alarms,
 * probes and tabs. All state lives in `storage.session` (`retry:<origin>`), so a stopped worker
 * resumes where it was: `resumeRetries()` runs at every worker start, and an alarm is always set
 * as a safety net even for waits short enough for a live timer.
 */
import { parseRetryAfter } from '../core/retry-after';
import { decisionFor, DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../core/retry-policy';
import { ALARM_MIN_DELAY_MS, onOffline, onOnline, onProbeFailed, shouldGiveUp, startSchedule, waitMechanism } from '../core/retry-schedule';
import { autoRetryAllowed, type Settings } from '../core/settings';
import { originOf } from '../core/url';
import type { Incident } from '../shared/incident';
import type { RetryRecord } from '../shared/retry';
import { clearAlarm, setAlarm } from '../platform/alarms';
import { isOnline } from '../platform/connectivity';
import { t } from '../platform/i18n';
import { notify } from '../platform/notify';
import { probe } from '../platform/probe';
import { readSettings } from '../platform/settings';
import { allRetries, readIncident, readRetry, removeRetry, writeRecovery, writeRetry } from '../platform/storage';
import { getTab, isTabInForeground, reloadTab, reopenTab } from '../platform/tabs';
import { refreshBadge } from './badge-view';
import { withOriginLock } from './tab-lock';

export const ALARM_PREFIX = 'retry:';
export const RECOVERED_NOTIFICATION_PREFIX = 'recovered:';

const OFFLINE_RECHECK_MS = 2_000;

/** Live timers for waits shorter than an alarm can be; losing them (worker stopped) only costs the alarm's delay. */
const timers = new Map<string, ReturnType<typeof setTimeout>>();

const optionsFor = (settings: Settings): RetryOptions => ({
  ...DEFAULT_RETRY_OPTIONS,
  giveUpAfterMs: settings.giveUpMinutes === null ? null : settings.giveUpMinutes * 60_000,
});


/**
 * A tab's page just failed: join its origin's schedule or start one. `force` is the visitor
 * asking for it (popup), which overrides the auto-retry setting but never the POST rule.
 */
export async function retryFailedTab(tabId: number, incident: Incident, { force = false } = {}): Promise<boolean> {
  const now = Date.now();
  const origin = originOf(incident.url);
  if (!origin || !decisionFor(incident, now).retry) return false;
  const settings = await readSettings();
  if (!force && !autoRetryAllowed(settings, incident.host)) return false;

  const record = await withOriginLock(origin, async () => {
    const existing = await readRetry(origin);
    if (existing && existing.state !== 'gave-up') {
      if (!existing.tabs.includes(tabId)) existing.tabs.push(tabId);
      await writeRetry(existing);
      return existing;
    }
    const retryAfterMs = parseRetryAfter(incident.retryAfter, now);
    const schedule = startSchedule(
      { origin, now, random: Math.random, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      optionsFor(settings),
    );
    const fresh: RetryRecord = {
      origin,
      probeUrl: incident.url,
      tabs: [...new Set([...(existing?.tabs ?? []), tabId])],
      schedule: isOnline() ? schedule : onOffline(schedule, now),
      state: isOnline() ? 'waiting' : 'offline',
      probes: 0,
    };
    await writeRetry(fresh);
    return fresh;
  });
  await arm(record);
  await refreshBadge(tabId);
  return true;
}

/** The tab no longer waits on its origin (closed, navigated elsewhere, visitor pressed Stop). */
export async function leaveRetry(tabId: number, origin: string | undefined): Promise<boolean> {
  if (!origin) return false;
  const left = await withOriginLock(origin, async () => {
    const record = await readRetry(origin);
    if (!record?.tabs.includes(tabId)) return false;
    record.tabs = record.tabs.filter((id) => id !== tabId);
    if (record.tabs.length === 0) await dropRecord(origin);
    else await writeRetry(record);
    return true;
  });
  await refreshBadge(tabId);
  return left;
}

/** Sets the live timer (short waits) and the alarm (long waits, and the safety net for short ones). */
async function arm(record: RetryRecord): Promise<void> {
  const { origin } = record;
  clearTimer(origin);
  if (record.state === 'offline') {
    // Workers do not always get the 'online' event (Chromium's offline emulation changes
    // navigator.onLine without firing it): look again every few seconds, and every 30 s by alarm.
    timers.set(origin, setTimeout(() => void probeOrigin(origin).catch(report), OFFLINE_RECHECK_MS));
    await setAlarm(ALARM_PREFIX + origin, Date.now() + ALARM_MIN_DELAY_MS);
    return;
  }
  if (record.state !== 'waiting') {
    await clearAlarm(ALARM_PREFIX + origin);
    return;
  }
  const now = Date.now();
  const delay = Math.max(0, record.schedule.nextAt - now);
  if (waitMechanism(delay) === 'timer') {
    timers.set(origin, setTimeout(() => void probeOrigin(origin).catch(report), delay));
  }
  await setAlarm(ALARM_PREFIX + origin, Math.max(record.schedule.nextAt, now + ALARM_MIN_DELAY_MS));
}

function clearTimer(origin: string): void {
  const timer = timers.get(origin);
  if (timer !== undefined) clearTimeout(timer);
  timers.delete(origin);
}

async function dropRecord(origin: string): Promise<void> {
  clearTimer(origin);
  await removeRetry(origin);
  await clearAlarm(ALARM_PREFIX + origin);
}

/**
 * The time has come (timer or alarm), or the visitor pressed "Retry now" (`force`): probe the
 * origin once; on success bring every waiting tab back, otherwise back off.
 */
export async function probeOrigin(origin: string, { force = false } = {}): Promise<'recovered' | 'failed' | 'skipped'> {
  const outcome = await withOriginLock(origin, async () => {
    const record = await readRetry(origin);
    if (!record) return { result: 'skipped' as const };
    const now = Date.now();
    if (record.state === 'offline') {
      if (!isOnline()) return { result: 'skipped' as const, record };
      // Back online without the event: resume now (the probe below happens right away).
      record.schedule = onOnline(record.schedule, now);
      record.state = 'waiting';
      await writeRetry(record);
    }
    if (!force && (record.state !== 'waiting' || record.schedule.nextAt > now + 250)) {
      return { result: 'skipped' as const, record }; // an early or duplicate wake-up: just re-arm
    }
    record.tabs = await stillFailing(record);
    if (record.tabs.length === 0) {
      await dropRecord(origin);
      return { result: 'skipped' as const };
    }
    if (!isOnline()) {
      record.schedule = onOffline(record.schedule, now);
      record.state = 'offline';
      await writeRetry(record);
      return { result: 'skipped' as const, record };
    }
    const answer = await probe(record.probeUrl);
    record.probes += 1;
    record.lastProbe = { at: Date.now(), ...(answer.status !== undefined ? { status: answer.status } : {}), ...(answer.error ? { error: answer.error } : {}) };
    if (answer.status !== undefined && answer.status < 500 && answer.status !== 429) {
      await dropRecord(origin);
      return { result: 'recovered' as const, record };
    }
    if (answer.error && !isOnline()) {
      record.schedule = onOffline(record.schedule, now);
      record.state = 'offline';
    } else {
      const retryAfterMs = parseRetryAfter(answer.retryAfter, Date.now());
      record.schedule = onProbeFailed(record.schedule, {
        now: Date.now(),
        random: Math.random,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
      record.state = shouldGiveUp(record.schedule) ? 'gave-up' : 'waiting';
    }
    await writeRetry(record);
    return { result: 'failed' as const, record };
  });

  if (outcome.result === 'recovered' && outcome.record) await bringBack(outcome.record);
  else if (outcome.record) {
    await arm(outcome.record);
    await Promise.all(outcome.record.tabs.map(refreshBadge));
  }
  return outcome.result;
}

/** Tabs whose current incident is still on this origin; the others have moved on. */
async function stillFailing(record: RetryRecord): Promise<number[]> {
  const incidents = await Promise.all(record.tabs.map(readIncident));
  return record.tabs.filter((_, i) => originOf(incidents[i]?.url) === record.origin);
}

async function bringBack(record: RetryRecord): Promise<void> {
  const at = Date.now();
  const host = new URL(record.origin).hostname;
  for (const tabId of record.tabs) {
    const incident = await readIncident(tabId);
    await writeRecovery(tabId, { url: incident?.url ?? record.probeUrl, host, at, downSince: record.schedule.startedAt, probes: record.probes });
    const foreground = await isTabInForeground(tabId);
    // Notification centres keep what they were shown: a private window's site is never named there.
    const incognito = (await getTab(tabId))?.incognito !== false;
    if (!(await reopenTab(tabId, incident?.url ?? record.probeUrl))) continue;
    if (!foreground) {
      const title = incognito ? t('notify_back_title_private') : t({ key: 'notify_back_title', subs: [host] });
      await notify(RECOVERED_NOTIFICATION_PREFIX + tabId, title, t('notify_back_body')).catch(report);
    }
  }
}

/** The visitor asked to stop retrying this tab. */
export async function stopRetry(tabId: number): Promise<boolean> {
  const incident = await readIncident(tabId);
  return leaveRetry(tabId, originOf(incident?.url));
}

/** "Retry now": probe at once if the tab is in a schedule; otherwise reload it (never resending a POST). */
export async function retryNow(tabId: number): Promise<boolean> {
  const incident = await readIncident(tabId);
  const origin = originOf(incident?.url);
  const record = origin ? await readRetry(origin) : undefined;
  if (origin && record?.tabs.includes(tabId) && record.state !== 'gave-up') {
    await probeOrigin(origin, { force: true });
    return true;
  }
  // Never resend a form: that takes the visitor's explicit "send again" (the `resubmit` request).
  if (incident && incident.method !== 'GET' && incident.method !== 'HEAD') return false;
  return incident ? reopenTab(tabId, incident.url) : reloadTab(tabId);
}

/** Browser went offline or came back. */
export async function connectivityChanged(online: boolean): Promise<void> {
  const now = Date.now();
  for (const { origin } of await allRetries()) {
    const record = await withOriginLock(origin, async () => {
      const current = await readRetry(origin);
      if (!current || current.state === 'gave-up') return undefined;
      current.schedule = online ? onOnline(current.schedule, now) : onOffline(current.schedule, now);
      current.state = online ? 'waiting' : 'offline';
      await writeRetry(current);
      return current;
    });
    if (!record) continue;
    await arm(record);
    await Promise.all(record.tabs.map(refreshBadge));
  }
}

/** At every worker start: timers died with the previous worker, so re-arm every pending schedule. */
export async function resumeRetries(): Promise<void> {
  const records = await allRetries();
  if (!isOnline()) return connectivityChanged(false);
  if (records.some((r) => r.state === 'offline')) await connectivityChanged(true);
  for (const record of records) if (record.state === 'waiting') await arm(record);
}

function report(error: unknown): void {
  console.error('Downcheck retry:', error);
}
