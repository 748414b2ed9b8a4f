/**
 * webNavigation for Chrome builds (background/detect-navigation.ts): top-level loads, network
 * errors, the method of each committed load, and a status read of one page on demand. Holding
 * webRequest would route every request of every page through the extension layer; this does not.
 * Firefox builds keep webRequest (see requests.ts).
 */
import { browser } from './browser';
import { methodOfTransition } from '../core/suspect';
import { samePage } from '../core/url';
import type { FrameError } from './requests';

export interface PageLoad {
  tabId: number;
  url: string;
  /** From the committed navigation's transition type: a form submission counts as a possible POST. */
  method: 'GET' | 'POST';
  time: number;
}

/**
 * Transition types of the last committed top-level navigation per tab, kept until the tab's next
 * commit: the load's own events and its status report follow within seconds, while these very
 * events keep the worker alive. Lost with the worker, it defaults to GET.
 */
const committed = new Map<number, { url: string; method: 'GET' | 'POST' }>();
/** Loads that commit and never complete (closed tabs) must not pile up in a long-lived worker. */
const COMMITTED_LIMIT = 200;

const WEB_ONLY = { url: [{ schemes: ['http', 'https'] }] };

/**
 * A page the browser prerenders is not on screen (and may never be): it is judged when it is
 * shown, through the tab's URL change, like any other page the visitor moves to.
 */
const offScreen = (d: object): boolean => (d as { documentLifecycle?: unknown }).documentLifecycle === 'prerender';

/** A top-level page of a tab finished loading (error pages of network failures never do). */
export function onPageLoaded(listener: (load: PageLoad) => void): void {
  browser.webNavigation.onCommitted.addListener((d) => {
    if (d.frameId !== 0 || offScreen(d)) return;
    committed.delete(d.tabId); // re-inserted last: the map stays in commit order
    committed.set(d.tabId, { url: d.url, method: methodOfTransition(d.transitionType) });
    if (committed.size > COMMITTED_LIMIT) committed.delete(committed.keys().next().value!);
  }, WEB_ONLY);
  browser.webNavigation.onCompleted.addListener((d) => {
    if (d.frameId !== 0 || offScreen(d)) return;
    listener({ tabId: d.tabId, url: d.url, method: committedMethod(d.tabId, d.url), time: d.timeStamp });
  }, WEB_ONLY);
}

/** The method of the tab's last committed top-level load, if it is this page's; GET when unknown. */
export function committedMethod(tabId: number, url: string): 'GET' | 'POST' {
  const commit = committed.get(tabId);
  return commit && samePage(commit.url, url) ? commit.method : 'GET';
}

/** Network-level failures of top-level pages and frames; Chrome gives the same `net::ERR_*` strings as webRequest. */
export function onNavigationError(listener: (e: FrameError) => void): void {
  browser.webNavigation.onErrorOccurred.addListener((d) => {
    if (offScreen(d)) return;
    listener({
      tabId: d.tabId,
      frame: d.frameId === 0 ? 'main' : 'sub',
      url: d.url,
      // Chrome's `error` (Firefox has none, and its types leave it out): the `net::ERR_*` string.
      error: String((d as { error?: unknown }).error ?? ''),
      // webNavigation does not say; the auto-retry brings such pages back with a fresh GET navigation, never a reload.
      method: 'GET',
      time: d.timeStamp,
    });
  }, WEB_ONLY);
}

/**
 * The HTTP status the tab's current top-level document was served with, read in an isolated
 * world (the page's own scripts see nothing). `undefined` when it cannot be known: the tab moved
 * on to another page, the document is not scriptable (the browser's own error page, a PDF), or
 * the browser does not report it.
 */
export async function readPageStatus(tabId: number, url: string): Promise<number | undefined> {
  try {
    const [result] = await browser.scripting.executeScript({
      target: { tabId, frameIds: [0] },
      func: () => {
        const entry = performance.getEntriesByType('navigation')[0] as (PerformanceEntry & { responseStatus?: number }) | undefined;
        return { status: entry?.responseStatus, href: location.href };
      },
    });
    const value = result?.result as { status?: unknown; href?: unknown } | undefined;
    if (!value || typeof value.href !== 'string' || !samePage(value.href, url)) return undefined;
    const status = value.status;
    return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the tab's top frame shows the browser's own error page for `url`: its last navigation
 * ended in an error (Chrome keeps that per frame, so it can be asked after the event was lost).
 */
export async function showsErrorPage(tabId: number, url: string): Promise<boolean> {
  try {
    const frame = await browser.webNavigation.getFrame({ tabId, frameId: 0 });
    return Boolean(frame?.errorOccurred) && typeof frame?.url === 'string' && samePage(frame.url, url);
  } catch {
    return false;
  }
}
