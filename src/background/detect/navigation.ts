/**
 * Detection without webRequest (Chrome builds; holding webRequest there costs every request of
 * every page, see README "Detection and its cost"). Nothing runs while a healthy page loads but
 * one webNavigation commit (its transition type, for the method); no tabs.onUpdated listener
 * (Chrome cannot filter it: a handful of events per load, each waking the worker). The sources:
 * - webNavigation's completed loads: the status and title of every top-level web page are read
 *   once its load has completed (platform/navigation.ts readPageAnswer, an isolated world, after
 *   the load event, so the load itself does not wait for it); a 5xx is recorded whatever the
 *   page's title, a healthy page ends the tab's incident, if any, and a healthy page titled like
 *   a gateway error is judged as a soft error;
 * - webNavigation's same-document changes (pushState, fragments): a tab that left its failing
 *   page ends its incident, and the new address's title is judged like a completed page's;
 * - webNavigation's errors: network failures, and an empty 5xx (Chrome's own error page,
 *   ERR_HTTP_RESPONSE_CODE_FAILURE), whose status the header re-probe supplies;
 * - at every worker start, the open tabs (reconcileTabs): events Chrome dropped while it stopped
 *   the worker, and pages loaded before Downcheck was.
 * A failed page's own headers are not visible: one re-probe fetches the gateway's, once the
 * site's quiet time (core/retry/quiet.ts) allows a request.
 */
import { isServerError } from '../../core/incident/classify';
import { quietUntil } from '../../core/retry/quiet';
import { reprobeTarget, samePage } from '../../core/net/url';
import type { FrameError } from '../../platform/web-request';
import {
  committedMethod,
  onNavigationError,
  onPageLoaded,
  onSameDocumentChange,
  readPageAnswer,
  readPageStatus,
  showsErrorPage,
  type PageLoad,
} from '../../platform/navigation';
import { unregisterLegacyPageStatus } from '../../platform/page-status';
import { probeHeaders } from '../../platform/probe';
import {
  forgetFailure,
  heardFailures,
  markErrorPageSeen,
  noteFailure,
  readErrorPageSeen,
  readIncident,
  tabsWithRecords,
} from '../../platform/storage';
import { normalizeNetError, titledLikeBrowserErrorPage } from '../../core/incident/net-error';
import type { Incident } from '../../model/incident';
import { getTab, stillShowsPage, webTabs, type WebTab } from '../../platform/tabs';
import { syncTabView } from '../tab/view';
import { withTabLock } from '../tab/locks';
import { classify } from '../../core/incident/classify';
import { after } from '../../core/async/timers';
import { endIncidentUnlessSoft, handleTabChange, isTab, recordHttpAnswer, recordNetworkError } from '../incident/observe';
import { considerTitle, rememberedStatus, rememberResponse, titledLikeSoftError } from '../incident/judge-soft-error';
import { enrichIncident } from '../incident/chain';
import type { Detection } from './strategy';

export const navigationDetection: Detection = {
  start(report) {
    void unregisterLegacyPageStatus().catch(report('status script'));
    onPageLoaded((load) => void handlePageLoaded(load).catch(report('page')));
    onSameDocumentChange((tabId, url) => void handleSameDocumentChange(tabId, url).catch(report('same document')));
    onNavigationError((e) => void handleNavigationError(e).catch(report('error')));
  },
  statusBeforeComplete: false,
  async servedStatus(tabId, url, seenAt) {
    return (await rememberedStatus(tabId, url, seenAt)) ?? readPageStatus(tabId, url);
  },
  inspectTab,
  resume: resumeFailures,
  titleChanged: handleTitleChanged,
};

/**
 * A top-level page finished loading: its status is read in an isolated world, after its load
 * event (so the load itself costs nothing measurable; README "Detection and its cost"). A 5xx
 * is recorded, whatever the page's title; a healthy page ends the tab's incident. A page that
 * cannot be read (not scriptable, moved on) leaves the tab's state as it is.
 */
export async function handlePageLoaded(load: PageLoad): Promise<void> {
  if (!isTab(load.tabId)) return;
  const answer = await readPageAnswer(load.tabId, load.url, { watchTitle: true });
  if (answer === undefined) return;
  if (isServerError(answer.status)) {
    await recordFailedPage({ tabId: load.tabId, url: load.url, status: answer.status, method: load.method, time: answer.time });
    return;
  }
  if (await readIncident(load.tabId))
    await withTabLock(load.tabId, async () => {
      if (answer.status < 400) await rememberResponse(load.tabId, load.url, answer.status);
      await endIncidentUnlessSoft(load.tabId, load.url);
    });
  if (answer.status < 400) await considerTabTitle(load.tabId, load.url, answer.title);
}

/**
 * The page's address changed without a new document (pushState, a fragment): the tab's incident
 * ends if it was another page's, and the title it shows now is judged as a possible soft error.
 */
export async function handleSameDocumentChange(tabId: number, url: string): Promise<void> {
  if (!isTab(tabId)) return;
  const tab = await getTab(tabId);
  if (!tab?.url || !samePage(tab.url, url)) return; // moved on again meanwhile
  await handleTabChange(tabId, { url, ...(tab.title ? { title: tab.title } : {}), complete: false }, tab, navigationDetection);
  lookAtTitleAgain(tabId, url);
}

/**
 * Apps set their title once their data came (or failed to): after a page's address changed
 * without a new document, its title is looked at again a moment later (one tabs.get). After a
 * load, the status read's isolated world watches the title instead and tells of a change
 * ({@link handleTitleChanged}): nothing runs in the worker for a page whose title stays.
 */
export const TITLE_AGAIN_MS = 1_500;

/** A healthy page's title, read with its status: judged now if it looks like an error page's. */
async function considerTabTitle(tabId: number, url: string, title: string | undefined): Promise<void> {
  if (title !== undefined && titledLikeSoftError(url, title)) await considerTitleNow(tabId, url);
}

function lookAtTitleAgain(tabId: number, url: string): void {
  after(TITLE_AGAIN_MS, () => void considerTitleNow(tabId, url).catch((error: unknown) => console.error('Downcheck title:', error)));
}

/** The title as the tab shows it now (what the soft-error check compares with later), if the tab still shows `url`. */
async function considerTitleNow(tabId: number, url: string): Promise<void> {
  const tab = await getTab(tabId);
  if (tab?.url && tab.title && samePage(tab.url, url)) await considerTitle(tabId, tab.url, tab.title, navigationDetection.servedStatus);
}

/**
 * A page's title changed within seconds of its load (the status read's title watch sent it): judged
 * as a possible soft error, if the tab still shows the page at `url` (the frame's address, from the
 * browser). As for any title, the soft-error check waits a moment and then confirms it against the
 * tab's own (confirmSoftError). `true` if it was judged: at once for a title no error page has, or
 * else once the tab was found still showing the page.
 */
export async function handleTitleChanged(tabId: number, url: string, title: string): Promise<boolean> {
  if (!isTab(tabId) || !title) return false;
  if (!titledLikeSoftError(url, title)) return true; // most titles: judged without asking the browser anything
  const tab = await getTab(tabId);
  if (!tab?.url || !samePage(tab.url, url)) return false;
  await considerTitle(tabId, tab.url, title, navigationDetection.servedStatus);
  return true;
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
/** Pages without an incident whose status is read per worker start, at most (the most recently seen first). */
const STATUS_READS_PER_START = 32;
/** A read at worker start may meet frozen background pages: it waits this long for each. */
const START_READ_TIMEOUT_MS = 2_000;

/**
 * Chrome drops events it dispatches while it stops the worker: a network error, the load of a
 * failed page, or the load of the page that replaced one, can be lost before any listener runs.
 * And pages loaded before Downcheck was installed (or enabled) had no listener at all. At worker start:
 * - a tab with an incident that shows another page now, or the same page healthy again (its
 *   status read), ends it; a tab still failing gets its badge back;
 * - the status of every other loaded page is read (the most recently seen first, at most
 *   {@link STATUS_READS_PER_START}), and a 5xx is recorded;
 * - a tab showing Chrome's own error page (titled with the host alone, and the browser says its
 *   last navigation failed) without an incident is looked into once: one request to the site
 *   (as the header re-probe), recorded if the site fails it; a site that answers stopped nothing
 *   (a page blocked by another extension, say), and that page is not asked about again.
 * Tabs still loading, or unloaded by the browser, are left to their own events.
 */
async function reconcileTabs(): Promise<void> {
  let errorPages = 0;
  const withIncident = new Set((await tabsWithRecords()).get('incident'));
  const toRead: WebTab[] = [];
  const tabs = (await webTabs()).sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  for (const tab of tabs) {
    if (!isTab(tab.id) || tab.status !== 'complete' || tab.discarded) continue;
    const incident = withIncident.has(tab.id) ? await readIncident(tab.id) : undefined;
    if (incident) {
      await reconcileIncident(tab, incident);
      continue;
    }
    if (titledLikeBrowserErrorPage(tab.title, tab.url) && (await showsErrorPage(tab.id, tab.url))) {
      if (errorPages >= ERROR_PAGES_PER_START || (await readErrorPageSeen(tab.id)) === tab.url) continue;
      errorPages += 1;
      await markErrorPageSeen(tab.id, tab.url);
      await lookIntoErrorPage(tab);
      continue;
    }
    if (toRead.length < STATUS_READS_PER_START) toRead.push(tab);
  }
  // Read side by side (a frozen page must not hold up the others), recorded one by one.
  const answers = await Promise.all(toRead.map((tab) => readPageAnswer(tab.id, tab.url, { timeoutMs: START_READ_TIMEOUT_MS })));
  for (const [i, tab] of toRead.entries()) {
    const answer = answers[i];
    if (!answer || !isServerError(answer.status) || (await readIncident(tab.id))) continue;
    // The load event was lost, not the form: a page reached by a form stays a possible POST (its form-commit record).
    const method = await committedMethod(tab.id, tab.url);
    await recordFailedPage({ tabId: tab.id, url: tab.url, status: answer.status, method, time: answer.time });
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
    await syncTabView(tab.id, { incident: current });
  });
}

async function lookIntoErrorPage(tab: WebTab): Promise<void> {
  const method = await committedMethod(tab.id, tab.url);
  const target = reprobeTarget(tab.url, method);
  if (!target) return;
  const answer = await probeHeaders(target);
  if (!(await stillShows({ tabId: tab.id, url: tab.url })) || (await readIncident(tab.id))) return;
  if (isServerError(answer.status)) {
    await recordAnswer({ tabId: tab.id, url: tab.url, method, time: answer.at }, answer.status!, answer);
    return;
  }
  if (answer.status !== undefined || answer.redirected) return; // the site answers: it was not what stopped the page
  // Which network error it was is lost with the event; the site still fails to answer.
  const error = answer.error === 'timeout' ? 'net::ERR_TIMED_OUT' : 'net::ERR_FAILED';
  await recordNetworkError({ tabId: tab.id, frame: 'main', url: tab.url, error, method, time: Date.now() });
}

/** Whether the tab still shows the failed page and is not on its way elsewhere (a page left is not recorded). */
const stillShows = (failure: Pick<FailedPage, 'tabId' | 'url'>): Promise<boolean> => stillShowsPage(failure.tabId, failure.url);

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
 * (the status read runs only in pages loaded since) is read now. Its method is the recorded one:
 * a form's answer (form-commit record) stays a possible POST, never retried or reloaded by itself.
 */
async function inspectTab(tabId: number): Promise<boolean> {
  if (!isTab(tabId)) return false;
  if (await readIncident(tabId)) return true;
  const tab = await getTab(tabId);
  if (!tab?.url || tab.status !== 'complete') return false;
  const status = await readPageStatus(tabId, tab.url);
  if (!isServerError(status)) return false;
  await recordFailedPage({ tabId, url: tab.url, status, method: await committedMethod(tabId, tab.url), time: Date.now() });
  return (await readIncident(tabId)) !== undefined;
}
