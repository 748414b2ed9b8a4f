/**
 * Detection without webRequest (Chrome builds; holding webRequest there costs every request of
 * every page, see README "Detection and its cost"). Three sources feed the recorder:
 * - the status read (platform/page-status.content.ts), run by the browser in every top-level web
 *   page, reports a 5xx and stays silent for anything else, so healthy pages do not wake the worker;
 * - webNavigation's errors: network failures, and an empty 5xx (Chrome's own error page,
 *   ERR_HTTP_RESPONSE_CODE_FAILURE), whose status the header re-probe supplies;
 * - webNavigation's completed loads, acted on only in a tab that has an incident: the page that
 *   replaced a failed one is read, and a healthy one ends the incident.
 * A failed page's own headers are not visible: one re-probe fetches the gateway's, once the
 * site's quiet time (core/quiet.ts) allows a request.
 */
import { isServerError } from '../core/classify';
import { quietUntil } from '../core/quiet';
import { reprobeTarget, samePage } from '../core/url';
import type { FrameError } from '../platform/requests';
import { committedMethod, onNavigationError, onPageLoaded, readPageStatus, showsErrorPage, type PageLoad } from '../platform/navigation';
import type { PageStatus } from '../platform/page-status-report';
import { unregisterLegacyPageStatus } from '../platform/page-status';
import { probeHeaders } from '../platform/probe';
import {
  forgetFailure,
  heardFailures,
  markErrorPageSeen,
  noteFailure,
  readErrorPageSeen,
  readIncident,
  tabsWithRecords,
} from '../platform/storage';
import { normalizeNetError, titledLikeBrowserErrorPage } from '../core/net-error';
import type { Incident } from '../shared/incident';
import { getTab, webTabs, type WebTab } from '../platform/tabs';
import { drawBadge } from './badge-view';
import { maybeInjectPanel } from './panel';
import { withTabLock } from './tab-lock';
import { classify } from '../core/classify';
import { after } from '../core/timers';
import {
  endIncidentUnlessSoft,
  enrichIncident,
  isTab,
  recordHttpAnswer,
  recordNetworkError,
  rememberedStatus,
  rememberResponse,
  type Detection,
} from './record';

export const navigationDetection: Detection = {
  start(report) {
    void unregisterLegacyPageStatus().catch(report('status script'));
    onPageLoaded((load) => void handlePageLoaded(load).catch(report('page')));
    onNavigationError((e) => void handleNavigationError(e).catch(report('error')));
  },
  statusBeforeComplete: false,
  async servedStatus(tabId, url, seenAt) {
    return (await rememberedStatus(tabId, url, seenAt)) ?? readPageStatus(tabId, url);
  },
  inspectTab,
  pageStatus: handlePageStatus,
  resume: resumeFailures,
};

/** The status read found a 5xx top-level page (sender already checked: our script, the tab's top frame). */
export function handlePageStatus(s: PageStatus): Promise<void> {
  if (!isTab(s.tabId) || !isServerError(s.status)) return Promise.resolve();
  return recordFailedPage({ tabId: s.tabId, url: s.url, status: s.status, method: committedMethod(s.tabId, s.url), time: s.time });
}

/**
 * A top-level page finished loading. In a tab without an incident nothing is done (a failed page
 * reports itself); otherwise the page is read: healthy ends the incident, failed gets its badge
 * and panel back (the browser reset them when the page committed).
 */
export async function handlePageLoaded(load: PageLoad): Promise<void> {
  if (!isTab(load.tabId) || !(await readIncident(load.tabId))) return;
  const status = await readPageStatus(load.tabId, load.url);
  if (status === undefined) return; // cannot be known (not scriptable, moved on): the tab's state stays
  await withTabLock(load.tabId, async () => {
    if (isServerError(status)) {
      const current = await readIncident(load.tabId);
      if (!current || !samePage(current.url, load.url)) return; // the status read records it
      await drawBadge(load.tabId, current);
      await maybeInjectPanel(load.tabId, current);
      return;
    }
    if (status < 400) await rememberResponse(load.tabId, load.url, status);
    await endIncidentUnlessSoft(load.tabId, load.url);
  });
}

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
      ? noteFailure(e.tabId, { url: e.url, error: e.error, method: e.method === 'POST' ? 'POST' : 'GET', time: e.time }).catch(
          (error: unknown) => console.warn('Downcheck note:', error),
        )
      : undefined;
  try {
    if (e.frame === 'main' && EMPTY_5XX.test(e.error)) {
      await recordFailedPage({ tabId: e.tabId, url: e.url, method: e.method, time: e.time });
      return;
    }
    await recordNetworkError(e);
  } finally {
    if (noted) await noted.then(() => forgetFailure(e.tabId));
  }
}

/**
 * At every worker start: failures noted but never recorded (the worker was stopped in between)
 * are recorded now, if their tab still shows the failed page and holds nothing newer; then every
 * open tab is compared with what is stored (reconcileTabs).
 */
export async function resumeFailures(): Promise<void> {
  await resumeNoted();
  await reconcileTabs();
}

async function resumeNoted(): Promise<void> {
  for (const [tabId, failure] of await heardFailures()) {
    try {
      if (!failure || !(await stillShows({ tabId, url: failure.url }))) continue;
      const incident = await readIncident(tabId);
      if (incident && samePage(incident.url, failure.url) && incident.time >= failure.time) continue;
      await handleNavigationError({ tabId, frame: 'main', ...failure });
    } finally {
      await forgetFailure(tabId);
    }
  }
}

interface FailedPage {
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
async function recordFailedPage(failure: FailedPage): Promise<void> {
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

/** Browser error pages looked into per worker start, at most (each costs one request to its site). */
const ERROR_PAGES_PER_START = 8;

/**
 * Chrome drops events it dispatches while it stops the worker: a network error, or the load of
 * the page that replaced a failed one, can be lost before any listener runs. At worker start:
 * - a tab with an incident that shows another page now, or the same page healthy again (its
 *   status read), ends it; a tab still failing gets its badge back;
 * - a tab showing Chrome's own error page (titled with the host alone, and the browser says its
 *   last navigation failed) without an incident is looked into once: one request to the site
 *   (as the header re-probe), recorded if the site fails it; a site that answers stopped nothing
 *   (a page blocked by another extension, say), and that page is not asked about again.
 * Tabs still loading are left to their own events.
 */
async function reconcileTabs(): Promise<void> {
  let looked = 0;
  const withIncident = new Set((await tabsWithRecords()).get('incident'));
  for (const tab of await webTabs()) {
    if (!isTab(tab.id) || tab.status !== 'complete') continue;
    const incident = withIncident.has(tab.id) ? await readIncident(tab.id) : undefined;
    if (incident) {
      await reconcileIncident(tab, incident);
      continue;
    }
    if (looked >= ERROR_PAGES_PER_START || !titledLikeBrowserErrorPage(tab.title, tab.url)) continue;
    if ((await readErrorPageSeen(tab.id)) === tab.url || !(await showsErrorPage(tab.id, tab.url))) continue;
    looked += 1;
    await markErrorPageSeen(tab.id, tab.url);
    await lookIntoErrorPage(tab);
  }
}

async function reconcileIncident(tab: WebTab, incident: Incident): Promise<void> {
  const moved = !samePage(incident.url, tab.url);
  const status = moved || incident.kind === 'network' ? undefined : await readPageStatus(tab.id, tab.url);
  await withTabLock(tab.id, async () => {
    const current = await readIncident(tab.id);
    if (!current || current.time !== incident.time) return; // recorded anew meanwhile
    if (moved || (status !== undefined && !isServerError(status))) {
      if (status !== undefined && status < 400) await rememberResponse(tab.id, tab.url, status);
      await endIncidentUnlessSoft(tab.id, tab.url);
      return;
    }
    await drawBadge(tab.id, current);
  });
}

async function lookIntoErrorPage(tab: WebTab): Promise<void> {
  const target = reprobeTarget(tab.url, 'GET');
  if (!target) return;
  const answer = await probeHeaders(target);
  if (!(await stillShows({ tabId: tab.id, url: tab.url })) || (await readIncident(tab.id))) return;
  if (isServerError(answer.status)) {
    await recordAnswer({ tabId: tab.id, url: tab.url, method: 'GET', time: answer.at }, answer.status!, answer);
    return;
  }
  if (answer.status !== undefined || answer.redirected) return; // the site answers: it was not what stopped the page
  // Which network error it was is lost with the event; the site still fails to answer.
  const error = answer.error === 'timeout' ? 'net::ERR_TIMED_OUT' : 'net::ERR_FAILED';
  await recordNetworkError({ tabId: tab.id, frame: 'main', url: tab.url, error, method: 'GET', time: Date.now() });
}

async function stillShows(failure: Pick<FailedPage, 'tabId' | 'url'>): Promise<boolean> {
  const tab = await getTab(failure.tabId);
  return Boolean(tab?.url && samePage(tab.url, failure.url));
}

type HeaderAnswer = Awaited<ReturnType<typeof probeHeaders>>;

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

function recordAnswer(failure: FailedPage, status: number, answer?: HeaderAnswer): Promise<void> {
  return recordHttpAnswer({ kind: 'http', tabId: failure.tabId, frame: 'main', ...observed(failure, status, answer) });
}

/**
 * The visitor opened the popup on a tab without an incident: a page loaded before Downcheck was
 * (the status read runs only in pages loaded since) is read now. The method of that load is
 * unknown, which is safe: Chrome builds bring pages back with a fresh GET navigation, never a
 * reload that could resend a form.
 */
async function inspectTab(tabId: number): Promise<boolean> {
  if (!isTab(tabId)) return false;
  if (await readIncident(tabId)) return true;
  const tab = await getTab(tabId);
  if (!tab?.url || tab.status !== 'complete') return false;
  const status = await readPageStatus(tabId, tab.url);
  if (!isServerError(status)) return false;
  await recordFailedPage({ tabId, url: tab.url, status, method: 'GET', time: Date.now() });
  return (await readIncident(tabId)) !== undefined;
}
