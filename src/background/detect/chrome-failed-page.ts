/**
 * Chrome builds: network errors from webNavigation, and failed pages. An empty 5xx reaches
 * webNavigation only as ERR_HTTP_RESPONSE_CODE_FAILURE; a failed page's own headers are not
 * visible, so one re-probe fetches the gateway's, once the site's quiet time (core/retry/quiet.ts) allows.
 */
import { classify, isServerError } from '../../core/incident/classify';
import { normalizeNetError } from '../../core/incident/net-error';
import { quietUntil } from '../../core/retry/quiet';
import { reprobeTarget } from '../../core/net/url';
import { after } from '../../core/async/timers';
import type { FrameError } from '../../platform/web-request';
import { committedMethod, readPageStatus } from '../../platform/navigation';
import { probeHeaders } from '../../platform/probe';
import * as store from '../../platform/store';
import { failureItem, incidentItem } from '../../core/incident/stored';
import { stillShowsPage } from '../../platform/tabs';
import { getTab } from '../../platform/tab-info';
import { isTab, recordHttpAnswer, recordNetworkError } from '../incident/observe';
import { enrichIncident } from '../incident/chain';

const EMPTY_5XX = /HTTP_RESPONSE_CODE_FAILURE$/;

/**
 * A network error; an empty 5xx reaches webNavigation only as ERR_HTTP_RESPONSE_CODE_FAILURE,
 * without its status. A top-level one is noted first, before anything is awaited: Chrome sends no
 * event again to a worker stopped while recording it, and the note lets the next one finish it.
 */
export async function handleNavigationError(e: FrameError): Promise<void> {
  if (!isTab(e.tabId)) return;
  const noted =
    e.frame === 'main' && (EMPTY_5XX.test(e.error) || normalizeNetError(e.error) !== null)
      ? store
          .write(failureItem, { url: e.url, error: e.error, method: e.method === 'POST' ? 'POST' : 'GET', time: e.time }, e.tabId)
          .catch((error: unknown) => console.warn('Downcheck note:', error))
      : undefined;
  try {
    if (e.frame === 'main' && EMPTY_5XX.test(e.error)) {
      await recordFailedPage({ tabId: e.tabId, url: e.url, method: e.method, time: e.time });
      return;
    }
    await recordNetworkError(e);
  } finally {
    if (noted) await noted.then(() => store.remove(failureItem, e.tabId));
  }
}

export interface FailedPage {
  tabId: number;
  url: string;
  /** The page's own status; unknown for an empty 5xx (the re-probe's stands in). */
  status?: number;
  method: string;
  time: number;
}

/**
 * Records a failed page. Its headers come from one re-probe (a possible POST: the site's root);
 * a site that asked for quiet (503, 429) is recorded at once from its status and re-probed only
 * when the quiet time is over, then the incident is completed with what the answer says.
 */
export async function recordFailedPage(failure: FailedPage): Promise<void> {
  const target = reprobeTarget(failure.url, failure.method);
  if (!target) return;
  if (failure.status !== undefined) {
    const wait = quietUntil({ status: failure.status, at: failure.time }) - Date.now();
    if (wait > 0) {
      await recordAnswer(failure, failure.status);
      after(wait, () => void reprobeLater(failure, target).catch((error: unknown) => console.error('Downcheck re-probe:', error)));
      return;
    }
  }
  const answer = await probeHeaders(target);
  const status = failure.status ?? answer.status;
  if (!isServerError(status)) return; // an empty 5xx that already answers again: nothing to report
  // The tab may have moved on while the probe was out.
  if (!(await stillShows(failure))) return;
  await recordAnswer(failure, status, answer);
}

async function reprobeLater(failure: FailedPage, target: string): Promise<void> {
  if (!(await stillShows(failure))) return;
  const answer = await probeHeaders(target);
  if (answer.status === undefined || !(await stillShows(failure))) return;
  const incident = classify({ kind: 'http', ...observed(failure, failure.status!, answer) });
  if (incident) await enrichIncident(failure.tabId, incident);
}

/** Whether the tab still shows the failed page and is not on its way elsewhere (a page left is not recorded). */
export const stillShows = (failure: Pick<FailedPage, 'tabId' | 'url'>): Promise<boolean> => stillShowsPage(failure.tabId, failure.url);

export type HeaderAnswer = Awaited<ReturnType<typeof probeHeaders>>;

function observed(failure: FailedPage, status: number, answer?: HeaderAnswer) {
  const read = answer?.status !== undefined ? answer : undefined;
  return {
    url: failure.url,
    status,
    method: failure.method,
    headers: read ? read.headers : [],
    ...(read ? { reprobe: { status: read.status!, redirected: read.redirected, at: read.at } } : {}),
    time: failure.time,
  };
}

export function recordAnswer(failure: FailedPage, status: number, answer?: HeaderAnswer): Promise<void> {
  return recordHttpAnswer({ kind: 'http', tabId: failure.tabId, frame: 'main', ...observed(failure, status, answer) });
}

/**
 * The visitor opened the popup on a tab without an incident: a page loaded before Downcheck was
 * (the status read runs only in pages loaded since) is read now. Its method is the recorded one:
 * a form's answer (form-commit record) stays a possible POST, never retried or reloaded by itself.
 */
export async function inspectTab(tabId: number): Promise<boolean> {
  if (!isTab(tabId)) return false;
  if (await store.read(incidentItem, tabId)) return true;
  const tab = await getTab(tabId);
  if (!tab?.url || tab.status !== 'complete') return false;
  const status = await readPageStatus(tabId, tab.url);
  if (!isServerError(status)) return false;
  await recordFailedPage({ tabId, url: tab.url, status, method: await committedMethod(tabId, tab.url), time: Date.now() });
  return (await store.read(incidentItem, tabId)) !== undefined;
}
