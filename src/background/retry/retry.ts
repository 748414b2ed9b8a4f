/**
 * Auto-retry: one probe schedule per failing origin, shared by every tab failing there. The
 * schedule itself is pure (`core/retry-schedule`); this file wires it to storage, timers, alarms,
 * probes and tabs. All state lives in `storage.session` (`retry:<origin>`), so a stopped worker
 * resumes where it was: `resumeRetries()` runs at every worker start, and an alarm is always set
 * as a safety net even for waits short enough for a live timer.
 */
import { parseRetryAfter } from '../../core/retry/retry-after';
import { quietUntil } from '../../core/retry/quiet';
import { decisionFor, mayLoadAgain, probeVerdict } from '../../core/retry/policy';
import {
  isRelapse,
  MAX_RECOVERIES,
  onOffline,
  onOnline,
  onProbeFailed,
  onRelapse,
  RELAPSE_WINDOW_MS,
  shouldGiveUp,
  spreadResume,
  startSchedule,
} from '../../core/retry/schedule';
import { autoRetryAllowed } from '../../core/settings/settings';
import { mayReloadByItself, originOf, reprobeTarget } from '../../core/net/url';
import type { Incident, IncidentEnd } from '../../model/incident';
import type { RetryRecord } from '../../model/retry';
import { isOnline } from '../../platform/connectivity';
import { t } from '../../platform/i18n';
import { notify } from '../../platform/notify';
import { probe } from '../../platform/probe';
import { readSettings } from '../../platform/settings';
import { allRetries, endHistoryEntry, readIncident, readRetry, removeRetry, writeRecovery, writeRetry } from '../../platform/storage';
import { getTab } from '../../platform/tab-info';
import { isTabInForeground, reopenTab, stillShowsPage } from '../../platform/tabs';
import { drawBadge, refreshBadge } from '../tab/view';
import { alarmOrigin, probeTimers, retryOptionsFor } from './wake-ups';
import { withOriginLock } from '../tab/locks';
import { displayHost } from '../../core/net/idn';

export const ALARM_PREFIX = 'retry:';
export const RECOVERED_NOTIFICATION_PREFIX = 'recovered:';

/** Live timers for waits shorter than an alarm can be (losing them only costs the alarm's delay), and the alarms. */
const wakeUps = probeTimers(ALARM_PREFIX, (origin) => probeOrigin(origin), report);

/**
 * A tab's page just failed: join its origin's schedule or start one. `force` is the visitor
 * asking for it (popup), which overrides the auto-retry setting but never the POST rule. A tab
 * whose new failure may not be retried (a form sent on the same origin, a TLS error…) leaves the
 * schedule it was waiting on, so a recovery never loads it again. A failure soon after the origin
 * was brought back continues the old schedule (attempt and give-up time) instead of starting anew.
 */
export async function retryFailedTab(tabId: number, incident: Incident, { force = false } = {}): Promise<boolean> {
  const joined = await joinRetry(tabId, incident, force);
  // The caller holds the tab's incident: the badge is drawn from it (and the schedule), not read again.
  await drawBadge(tabId, incident);
  return joined;
}

async function joinRetry(tabId: number, incident: Incident, force: boolean): Promise<boolean> {
  const now = Date.now();
  const origin = originOf(incident.url);
  if (!origin) return false;
  if (!decisionFor(incident, now).retry) {
    await leaveRetry(tabId, origin, { incident });
    return false;
  }
  const settings = await readSettings();
  if (!force && !autoRetryAllowed(settings, incident.host)) return false;

  const record = await withOriginLock(origin, async () => {
    const existing = await readRetry(origin);
    // The site's quiet time (503/429: at least 5 s; its Retry-After) holds for the first probe too.
    const quietMs = quietUntil({ status: incident.status, retryAfter: incident.retryAfter, at: incident.time }) - now;
    const retryAfterMs = quietMs > 0 ? quietMs : parseRetryAfter(incident.retryAfter, now);
    const failure = { now, random: Math.random, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    if (existing && (existing.state === 'waiting' || existing.state === 'offline' || existing.state === 'page-fails')) {
      if (!existing.tabs.includes(tabId)) existing.tabs.push(tabId);
      await writeRetry(existing);
      return existing;
    }
    if (existing?.state === 'recovered' && isRelapse(existing.recoveredAt, now)) {
      const schedule = onRelapse(existing.schedule, failure, retryOptionsFor(settings));
      const relapsed: RetryRecord = {
        ...existing,
        tabs: [...new Set([...existing.tabs, tabId])],
        schedule: isOnline() ? schedule : onOffline(schedule, now),
        state: shouldGiveUp(schedule) ? 'gave-up' : isOnline() ? 'waiting' : 'offline',
      };
      await writeRetry(relapsed);
      return relapsed;
    }
    const schedule = startSchedule({ origin, ...failure }, retryOptionsFor(settings));
    const fresh: RetryRecord = {
      origin,
      // Never the query, nor a private page's path (core/net/url.ts): the probe must not replay the visitor's request.
      probeUrl: reprobeTarget(incident.url, incident.method) ?? `${origin}/`,
      tabs: [...new Set([...(existing?.state === 'gave-up' ? existing.tabs : []), tabId])],
      schedule: isOnline() ? schedule : onOffline(schedule, now),
      state: isOnline() ? 'waiting' : 'offline',
      probes: 0,
    };
    await writeRetry(fresh);
    return fresh;
  });
  await arm(record);
  return true;
}

/** A `retry:` alarm went off: the schedule it stands for is probed (its name says not which: probe-timer.ts). */
export async function retryAlarm(rest: string): Promise<void> {
  const origin = await alarmOrigin(rest, async () => (await allRetries()).map((r) => r.origin));
  if (origin) await probeOrigin(origin);
}

/**
 * The tab no longer waits on its origin (closed, navigated elsewhere, visitor pressed Stop). Its
 * badge is drawn again: from `shown.incident` when the caller holds the tab's incident (`undefined`:
 * it has none now), else from what storage says.
 */
export async function leaveRetry(tabId: number, origin: string | undefined, shown?: { incident: Incident | undefined }): Promise<boolean> {
  if (!origin) return false;
  const left = await withOriginLock(origin, async () => {
    const record = await readRetry(origin);
    if (!record?.tabs.includes(tabId)) return false;
    record.tabs = record.tabs.filter((id) => id !== tabId);
    // A recovered origin is remembered for its relapse window even once all its tabs are back.
    if (record.tabs.length === 0 && record.state !== 'recovered') await dropRecord(origin);
    else await writeRetry(record);
    return true;
  });
  if (shown) await drawBadge(tabId, shown.incident);
  else await refreshBadge(tabId);
  return left;
}

/**
 * Sets the live timer (short waits) and the alarm (long waits, and the safety net for short
 * ones). A recovered origin only keeps an alarm that forgets it when its relapse window ends.
 */
async function arm(record: RetryRecord): Promise<void> {
  const { origin } = record;
  if (record.state === 'offline') return wakeUps.recheckOffline(origin);
  if (record.state === 'recovered') return wakeUps.alarmAt(origin, (record.recoveredAt ?? Date.now()) + RELAPSE_WINDOW_MS);
  if (record.state !== 'waiting') return wakeUps.stop(origin);
  return wakeUps.waitUntil(origin, record.schedule.nextAt);
}

async function dropRecord(origin: string): Promise<void> {
  wakeUps.clearTimer(origin);
  await removeRetry(origin);
  await wakeUps.stop(origin);
}

/**
 * The time has come (timer or alarm), or the visitor pressed "Retry now" (`force`): probe the
 * origin once. An answer that would show the page (`probeVerdict`) brings every waiting tab
 * back, unless this chain of failures already had `MAX_RECOVERIES` recoveries and the page kept
 * failing: then the site answers others but not the visitor, and nothing is reloaded any more.
 * Anything else backs off.
 */
export async function probeOrigin(origin: string, { force = false } = {}): Promise<'recovered' | 'page-fails' | 'failed' | 'skipped'> {
  const outcome = await withOriginLock(origin, async () => {
    const record = await readRetry(origin);
    if (!record) return { result: 'skipped' as const };
    const now = Date.now();
    if (record.state === 'recovered') {
      // Its relapse window is over (this is its clean-up alarm): forget it.
      if (!isRelapse(record.recoveredAt, now)) {
        await dropRecord(origin);
        return { result: 'skipped' as const };
      }
      return { result: 'skipped' as const, record };
    }
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
    const verdict = probeVerdict(answer);
    record.probes += 1;
    record.lastProbe = {
      at: Date.now(),
      ...(answer.status !== undefined ? { status: answer.status } : {}),
      ...(answer.error ? { error: answer.error } : {}),
      ...(answer.redirect ? { redirect: true } : {}),
      verdict,
    };
    if (verdict === 'back') {
      const recoveries = record.recoveries ?? 0;
      if (recoveries >= MAX_RECOVERIES && !force) {
        record.state = 'page-fails';
        await writeRetry(record);
        return { result: 'page-fails' as const, record };
      }
      // The tabs stay listed until each is loaded again: a worker stopped halfway finishes the rest when it starts.
      const recovered: RetryRecord = { ...record, state: 'recovered', recoveries: recoveries + 1, recoveredAt: Date.now() };
      await writeRetry(recovered);
      return { result: 'recovered' as const, record: recovered, first: recoveries === 0 };
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

  if (outcome.record) await arm(outcome.record);
  if (outcome.result === 'recovered') await bringBack(outcome.record, { notifyBack: outcome.first, byHand: force });
  else if (outcome.record) await Promise.all(outcome.record.tabs.map(refreshBadge));
  if (outcome.result === 'failed' && outcome.record.state === 'gave-up') await endInHistory(outcome.record.tabs, 'gave-up');
  return outcome.result;
}

/**
 * Tabs whose current incident is still on this origin and may be loaded again; the others have
 * moved on, or now show a form's answer (only the visitor may send that again).
 */
async function stillFailing(record: RetryRecord): Promise<number[]> {
  const incidents = await Promise.all(record.tabs.map(readIncident));
  return record.tabs.filter((_, i) => originOf(incidents[i]?.url) === record.origin && mayLoadAgain(incidents[i]?.method));
}

/**
 * Loads every tab that waited again, all at once and each on its own: one tab that is gone or
 * cannot be loaded never keeps the others waiting, and notifications come only after every tab
 * was loaded. Each tab's current incident is read again right before: a tab that moved on, or
 * whose latest failure was a form, is left alone. Each tab leaves the record once handled.
 */
/** The history entries of these tabs' incidents end now, this way (only an entry's first ending is kept). */
async function endInHistory(tabs: readonly number[], how: IncidentEnd['how']): Promise<void> {
  const at = Date.now();
  for (const tabId of tabs) {
    const incident = await readIncident(tabId).catch(() => undefined);
    if (incident) await endHistoryEntry(incident.host, incident.time, { how, at });
  }
}

async function bringBack(record: RetryRecord, { notifyBack, byHand }: { notifyBack: boolean; byHand: boolean }): Promise<void> {
  const at = Date.now();
  const host = new URL(record.origin).hostname;
  const inBackground = await Promise.all(
    record.tabs.map(async (tabId): Promise<number | undefined> => {
      try {
        const incident = await readIncident(tabId);
        if (!incident || originOf(incident.url) !== record.origin || !mayLoadAgain(incident.method) || !mayReloadByItself(incident.url))
          return undefined;
        if (!(await stillShowsPage(tabId, incident.url))) return undefined;
        await writeRecovery(tabId, { url: incident.url, host, at, downSince: record.schedule.startedAt, probes: record.probes }).catch(
          report,
        );
        // "Retry now" found it back: retried by hand; else it came back by itself while Downcheck waited.
        await endHistoryEntry(incident.host, incident.time, { how: byHand ? 'retried' : 'came-back', at });
        const foreground = await isTabInForeground(tabId);
        if (!(await reopenTab(tabId, incident.url))) return undefined;
        return foreground ? undefined : tabId;
      } catch (error) {
        report(error);
        return undefined;
      } finally {
        await leftAfterRecovery(record.origin, tabId).catch(report);
      }
    }),
  );
  // One "site is back" per chain of failures: a page that relapses and is brought back again does not notify again.
  if (!notifyBack) return;
  for (const tabId of inBackground) {
    if (tabId === undefined) continue;
    // Notification centres keep what they were shown: a private window's site is never named there.
    const incognito = (await getTab(tabId).catch(() => undefined))?.incognito !== false;
    const title = incognito ? t('notify_back_title_private') : t({ key: 'notify_back_title', subs: [displayHost(host)] });
    await notify(RECOVERED_NOTIFICATION_PREFIX + tabId, title, t('notify_back_body')).catch(report);
  }
}

/** A recovered origin's tab was handled: it no longer waits there (unless it already relapsed into a new wait). */
async function leftAfterRecovery(origin: string, tabId: number): Promise<void> {
  await withOriginLock(origin, async () => {
    const record = await readRetry(origin);
    if (record?.state !== 'recovered' || !record.tabs.includes(tabId)) return;
    await writeRetry({ ...record, tabs: record.tabs.filter((id) => id !== tabId) });
  });
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
  // Without an incident the method of the page on screen is unknown: nothing to retry then.
  if (!incident || !mayLoadAgain(incident.method)) return false;
  return reopenTab(tabId, incident.url);
}

/** Browser went offline or came back. Back online, the overdue probes are spread out (`spreadResume`). */
export async function connectivityChanged(online: boolean): Promise<void> {
  const now = Date.now();
  const records = (await allRetries()).filter((r) => r.state === 'waiting' || r.state === 'offline');
  for (const { origin } of records) {
    const record = await withOriginLock(origin, async () => {
      const current = await readRetry(origin);
      if (!current || (current.state !== 'waiting' && current.state !== 'offline')) return undefined;
      current.schedule = online ? onOnline(current.schedule, now) : onOffline(current.schedule, now);
      if (online) current.schedule = spreadResume(current.schedule, { now, random: Math.random, overdue: records.length });
      current.state = online ? 'waiting' : 'offline';
      await writeRetry(current);
      return current;
    });
    if (!record) continue;
    await arm(record);
    await Promise.all(record.tabs.map(refreshBadge));
  }
}

/**
 * At every worker start: timers died with the previous worker, so re-arm every pending schedule,
 * spreading those already overdue (a worker that was stopped for a while) rather than probing
 * them all at once.
 */
export async function resumeRetries(): Promise<void> {
  const records = await allRetries();
  if (!isOnline()) return connectivityChanged(false);
  if (records.some((r) => r.state === 'offline')) await connectivityChanged(true);
  const now = Date.now();
  const waiting = records.filter((r) => r.state === 'waiting');
  const overdue = waiting.filter((r) => r.schedule.nextAt <= now).length;
  for (const { origin } of waiting) {
    const record = await withOriginLock(origin, async () => {
      const current = await readRetry(origin);
      if (current?.state !== 'waiting') return undefined;
      const spread = spreadResume(current.schedule, { now, random: Math.random, overdue });
      if (spread !== current.schedule) {
        current.schedule = spread;
        await writeRetry(current);
      }
      return current;
    });
    if (record) await arm(record);
  }
  for (const record of records) {
    if (record.state !== 'recovered') continue;
    await arm(record);
    // Stopped while loading its tabs again: finish the job (no second notification).
    if (record.tabs.length > 0) await bringBack(record, { notifyBack: false, byHand: false });
  }
}

function report(error: unknown): void {
  console.error('Downcheck retry:', error);
}
