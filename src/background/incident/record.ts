/**
 * The one recorder every detection strategy feeds (detect-webrequest.ts for Firefox,
 * detect-navigation.ts for Chrome; detection.ts picks one per build): it classifies what a
 * strategy saw, keeps the tab's incident, history, badge, panel, retry and diagnosis in step, and
 * judges soft errors (pages titled like an error page). It never asks which strategy runs: what
 * differs is passed in as a `Detection`.
 */
import { classify } from '../../core/incident/classify';
import { softIncidentAllowed, SOFT_INCIDENT_WINDOW_MS } from '../../core/incident/soft-limit';
import type { Incident, Observation } from '../../model/incident';
import type { FrameError } from '../../platform/web-request';
import { getTab, openTabIds, type TabChange, type TabInfo } from '../../platform/tabs';
import {
  allRetries,
  appendHistory,
  appendSubframeFailure,
  beginRecording,
  endRecording,
  forgetTab,
  readDiagnosis,
  readIncident,
  readResponse,
  readSoftTimes,
  removeIncident,
  tabsWithRecords,
  writeIncident,
  writeResponse,
  writeSoftTimes,
} from '../../platform/storage';
import { withTabLock } from '../tab/locks';
import { syncTabView } from '../tab/view';
import { joinSchedule, leaveSchedule } from '../retry/join';
import { maybeInjectPanel } from '../in-page/panel';
import { diagnoseTab, dropDiagnosis } from '../diagnosis/diagnose';
import { diagnoseNewIncident } from '../diagnosis/consent-trigger';
import { originOf, samePage } from '../../core/net/url';
import { sleep } from '../../core/async/timers';

/** What the recorder needs to know about the strategy that feeds it. */
export interface Detection {
  /** Registers the strategy's listeners (synchronously, at the worker's top level). */
  start(report: (where: string) => (error: unknown) => void): void;
  /**
   * The strategy learns an HTTP page's status before the page completes (webRequest): a tab's
   * incident is then already this page's when it completes. Otherwise it is decided later.
   */
  statusBeforeComplete: boolean;
  /** The status the page showing in the tab was served with, as far as the strategy can tell. */
  servedStatus(tabId: number, url: string, seenAt: number): Promise<number | undefined>;
  /** The popup opened on a tab without an incident: look again. `true` if it has one now. */
  inspectTab(tabId: number): Promise<boolean>;
  /** At worker start, after resumeTabs: finish what the strategy heard before the worker was stopped. */
  resume?(): Promise<void>;
  /** A top frame told its new title (Chrome builds: the status read's title watch); `url` is the frame's, from the browser. */
  titleChanged?(tabId: number, url: string, title: string): Promise<boolean>;
}

/** Requests outside any tab (tabId -1: the worker's own fetches, prefetches) are never incidents. */
export const isTab = (tabId: number): boolean => Number.isInteger(tabId) && tabId >= 0;

/** An HTTP answer of a tab's top-level page or of one of its frames, as a strategy saw it. */
export type HttpAnswer = Extract<Observation, { kind: 'http' }> & { tabId: number; frame: 'main' | 'sub' };

/** Classifies an HTTP answer and records it: a failure of the page is its incident, a healthy page ends one. */
export function recordHttpAnswer(a: HttpAnswer): Promise<void> {
  if (!isTab(a.tabId)) return Promise.resolve();
  return withTabLock(a.tabId, async () => {
    // Kept so a soft-error title can be checked against its page's own response (see confirmSoftError).
    if (a.frame === 'main' && a.status < 400 && (await getTab(a.tabId))) await rememberResponse(a.tabId, a.url, a.status);
    const { tabId: _tabId, frame: _frame, ...observation } = a;
    const incident = classify(observation);
    if (a.frame === 'sub') {
      if (incident) await appendSubframeFailure(a.tabId, { url: a.url, status: a.status, time: a.time });
      return;
    }
    if (incident) await record(a.tabId, incident);
    else await clear(a.tabId);
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
      await appendSubframeFailure(e.tabId, { url: e.url, error: e.error, time: e.time });
      return;
    }
    // The browser gave up displaying an error answer it already reported (Firefox:
    // NS_ERROR_NET_ERROR_RESPONSE after a 500 sent as application/problem+json): the answer stays the incident.
    if (ERROR_ANSWER_NOT_SHOWN.test(e.error)) {
      const current = await readIncident(e.tabId);
      if (current?.kind === 'http' && samePage(current.url, e.url)) return;
    }
    await record(e.tabId, incident);
  });
}

const ERROR_ANSWER_NOT_SHOWN = /NS_ERROR_NET_ERROR_RESPONSE$/;

/**
 * The tab's incident, updated with what was learnt about the same failure later (a header
 * re-probe sent once the site's quiet time was over): no new history entry, no new schedule.
 */
export function enrichIncident(tabId: number, incident: Incident): Promise<void> {
  return withTabLock(tabId, async () => {
    const current = await readIncident(tabId);
    if (!current || current.kind !== 'http' || !samePage(current.url, incident.url) || current.status !== incident.status) return;
    const enriched = { ...incident, time: current.time, method: current.method };
    await writeIncident(tabId, enriched);
    await syncTabView(tabId, { incident: enriched });
  });
}

/** A healthy load ends the tab's incident, unless it is the soft error read from this very page's title. */
export async function endIncidentUnlessSoft(tabId: number, url: string): Promise<void> {
  const current = await readIncident(tabId);
  if (current?.kind === 'soft' && samePage(current.url, url)) return;
  await clear(tabId);
}

export function handleTabChange(
  tabId: number,
  change: TabChange,
  tab: TabInfo,
  detection: Pick<Detection, 'statusBeforeComplete' | 'servedStatus'>,
): Promise<void> {
  return withTabLock(tabId, async () => {
    let current = await readIncident(tabId);
    if (change.url !== undefined && current && !samePage(current.url, change.url)) {
      // Left the failing page without a new response (history navigation from cache, pushState).
      await clear(tabId);
      current = undefined;
    }
    // Browsers reset tab-specific badges when the error page commits, after the response was seen.
    // A strategy that learns an HTTP page's status only after it completed decides then (see
    // detect-navigation.ts); network errors, like every failure seen by webRequest, come before the commit.
    if (change.complete && current && (detection.statusBeforeComplete || current.kind === 'network')) {
      await syncTabView(tabId, { incident: current });
      await maybeInjectPanel(tabId, current);
    }
    return change.title !== undefined && !current && tab.url ? softCandidate(tab.url, change.title) : undefined;
  }).then((candidate) => judgeSoftCandidate(tabId, candidate, detection));
}

/**
 * A page without an incident showed this title (Chrome builds: read once the page loaded): if it
 * looks like a gateway error page, it is judged as a possible soft error, as a title update is.
 */
export async function considerTitle(tabId: number, url: string, title: string, detection: Pick<Detection, 'servedStatus'>): Promise<void> {
  if (!softCandidate(url, title)) return; // most titles: nothing read, nothing waited for
  const candidate = await withTabLock(tabId, async () => ((await readIncident(tabId)) ? undefined : softCandidate(url, title)));
  await judgeSoftCandidate(tabId, candidate, detection);
}

interface SoftCandidate {
  title: string;
  url: string;
  seenAt: number;
}

/** Whether a page with this title would be judged as a possible soft error (a cheap, pure check). */
export const titledLikeSoftError = (url: string, title: string): boolean => softCandidate(url, title) !== undefined;

function softCandidate(url: string, title: string): SoftCandidate | undefined {
  return classify({ kind: 'soft', url, title, time: 0 }) ? { title, url, seenAt: Date.now() } : undefined;
}

async function judgeSoftCandidate(
  tabId: number,
  candidate: SoftCandidate | undefined,
  detection: Pick<Detection, 'servedStatus'>,
): Promise<void> {
  if (!candidate) return;
  // Firefox reports the page's response up to ~100 ms AFTER its title; Chrome before. Decide once
  // both have had time to arrive, so an error page's title is never mistaken for a soft error.
  await sleep(SOFT_SETTLE_MS);
  await withTabLock(tabId, () => confirmSoftError(tabId, candidate, detection));
}

/** How long a soft-error title waits for its page's response before it is judged. */
export const SOFT_SETTLE_MS = 400;
/** A response older than this belongs to an earlier navigation. */
const RESPONSE_FRESH_MS = 30_000;
export async function rememberResponse(tabId: number, url: string, status: number): Promise<void> {
  await writeResponse(tabId, { url, status, at: Date.now() });
}

/** The status of the page's response as a strategy remembered it, if it is this page's and recent. */
export async function rememberedStatus(tabId: number, url: string, seenAt: number): Promise<number | undefined> {
  const response = await readResponse(tabId);
  if (response && samePage(response.url, url) && seenAt - response.at <= RESPONSE_FRESH_MS) return response.status;
  return undefined;
}

/**
 * A page titled like a gateway error is a soft error only if the browser saw this very page
 * answer with a success status, and nothing else has been recorded for the tab meanwhile. A tab
 * that keeps producing them (a page rewriting its address under an error title) is rate-limited.
 */
async function confirmSoftError(tabId: number, candidate: SoftCandidate, detection: Pick<Detection, 'servedStatus'>): Promise<void> {
  if (await readIncident(tabId)) return;
  const tab = await getTab(tabId);
  if (!tab?.url || tab.title !== candidate.title || !samePage(tab.url, candidate.url)) return;
  const status = await detection.servedStatus(tabId, tab.url, candidate.seenAt);
  if (status === undefined || status >= 400) return;
  const soft = classify({ kind: 'soft', url: tab.url, title: candidate.title, time: Date.now() });
  if (!soft) return;
  const now = Date.now();
  const recent = (await readSoftTimes(tabId)).filter((t) => now - t >= 0 && now - t < SOFT_INCIDENT_WINDOW_MS);
  if (!softIncidentAllowed(recent, now)) return;
  await writeSoftTimes(tabId, [...recent, now]);
  await record(tabId, soft, tab);
  // The title can arrive after the load completed: the panel may not wait for another "complete".
  await maybeInjectPanel(tabId, soft);
}

export function handleTabRemoved(tabId: number): Promise<void> {
  return withTabLock(tabId, async () => {
    const incident = await readIncident(tabId);
    await forgetTab(tabId);
    await leaveSchedule(tabId, originOf(incident?.url));
  });
}

/** Makes `incident` the tab's: stored, in history (not for incognito tabs), retried, on the badge and panel, diagnosed. */
async function record(tabId: number, incident: Incident, knownTab?: TabInfo): Promise<void> {
  const tab = knownTab ?? (await getTab(tabId));
  if (!tab) return; // closed while we were classifying
  const previous = await readIncident(tabId);
  // Stored with a mark that is removed only once history, schedule and badge follow: a worker
  // stopped in between finishes them when it starts again (resumeTabs).
  await beginRecording(tabId, incident);
  // A tab that fails again on another origin leaves its old schedule first.
  const previousOrigin = originOf(previous?.url);
  if (previousOrigin && previousOrigin !== originOf(incident.url)) await leaveSchedule(tabId, previousOrigin);
  await finishRecording(tabId, incident, tab, knownTab === undefined);
}

/** Everything that follows storing a tab's incident; each step can run again without harm. */
async function finishRecording(tabId: number, incident: Incident, tab: TabInfo, lookAgain: boolean): Promise<void> {
  if (!tab.incognito) await appendHistory(incident);
  await joinSchedule(tabId, incident);
  await syncTabView(tabId, { incident });
  // The response may come after the page finished loading: no "complete" event follows.
  const now = lookAgain ? await getTab(tabId) : undefined;
  if (now?.status === 'complete' && now.url && samePage(now.url, incident.url)) await maybeInjectPanel(tabId, incident);
  await endRecording(tabId);
  // Local evidence (nothing leaves the browser but the re-probe to the site itself), and the consented
  // outside sources for the tab the visitor is looking at; not awaited.
  void diagnoseNewIncident(tabId, incident, tab.incognito).catch((error: unknown) => console.error('Downcheck diagnosis:', error));
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
  const records = await tabsWithRecords();
  const known = new Set([...records.values()].flat());
  for (const tabId of known) if (!open.has(tabId)) await handleTabRemoved(tabId);
  for (const retry of await allRetries()) {
    for (const tabId of retry.tabs) if (!open.has(tabId)) await leaveSchedule(tabId, retry.origin);
  }
  for (const tabId of records.get('recording') ?? []) {
    if (!open.has(tabId)) continue;
    await withTabLock(tabId, async () => {
      const incident = await readIncident(tabId);
      const tab = await getTab(tabId);
      if (incident && tab) await finishRecording(tabId, incident, tab, true);
      else await endRecording(tabId);
    });
  }
  for (const tabId of records.get('diagnosis') ?? []) {
    if (!open.has(tabId) || (records.get('recording') ?? []).includes(tabId)) continue; // finishRecording started it
    const diagnosis = await readDiagnosis(tabId);
    const incident = diagnosis && !diagnosis.done ? await readIncident(tabId) : undefined;
    if (diagnosis && incident && incident.time === diagnosis.incidentTime)
      void diagnoseTab(tabId, incident, { outside: diagnosis.outside }).catch((error: unknown) =>
        console.error('Downcheck diagnosis:', error),
      );
  }
}

async function clear(tabId: number): Promise<void> {
  const had = await readIncident(tabId);
  if (!had) return;
  await removeIncident(tabId);
  await dropDiagnosis(tabId);
  await leaveSchedule(tabId, originOf(had.url));
  await syncTabView(tabId, { incident: undefined });
}
