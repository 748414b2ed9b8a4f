/**
 * Chrome builds: what a completed top-level load, a same-document change or a title change tells.
 * Each page's status and title are read in an isolated world once its load has completed
 * (platform/navigation.ts readPageAnswer, after the load event, so the load itself does not wait).
 */
import { isServerError } from '../../core/incident/classify';
import { samePage } from '../../core/net/url';
import { after } from '../../core/async/timers';
import { readPageAnswer, readPageStatus, type PageLoad } from '../../platform/navigation';
import * as store from '../../platform/store';
import { incidentItem } from '../../core/incident/stored';
import { getTab } from '../../platform/tab-info';
import { withTabLock } from '../tab/locks';
import { endIncidentUnlessSoft, handleTabChange, isTab, type DetectionFacts } from '../incident/observe';
import { considerTitle, rememberedStatus, rememberResponse, titledLikeSoftError } from '../incident/judge-soft-error';
import { recordFailedPage } from './chrome-failed-page';

/** The status a Chrome tab's page was served with: as remembered from its status read, else read again. */
export async function chromeServedStatus(tabId: number, url: string, seenAt: number): Promise<number | undefined> {
  return (await rememberedStatus(tabId, url, seenAt)) ?? readPageStatus(tabId, url);
}

/** What the incident side knows of this strategy: an HTTP page's status is learnt only after it completed. */
export const CHROME_FACTS: DetectionFacts = { statusBeforeComplete: false, servedStatus: chromeServedStatus };

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
  if (await store.read(incidentItem, load.tabId))
    await withTabLock(load.tabId, async () => {
      if (answer.status < 400) rememberResponse(load.tabId, load.url, answer.status);
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
  await handleTabChange(tabId, { url, ...(tab.title ? { title: tab.title } : {}), complete: false }, tab, CHROME_FACTS);
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
  if (tab?.url && tab.title && samePage(tab.url, url)) await considerTitle(tabId, tab.url, tab.title, chromeServedStatus);
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
  await considerTitle(tabId, tab.url, title, chromeServedStatus);
  return true;
}
