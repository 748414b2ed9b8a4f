/**
 * Detection without webRequest, for Chrome builds (issue 2, point 10: merely holding webRequest
 * routes every request of every page through the extension layer and costs healthy pages several
 * per cent). webNavigation reports top-level loads and network errors at no measurable cost; a
 * finished page that LOOKS failed (see core/suspect) has its status read from the Performance API
 * (`PerformanceNavigationTiming.responseStatus`), and only a failed one has its headers fetched by
 * one re-probe. Firefox builds keep webRequest (see requests.ts).
 */
import { browser } from './browser';
import { methodOfTransition } from '../core/suspect';
import { samePage } from '../core/url';
import type { FrameError } from './requests';

export interface PageLoad {
  tabId: number;
  url: string;
  /** The tab's title when the load finished (the browser's stand-in if the page has none). */
  title?: string;
  /** From the committed navigation's transition type: a form submission counts as a possible POST. */
  method: 'GET' | 'POST';
  time: number;
}

/**
 * Transition types of the last committed top-level navigation per tab, kept between `onCommitted`
 * and `onCompleted` of the same load (milliseconds to seconds: a worker is never stopped in
 * between, because these very events keep it alive). Lost with the worker, it defaults to GET.
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
    const commit = committed.get(d.tabId);
    committed.delete(d.tabId);
    void browser.tabs.get(d.tabId).then(
      (tab) => {
        listener({
          tabId: d.tabId,
          url: d.url,
          ...(tab.title !== undefined ? { title: tab.title } : {}),
          method: commit && samePage(commit.url, d.url) ? commit.method : 'GET',
          time: d.timeStamp,
        });
      },
      () => undefined, // the tab closed meanwhile
    );
  }, WEB_ONLY);
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
