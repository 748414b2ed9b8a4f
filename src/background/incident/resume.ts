/** A worker stopped halfway left tab work undone; closed tabs are forgotten. */
import { openTabIds } from '../../platform/tabs';
import { getTab } from '../../platform/tab-info';
import * as store from '../../platform/store';
import { retryItem } from '../../core/retry/stored';
import { incidentItem, recordingItem } from '../../core/incident/stored';
import { diagnosisItem } from '../../core/diagnosis/stored';
import { originOf } from '../../core/net/url';
import { withTabLock } from '../tab/locks';
import { leaveSchedule } from '../retry/join';
import { diagnoseTab } from '../diagnosis/diagnose';
import { runEffects } from './chain';
import { forgetResponse } from './judge-soft-error';

export function handleTabRemoved(tabId: number): Promise<void> {
  return withTabLock(tabId, async () => {
    const incident = await store.read(incidentItem, tabId);
    forgetResponse(tabId);
    await store.forgetTab(tabId);
    await leaveSchedule(tabId, originOf(incident?.url));
  });
}

/**
 * At every worker start: a worker can be stopped at any point (Chrome stops idle ones; an update
 * or a crash stops busy ones), and events it did not finish are not sent again. So:
 * - tabs closed meanwhile (or while their records were being forgotten) are forgotten, and leave
 *   every schedule that still lists them;
 * - an incident whose recording was cut short gets its history entry, schedule and badge;
 * - a diagnosis left unfinished (the popup would show it running for ever) runs again.
 */
export async function resumeTabs(): Promise<void> {
  const open = new Set(await openTabIds());
  const records = await store.keysByFamily();
  const known = new Set([...records.values()].flat());
  for (const tabId of known) if (!open.has(tabId)) await handleTabRemoved(tabId);
  for (const retry of await store.readAll(retryItem)) {
    for (const tabId of retry.tabs) if (!open.has(tabId)) await leaveSchedule(tabId, retry.origin);
  }
  for (const tabId of records.get('recording') ?? []) {
    if (!open.has(tabId)) continue;
    await withTabLock(tabId, async () => {
      const incident = await store.read(incidentItem, tabId);
      const tab = await getTab(tabId);
      if (incident && tab) await runEffects(tabId, incident, tab, 'if-loaded');
      else await store.remove(recordingItem, tabId);
    });
  }
  for (const tabId of records.get('diagnosis') ?? []) {
    if (!open.has(tabId) || (records.get('recording') ?? []).includes(tabId)) continue; // runEffects started it
    const diagnosis = await store.read(diagnosisItem, tabId);
    const incident = diagnosis && !diagnosis.done ? await store.read(incidentItem, tabId) : undefined;
    if (diagnosis && incident && incident.time === diagnosis.incidentTime)
      void diagnoseTab(tabId, incident, { outside: diagnosis.outside }).catch((error: unknown) =>
        console.error('Downcheck diagnosis:', error),
      );
  }
}
