/** A probe found the origin back: its waiting tabs are loaded again, their history entries end, and the visitor is told. */
import { mayLoadAgain } from '../../core/retry/policy';
import { mayReloadByItself, originOf } from '../../core/net/url';
import { displayHost } from '../../core/net/idn';
import type { IncidentEnd } from '../../model/incident';
import type { RetryRecord } from '../../model/retry';
import { t } from '../../platform/i18n';
import { notify } from '../../platform/notify';
import * as store from '../../platform/store';
import { historyItem } from '../../core/present/stored';
import { withEnd } from '../../core/present/history';
import { incidentItem } from '../../core/incident/stored';
import { recoveredItem, retryItem } from '../../core/retry/stored';
import { isTabInForeground, reopenTab, stillShowsPage } from '../../platform/tabs';
import { getTab } from '../../platform/tab-info';
import { withOriginLock } from '../tab/locks';

export const RECOVERED_NOTIFICATION_PREFIX = 'recovered:';

export function reportRetryError(error: unknown): void {
  console.error('Downcheck retry:', error);
}

/** The history entries of these tabs' incidents end now, this way (only an entry's first ending is kept). */
export async function endInHistory(tabs: readonly number[], how: IncidentEnd['how']): Promise<void> {
  const at = Date.now();
  for (const tabId of tabs) {
    const incident = await store.read(incidentItem, tabId).catch(() => undefined);
    if (incident) await store.update(historyItem, (list) => withEnd(list, incident.host, incident.time, { how, at }));
  }
}

/**
 * Loads every tab that waited again, all at once and each on its own: one tab that is gone or
 * cannot be loaded never keeps the others waiting, and notifications come only after every tab
 * was loaded. Each tab's current incident is read again right before: a tab that moved on, or
 * whose latest failure was a form, is left alone. Each tab leaves the record once handled.
 */
export async function bringBack(record: RetryRecord, { notifyBack, byHand }: { notifyBack: boolean; byHand: boolean }): Promise<void> {
  const at = Date.now();
  const host = new URL(record.origin).hostname;
  const report = reportRetryError;
  const inBackground = await Promise.all(
    record.tabs.map(async (tabId): Promise<number | undefined> => {
      try {
        const incident = await store.read(incidentItem, tabId);
        if (!incident || originOf(incident.url) !== record.origin || !mayLoadAgain(incident.method) || !mayReloadByItself(incident.url))
          return undefined;
        if (!(await stillShowsPage(tabId, incident.url))) return undefined;
        await store
          .write(recoveredItem, { url: incident.url, host, at, downSince: record.schedule.startedAt, probes: record.probes }, tabId)
          .catch(report);
        // "Retry now" found it back: retried by hand; else it came back by itself while Downcheck waited.
        await store.update(historyItem, (list) =>
          withEnd(list, incident.host, incident.time, { how: byHand ? 'retried' : 'came-back', at }),
        );
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
    const record = await store.read(retryItem, origin);
    if (record?.state !== 'recovered' || !record.tabs.includes(tabId)) return;
    await store.write(retryItem, { ...record, tabs: record.tabs.filter((id) => id !== tabId) });
  });
}
