/**
 * What a detection strategy saw becomes the tab's incident, or ends it: it is classified here, then
 * recorded or cleared by chain.ts. The strategy is passed in as data (DetectionFacts), never called back.
 */
import { classify } from '../../core/incident/classify';
import { samePage } from '../../core/net/url';
import type { Incident, Observation } from '../../model/incident';
import type { FrameError } from '../../platform/web-request';
import { type TabChange } from '../../platform/tabs';
import { getTab, type TabInfo } from '../../platform/tab-info';
import * as store from '../../platform/store';
import { incidentItem, subframesItem } from '../../core/incident/stored';
import { withTabLock } from '../tab/locks';
import { syncTabView } from '../tab/view';
import { maybeInjectPanel } from '../in-page/panel';
import { clearIncident, recordIncident } from './chain';
import { judgeSoftCandidate, rememberResponse, softCandidate, type ServedStatus } from './judge-soft-error';

/** What the incident side needs to know of the strategy that feeds it. */
export interface DetectionFacts {
  /**
   * The strategy learns an HTTP page's status before the page completes (webRequest): a tab's
   * incident is then already this page's when it completes. Otherwise it is decided later.
   */
  statusBeforeComplete: boolean;
  servedStatus: ServedStatus;
}

/** Requests outside any tab (tabId -1: the worker's own fetches, prefetches) are never incidents. */
export const isTab = (tabId: number): boolean => Number.isInteger(tabId) && tabId >= 0;

/** An HTTP answer of a tab's top-level page or of one of its frames, as a strategy saw it. */
export type HttpAnswer = Extract<Observation, { kind: 'http' }> & { tabId: number; frame: 'main' | 'sub' };

/** Classifies an HTTP answer and records it: a failure of the page is its incident, a healthy page ends one. */
export function recordHttpAnswer(a: HttpAnswer): Promise<void> {
  if (!isTab(a.tabId)) return Promise.resolve();
  return withTabLock(a.tabId, async () => {
    // Kept so a soft-error title can be checked against its page's own response (see judge-soft-error.ts).
    if (a.frame === 'main' && a.status < 400) rememberResponse(a.tabId, a.url, a.status);
    const { tabId: _tabId, frame: _frame, ...observation } = a;
    const incident = classify(observation);
    if (a.frame === 'sub') {
      if (incident) await store.update(subframesItem, (list) => [{ url: a.url, status: a.status, time: a.time }, ...list], a.tabId);
      return;
    }
    if (incident) await recordObserved(a.tabId, incident);
    else await clearIncident(a.tabId);
  });
}

export function recordNetworkError(e: FrameError): Promise<void> {
  if (!isTab(e.tabId)) return Promise.resolve();
  return withTabLock(e.tabId, async () => {
    // classify() returns null for aborted navigations (user stop, Back/Forward, downloads):
    // the page that stays on screen is unchanged, so its state is left as it is.
    const incident = classify({
      kind: 'network',
      url: e.url,
      error: e.error,
      method: e.method,
      ...(e.proxied ? { proxied: true } : {}),
      time: e.time,
    });
    if (!incident) return;
    if (e.frame === 'sub') {
      await store.update(subframesItem, (list) => [{ url: e.url, error: e.error, time: e.time }, ...list], e.tabId);
      return;
    }
    // The browser gave up displaying an error answer it already reported (Firefox:
    // NS_ERROR_NET_ERROR_RESPONSE after a 500 sent as application/problem+json): the answer stays the incident.
    if (ERROR_ANSWER_NOT_SHOWN.test(e.error)) {
      const current = await store.read(incidentItem, e.tabId);
      if (current?.kind === 'http' && samePage(current.url, e.url)) return;
    }
    await recordObserved(e.tabId, incident);
  });
}

const ERROR_ANSWER_NOT_SHOWN = /NS_ERROR_NET_ERROR_RESPONSE$/;

async function recordObserved(tabId: number, incident: Incident): Promise<void> {
  const tab = await getTab(tabId);
  if (tab) await recordIncident(tabId, incident, tab, 'if-loaded'); // else closed while we were classifying
}

/** A healthy load ends the tab's incident, unless it is the soft error read from this very page's title. */
export async function endIncidentUnlessSoft(tabId: number, url: string): Promise<void> {
  const current = await store.read(incidentItem, tabId);
  if (current?.kind === 'soft' && samePage(current.url, url)) return;
  await clearIncident(tabId);
}

export function handleTabChange(tabId: number, change: TabChange, tab: TabInfo, detection: DetectionFacts): Promise<void> {
  return withTabLock(tabId, async () => {
    let current = await store.read(incidentItem, tabId);
    if (change.url !== undefined && current && !samePage(current.url, change.url)) {
      // Left the failing page without a new response (history navigation from cache, pushState).
      await clearIncident(tabId);
      current = undefined;
    }
    // Browsers reset tab-specific badges when the error page commits, after the response was seen.
    // A strategy that learns an HTTP page's status only after it completed decides then (see
    // detect/chrome-load.ts); network errors, like every failure seen by webRequest, come before the commit.
    if (change.complete && current && (detection.statusBeforeComplete || current.kind === 'network')) {
      await syncTabView(tabId, { incident: current });
      await maybeInjectPanel(tabId, current);
    }
    return change.title !== undefined && !current && tab.url ? softCandidate(tab.url, change.title) : undefined;
  }).then((candidate) => judgeSoftCandidate(tabId, candidate, detection.servedStatus));
}
