/**
 * Chrome builds, at every worker start: failures noted but never recorded, events Chrome dropped
 * while it stopped the worker, and pages loaded before Downcheck was.
 */
import { isServerError } from '../../core/incident/classify';
import { titledLikeBrowserErrorPage } from '../../core/incident/net-error';
import { reprobeTarget, samePage } from '../../core/net/url';
import type { Incident } from '../../model/incident';
import { committedMethod, readPageAnswer, readPageStatus, showsErrorPage } from '../../platform/navigation';
import { probeHeaders } from '../../platform/probe';
import * as store from '../../platform/store';
import { errorPageItem, failureItem, incidentItem } from '../../core/incident/stored';
import { webTabs, type WebTab } from '../../platform/tabs';
import { withTabLock } from '../tab/locks';
import { syncTabView } from '../tab/view';
import { endIncidentUnlessSoft, isTab, recordNetworkError } from '../incident/observe';
import { rememberResponse } from '../incident/judge-soft-error';
import { handleNavigationError, recordAnswer, recordFailedPage, stillShows } from './chrome-failed-page';

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
  for (const [tabId, failure] of await store.readEach(failureItem)) {
    try {
      if (!failure || !(await stillShows({ tabId, url: failure.url }))) continue;
      const incident = await store.read(incidentItem, tabId);
      if (incident && samePage(incident.url, failure.url) && incident.time >= failure.time) continue;
      await handleNavigationError({ tabId, frame: 'main', ...failure });
    } finally {
      await store.remove(failureItem, tabId);
    }
  }
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
  const withIncident = new Set((await store.keysByFamily()).get('incident'));
  const toRead: WebTab[] = [];
  const tabs = (await webTabs()).sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  for (const tab of tabs) {
    if (!isTab(tab.id) || tab.status !== 'complete' || tab.discarded) continue;
    const incident = withIncident.has(tab.id) ? await store.read(incidentItem, tab.id) : undefined;
    if (incident) {
      await reconcileIncident(tab, incident);
      continue;
    }
    if (titledLikeBrowserErrorPage(tab.title, tab.url) && (await showsErrorPage(tab.id, tab.url))) {
      if (errorPages >= ERROR_PAGES_PER_START || (await store.read(errorPageItem, tab.id)) === tab.url) continue;
      errorPages += 1;
      await store.write(errorPageItem, tab.url, tab.id);
      await lookIntoErrorPage(tab);
      continue;
    }
    if (toRead.length < STATUS_READS_PER_START) toRead.push(tab);
  }
  // Read side by side (a frozen page must not hold up the others), recorded one by one.
  const answers = await Promise.all(toRead.map((tab) => readPageAnswer(tab.id, tab.url, { timeoutMs: START_READ_TIMEOUT_MS })));
  for (const [i, tab] of toRead.entries()) {
    const answer = answers[i];
    if (!answer || !isServerError(answer.status) || (await store.read(incidentItem, tab.id))) continue;
    // The load event was lost, not the form: a page reached by a form stays a possible POST (its form-commit record).
    const method = await committedMethod(tab.id, tab.url);
    await recordFailedPage({ tabId: tab.id, url: tab.url, status: answer.status, method, time: answer.time });
  }
}

async function reconcileIncident(tab: WebTab, incident: Incident): Promise<void> {
  const moved = !samePage(incident.url, tab.url);
  const status = moved || incident.kind === 'network' ? undefined : await readPageStatus(tab.id, tab.url);
  await withTabLock(tab.id, async () => {
    const current = await store.read(incidentItem, tab.id);
    if (!current || current.time !== incident.time) return; // recorded anew meanwhile
    if (moved || (status !== undefined && !isServerError(status))) {
      if (status !== undefined && status < 400) rememberResponse(tab.id, tab.url, status);
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
  if (!(await stillShows({ tabId: tab.id, url: tab.url })) || (await store.read(incidentItem, tab.id))) return;
  if (isServerError(answer.status)) {
    await recordAnswer({ tabId: tab.id, url: tab.url, method, time: answer.at }, answer.status!, answer);
    return;
  }
  if (answer.status !== undefined || answer.redirected) return; // the site answers: it was not what stopped the page
  // Which network error it was is lost with the event; the site still fails to answer.
  const error = answer.error === 'timeout' ? 'net::ERR_TIMED_OUT' : 'net::ERR_FAILED';
  await recordNetworkError({ tabId: tab.id, frame: 'main', url: tab.url, error, method, time: Date.now() });
}
