/** The visitor's controls of a tab's schedule (Stop, Retry now), and what connectivity and a worker start do to every schedule. */
import { mayLoadAgain } from '../../core/retry/policy';
import { onOffline, onOnline, spreadResume } from '../../core/retry/schedule';
import { originOf } from '../../core/net/url';
import { isOnline } from '../../platform/connectivity';
import * as store from '../../platform/store';
import { retryItem } from '../../core/retry/stored';
import { incidentItem } from '../../core/incident/stored';
import { reopenTab } from '../../platform/tabs';
import { syncTabView } from '../tab/view';
import { withOriginLock } from '../tab/locks';
import { leaveSchedule } from './join';
import { arm, probeOrigin, saveSchedule } from './probe';
import { bringBack } from './recover';

/** The visitor asked to stop retrying this tab. */
export async function stopRetry(tabId: number): Promise<boolean> {
  const incident = await store.read(incidentItem, tabId);
  const left = await leaveSchedule(tabId, originOf(incident?.url));
  await syncTabView(tabId);
  return left;
}

/** "Retry now": probe at once if the tab is in a schedule; otherwise reload it (never resending a POST). */
export async function retryNow(tabId: number): Promise<boolean> {
  const incident = await store.read(incidentItem, tabId);
  const origin = originOf(incident?.url);
  const record = origin ? await store.read(retryItem, origin) : undefined;
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
  const records = (await store.readAll(retryItem)).filter((r) => r.state === 'waiting' || r.state === 'offline');
  for (const { origin } of records) {
    const record = await withOriginLock(origin, async () => {
      const current = await store.read(retryItem, origin);
      if (!current || (current.state !== 'waiting' && current.state !== 'offline')) return undefined;
      current.schedule = online ? onOnline(current.schedule, now) : onOffline(current.schedule, now);
      if (online) current.schedule = spreadResume(current.schedule, { now, random: Math.random, overdue: records.length });
      current.state = online ? 'waiting' : 'offline';
      await saveSchedule(current);
      return current;
    });
    if (record) await arm(record);
  }
}

/**
 * At every worker start: timers died with the previous worker, so re-arm every pending schedule,
 * spreading those already overdue (a worker that was stopped for a while) rather than probing
 * them all at once.
 */
export async function resumeRetries(): Promise<void> {
  const records = await store.readAll(retryItem);
  if (!isOnline()) return connectivityChanged(false);
  if (records.some((r) => r.state === 'offline')) await connectivityChanged(true);
  const now = Date.now();
  const waiting = records.filter((r) => r.state === 'waiting');
  const overdue = waiting.filter((r) => r.schedule.nextAt <= now).length;
  for (const { origin } of waiting) {
    const record = await withOriginLock(origin, async () => {
      const current = await store.read(retryItem, origin);
      if (current?.state !== 'waiting') return undefined;
      const spread = spreadResume(current.schedule, { now, random: Math.random, overdue });
      if (spread !== current.schedule) {
        current.schedule = spread;
        await saveSchedule(current);
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
