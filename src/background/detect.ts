import { classify, isServerError } from '../core/classify';
import type { Incident } from '../shared/incident';
import { DETECTION, type FrameError, type FrameResponse } from '../platform/requests';
import { readPageStatus, type PageLoad } from '../platform/navigation';
import { probeHeaders } from '../platform/probe';
import { looksFailed } from '../core/suspect';
import { getTab, type TabChange, type TabInfo } from '../platform/tabs';
import {
  appendHistory,
  appendSubframeFailure,
  forgetTab,
  readIncident,
  readResponse,
  removeIncident,
  writeIncident,
  writeResponse,
} from '../platform/storage';
import { withTabLock } from './tab-lock';
import { refreshBadge } from './badge-view';
import { leaveRetry, retryFailedTab } from './retry';
import { maybeInjectPanel } from './panel';
import { diagnoseTab, dropDiagnosis } from './diagnose';
import { originOf, reprobeTarget, samePage } from '../core/url';

/** Requests outside any tab (tabId -1: the worker's own fetches, prefetches) are never incidents. */
const isTab = (tabId: number): boolean => Number.isInteger(tabId) && tabId >= 0;

export function handleFrameResponse(r: FrameResponse): Promise<void> {
  if (!isTab(r.tabId)) return Promise.resolve();
  return withTabLock(r.tabId, async () => {
    // Kept so a soft-error title can be checked against its page's own response (see confirmSoftError).
    if (r.frame === 'main' && r.status < 400 && (await getTab(r.tabId))) await writeResponse(r.tabId, { url: r.url, status: r.status, at: Date.now() });
    const incident = classify({
      kind: 'http',
      url: r.url,
      status: r.status,
      headers: r.headers,
      ...(r.ip ? { ip: r.ip } : {}),
      method: r.method,
      ...(r.reprobe ? { reprobe: r.reprobe } : {}),
      time: r.time,
    });
    if (r.frame === 'sub') {
      if (incident) await appendSubframeFailure(r.tabId, { url: r.url, status: r.status, time: r.time });
      return;
    }
    if (incident) await record(r.tabId, incident);
    else await clear(r.tabId);
  });
}

export function handleFrameError(e: FrameError): Promise<void> {
  if (!isTab(e.tabId)) return Promise.resolve();
  return withTabLock(e.tabId, async () => {
    // classify() returns null for aborted navigations (user stop, Back/Forward, downloads):
    // the page that stays on screen is unchanged, so its state is left as it is.
    const incident = classify({ kind: 'network', url: e.url, error: e.error, method: e.method, time: e.time });
    if (!incident) return;
    if (e.frame === 'sub') {
      await appendSubframeFailure(e.tabId, { url: e.url, error: e.error, time: e.time });
      return;
    }
    await record(e.tabId, incident);
  });
}

/**
 * Chrome builds (webNavigation): a top-level page finished loading. One that looks like any
 * healthy page is left alone — nothing is read from it or injected into it — and ends the tab's
 * incident; one that looks failed has its status read, and a failed one its headers re-probed.
 */
export async function handlePageLoaded(load: PageLoad): Promise<void> {
  if (!isTab(load.tabId)) return;
  if (!looksFailed(load.title, load.url)) {
    await withTabLock(load.tabId, () => endIncidentUnlessSoft(load.tabId, load.url));
    return;
  }
  const status = await readPageStatus(load.tabId, load.url);
  if (status === undefined) return; // cannot be known (not scriptable, moved on): the tab's state stays
  if (!isServerError(status)) {
    await withTabLock(load.tabId, async () => {
      if (status < 400) await writeResponse(load.tabId, { url: load.url, status, at: Date.now() });
      await endIncidentUnlessSoft(load.tabId, load.url);
    });
    return;
  }
  await recordWithReprobe({ tabId: load.tabId, url: load.url, status, method: load.method, time: load.time });
}

/**
 * Chrome builds (webNavigation): a network error. An empty 5xx answer reaches webNavigation only
 * as ERR_HTTP_RESPONSE_CODE_FAILURE, without its status: the re-probe supplies it.
 */
export async function handleNavigationError(e: FrameError): Promise<void> {
  if (!isTab(e.tabId)) return;
  if (e.frame === 'main' && /HTTP_RESPONSE_CODE_FAILURE$/.test(e.error)) {
    await recordWithReprobe({ tabId: e.tabId, url: e.url, method: e.method, time: e.time });
    return;
  }
  await handleFrameError(e);
}

/** Re-probes a failed page for its headers (a possible POST: the site's root instead), then records it. */
async function recordWithReprobe(failure: { tabId: number; url: string; status?: number; method: string; time: number }): Promise<void> {
  const target = reprobeTarget(failure.url, failure.method);
  if (!target) return;
  const answer = await probeHeaders(target);
  const status = failure.status ?? answer.status;
  if (!isServerError(status)) return; // an empty 5xx that already answers again: nothing to report
  // The tab may have moved on while the probe was out.
  const tab = await getTab(failure.tabId);
  if (!tab?.url || !samePage(tab.url, failure.url)) return;
  await handleFrameResponse({
    tabId: failure.tabId,
    frame: 'main',
    url: failure.url,
    status,
    method: failure.method,
    headers: answer.status !== undefined ? answer.headers : [],
    ...(answer.status !== undefined ? { reprobe: { status: answer.status, redirected: answer.redirected, at: answer.at } } : {}),
    time: failure.time,
  });
}

/**
 * The visitor opened the popup on a tab without an incident. Chrome builds read a page's status
 * only when its title looks failed; an application's error page titled like any other page is
 * read now. The method of that load is unknown, which is safe: Chrome builds bring pages back
 * with a fresh GET navigation, never a reload that could resend a form.
 */
export async function inspectTab(tabId: number): Promise<boolean> {
  if (DETECTION !== 'webNavigation' || !isTab(tabId)) return false;
  if (await readIncident(tabId)) return true;
  const tab = await getTab(tabId);
  if (!tab?.url || tab.status !== 'complete') return false;
  const status = await readPageStatus(tabId, tab.url);
  if (!isServerError(status)) return false;
  await recordWithReprobe({ tabId, url: tab.url, status, method: 'GET', time: Date.now() });
  return (await readIncident(tabId)) !== undefined;
}

/** A healthy load ends the tab's incident, unless it is the soft error read from this very page's title. */
async function endIncidentUnlessSoft(tabId: number, url: string): Promise<void> {
  const current = await readIncident(tabId);
  if (current?.kind === 'soft' && samePage(current.url, url)) return;
  await clear(tabId);
}

export function handleTabChange(tabId: number, change: TabChange, tab: TabInfo): Promise<void> {
  return withTabLock(tabId, async () => {
    let current = await readIncident(tabId);
    if (change.url !== undefined && current && !samePage(current.url, change.url)) {
      // Left the failing page without a new response (history navigation from cache, pushState).
      await clear(tabId);
      current = undefined;
    }
    // Browsers reset tab-specific badges when the error page commits, after the response was seen.
    // Chrome builds learn an HTTP page's status only after it completed (handlePageLoaded decides
    // then); their network errors, like every failure seen by webRequest, come before the commit.
    if (change.complete && current && (DETECTION === 'webRequest' || current.kind === 'network')) {
      await refreshBadge(tabId);
      await maybeInjectPanel(tabId);
    }
    return change.title !== undefined && !current && tab.url && classify({ kind: 'soft', url: tab.url, title: change.title, time: 0 })
      ? { title: change.title, url: tab.url, seenAt: Date.now() }
      : undefined;
  }).then(async (candidate) => {
    if (!candidate) return;
    // Firefox reports the page's response up to ~100 ms AFTER its title; Chrome before. Decide once
    // both have had time to arrive, so an error page's title is never mistaken for a soft error.
    await new Promise((resolve) => setTimeout(resolve, SOFT_SETTLE_MS));
    await withTabLock(tabId, () => confirmSoftError(tabId, candidate));
  });
}

/** How long a soft-error title waits for its page's response before it is judged. */
export const SOFT_SETTLE_MS = 400;
/** A response older than this belongs to an earlier navigation. */
const RESPONSE_FRESH_MS = 30_000;

/**
 * A page titled like a gateway error is a soft error only if the browser saw this very page
 * answer with a success status, and nothing else has been recorded for the tab meanwhile.
 */
async function confirmSoftError(tabId: number, candidate: { title: string; url: string; seenAt: number }): Promise<void> {
  if (await readIncident(tabId)) return;
  const tab = await getTab(tabId);
  if (!tab?.url || tab.title !== candidate.title || !samePage(tab.url, candidate.url)) return;
  const status = await freshStatus(tabId, tab.url, candidate.seenAt);
  if (status === undefined || status >= 400) return;
  const soft = classify({ kind: 'soft', url: tab.url, title: candidate.title, time: Date.now() });
  if (!soft) return;
  await record(tabId, soft, tab);
  // The title can arrive after the load completed: the panel may not wait for another "complete".
  await maybeInjectPanel(tabId);
}

/** The status this page was served with: as recorded from its response, else (Chrome builds) read from the page. */
async function freshStatus(tabId: number, url: string, seenAt: number): Promise<number | undefined> {
  const response = await readResponse(tabId);
  if (response && samePage(response.url, url) && seenAt - response.at <= RESPONSE_FRESH_MS) return response.status;
  return DETECTION === 'webNavigation' ? readPageStatus(tabId, url) : undefined;
}

export function handleTabRemoved(tabId: number): Promise<void> {
  return withTabLock(tabId, async () => {
    const incident = await readIncident(tabId);
    await forgetTab(tabId);
    await leaveRetry(tabId, originOf(incident?.url));
  });
}

async function record(tabId: number, incident: Incident, knownTab?: TabInfo): Promise<void> {
  const tab = knownTab ?? (await getTab(tabId));
  if (!tab) return; // closed while we were classifying
  const previous = await readIncident(tabId);
  await writeIncident(tabId, incident);
  if (!tab.incognito) await appendHistory(incident);
  // A tab that fails again on another origin leaves its old schedule first.
  const previousOrigin = originOf(previous?.url);
  if (previousOrigin && previousOrigin !== originOf(incident.url)) await leaveRetry(tabId, previousOrigin);
  await retryFailedTab(tabId, incident);
  await refreshBadge(tabId);
  // Firefox may report the response after the page finished loading: no "complete" event follows.
  const now = knownTab ? undefined : await getTab(tabId);
  if (now?.status === 'complete' && now.url && samePage(now.url, incident.url)) await maybeInjectPanel(tabId);
  // Local evidence only (nothing leaves the browser but the re-probe to the site itself); not awaited.
  void diagnoseTab(tabId, { outside: false }).catch((error: unknown) => console.error('Downcheck diagnosis:', error));
}

async function clear(tabId: number): Promise<void> {
  const had = await readIncident(tabId);
  if (!had) return;
  await removeIncident(tabId);
  await dropDiagnosis(tabId);
  await leaveRetry(tabId, originOf(had.url)); // also redraws the (now empty) badge
}
