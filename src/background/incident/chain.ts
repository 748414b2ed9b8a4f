/**
 * The one owner of a tab's incident chain: an incident is recorded here, and its effects run here
 * in one order (history, schedule, view, panel, diagnosis, then the crowd report). Detection only observes (observe.ts).
 */
import type { Incident } from '../../model/incident';
import { getTab, type TabInfo } from '../../platform/tab-info';
import * as store from '../../platform/store';
import { appendEntry, historyItem } from '../../core/present/stored';
import { incidentItem, recordingItem } from '../../core/incident/stored';
import { originOf, samePage } from '../../core/net/url';
import { withTabLock } from '../tab/locks';
import { syncTabView } from '../tab/view';
import { joinSchedule, leaveSchedule } from '../retry/join';
import { dropDiagnosis } from '../diagnosis/diagnose';
import { diagnoseNewIncident } from '../diagnosis/consent-trigger';
import { maybeInjectPanel } from '../in-page/panel';
import { reportFailure } from '../crowd/report';

/** When the panel goes in: `now` (the page is known to show it), or `if-loaded` (only once the tab completed this page). */
export type PanelTiming = 'if-loaded' | 'now';

/** Makes `incident` the tab's: stored, in history (not for incognito tabs), retried, on the badge and panel, diagnosed. */
export async function recordIncident(tabId: number, incident: Incident, tab: TabInfo, panel: PanelTiming): Promise<void> {
  const previous = await store.read(incidentItem, tabId);
  // Stored with a mark that is removed only once history, schedule and badge follow: a worker
  // stopped in between finishes them when it starts again (resume.ts).
  await store.writeTogether([store.at(incidentItem, incident, tabId), store.at(recordingItem, incident.time, tabId)]);
  // A tab that fails again on another origin leaves its old schedule first.
  const previousOrigin = originOf(previous?.url);
  if (previousOrigin && previousOrigin !== originOf(incident.url)) await leaveSchedule(tabId, previousOrigin);
  await runEffects(tabId, incident, tab, panel);
}

/** Everything that follows storing a tab's incident, in this order; each step can run again without harm. */
export async function runEffects(tabId: number, incident: Incident, tab: TabInfo, panel: PanelTiming): Promise<void> {
  if (!tab.incognito) await store.update(historyItem, (list) => appendEntry(list, incident));
  await joinSchedule(tabId, incident);
  await syncTabView(tabId, { incident }); // after the incident and schedule writes
  if (panel === 'now' || (await loadedSamePage(tabId, incident))) await maybeInjectPanel(tabId, incident);
  await store.remove(recordingItem, tabId);
  // Local evidence (nothing leaves the browser but the re-probe to the site itself), and the consented
  // outside sources for the tab the visitor is looking at; not awaited.
  void diagnoseNewIncident(tabId, incident, tab.incognito).catch((error: unknown) => console.error('Downcheck diagnosis:', error));
  // With the crowd opt-in only (checked first thing); not awaited: a slow or lost service delays nothing.
  void reportFailure(incident, { incognito: tab.incognito }).catch((error: unknown) => console.error('Downcheck crowd report:', error));
}

/** The response may come after the page finished loading: no "complete" event follows, so the tab is asked. */
async function loadedSamePage(tabId: number, incident: Incident): Promise<boolean> {
  const now = await getTab(tabId);
  return now?.status === 'complete' && !!now.url && samePage(now.url, incident.url);
}

/** The tab's incident ends: removed, its diagnosis dropped, its schedule left, its badge cleared. */
export async function clearIncident(tabId: number): Promise<void> {
  const had = await store.read(incidentItem, tabId);
  if (!had) return;
  await store.remove(incidentItem, tabId);
  await dropDiagnosis(tabId);
  await leaveSchedule(tabId, originOf(had.url));
  await syncTabView(tabId, { incident: undefined });
}

/**
 * The tab's incident, updated with what was learnt about the same failure later (a header
 * re-probe sent once the site's quiet time was over): no new history entry, no new schedule.
 */
export function enrichIncident(tabId: number, incident: Incident): Promise<void> {
  return withTabLock(tabId, async () => {
    const current = await store.read(incidentItem, tabId);
    if (!current || current.kind !== 'http' || !samePage(current.url, incident.url) || current.status !== incident.status) return;
    const enriched = { ...incident, time: current.time, method: current.method };
    await store.write(incidentItem, enriched, tabId);
    await syncTabView(tabId, { incident: enriched });
  });
}
