/**
 * The probes of a schedule: woken by a live timer or an alarm (wake-ups.ts), one probe of the
 * origin, then back off, give up, or bring the tabs back (recover.ts). All state lives in
 * `storage.session` (`retry:<origin>`), so a stopped worker resumes where it was (controls.ts).
 */
import { parseRetryAfter } from '../../core/retry/retry-after';
import { mayLoadAgain, probeVerdict } from '../../core/retry/policy';
import { isRelapse, MAX_RECOVERIES, onOffline, onOnline, onProbeFailed, RELAPSE_WINDOW_MS, shouldGiveUp } from '../../core/retry/schedule';
import { originOf } from '../../core/net/url';
import type { RetryRecord } from '../../model/retry';
import { isOnline } from '../../platform/connectivity';
import { probe } from '../../platform/probe';
import * as store from '../../platform/store';
import { retryItem } from '../../core/retry/stored';
import { incidentItem } from '../../core/incident/stored';
import { syncTabView } from '../tab/view';
import { alarmOrigin, wakeUps } from './wake-ups';
import { withOriginLock } from '../tab/locks';
import { bringBack, endInHistory, reportRetryError } from './recover';

export const ALARM_PREFIX = 'retry:';

/** Live timers for waits shorter than an alarm can be (losing them only costs the alarm's delay), and the alarms. */
const retryWakeUps = wakeUps(ALARM_PREFIX, (origin) => probeOrigin(origin), reportRetryError);

/** Writes the schedule, then syncs the view of every tab it lists. */
export async function saveSchedule(record: RetryRecord): Promise<void> {
  await store.write(retryItem, record);
  await syncTabs(record.tabs);
}

const syncTabs = (tabs: readonly number[]): Promise<unknown> => Promise.all(tabs.map((tabId) => syncTabView(tabId)));

/** A `retry:` alarm went off: the schedule it stands for is probed (its name says not which: wake-ups.ts). */
export async function retryAlarm(rest: string): Promise<void> {
  const origin = await alarmOrigin(rest, async () => (await store.readAll(retryItem)).map((r) => r.origin));
  if (origin) await probeOrigin(origin);
}

/**
 * Sets the live timer (short waits) and the alarm (long waits, and the safety net for short
 * ones). A recovered origin only keeps an alarm that forgets it when its relapse window ends.
 */
export async function arm(record: RetryRecord): Promise<void> {
  const { origin } = record;
  if (record.state === 'offline') return retryWakeUps.recheckOffline(origin);
  if (record.state === 'recovered') return retryWakeUps.alarmAt(origin, (record.recoveredAt ?? Date.now()) + RELAPSE_WINDOW_MS);
  if (record.state !== 'waiting') return retryWakeUps.stop(origin);
  return retryWakeUps.waitUntil(origin, record.schedule.nextAt);
}

export async function dropRecord(origin: string): Promise<void> {
  retryWakeUps.clearTimer(origin);
  await store.remove(retryItem, origin);
  await retryWakeUps.stop(origin);
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
    const record = await store.read(retryItem, origin);
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
      await store.write(retryItem, record);
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
      await saveSchedule(record);
      return { result: 'offline' as const, record };
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
        // Nothing is pending any more: the wake-ups go before the state says so, never after.
        await retryWakeUps.stop(origin);
        await saveSchedule(record);
        return { result: 'page-fails' as const, record };
      }
      // The tabs stay listed until each is loaded again: a worker stopped halfway finishes the rest when it starts.
      const recovered: RetryRecord = { ...record, state: 'recovered', recoveries: recoveries + 1, recoveredAt: Date.now() };
      await store.write(retryItem, recovered);
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
      if (record.state === 'gave-up') await retryWakeUps.stop(origin);
    }
    await saveSchedule(record);
    return { result: 'failed' as const, record };
  });

  if (outcome.record) await arm(outcome.record);
  if (outcome.result === 'recovered') await bringBack(outcome.record, { notifyBack: outcome.first, byHand: force });
  // Nothing was written: the views are looked at again all the same, as a wake-up always did.
  else if (outcome.result === 'skipped' && outcome.record) await syncTabs(outcome.record.tabs);
  if (outcome.result === 'failed' && outcome.record.state === 'gave-up') await endInHistory(outcome.record.tabs, 'gave-up');
  return outcome.result === 'offline' ? 'skipped' : outcome.result;
}

/**
 * Tabs whose current incident is still on this origin and may be loaded again; the others have
 * moved on, or now show a form's answer (only the visitor may send that again).
 */
async function stillFailing(record: RetryRecord): Promise<number[]> {
  const incidents = await Promise.all(record.tabs.map((k) => store.read(incidentItem, k)));
  return record.tabs.filter((_, i) => originOf(incidents[i]?.url) === record.origin && mayLoadAgain(incidents[i]?.method));
}
