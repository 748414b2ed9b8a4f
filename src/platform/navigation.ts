/**
 * webNavigation for Chrome builds (background/detect/chrome.ts): top-level loads, network
 * errors, the method of each committed load, and a status read of one page on demand. Holding
 * webRequest would route every request of every page through the extension layer; this does not.
 * Firefox builds keep webRequest (see requests.ts).
 */
import { browser } from './browser';
import * as store from './store';
import { formCommitItem } from '../core/incident/stored';
import { methodOfTransition } from '../core/incident/transition-method';
import { samePage } from '../core/net/url';
import { plausiblePast } from '../core/schema/validate';
import { after, cancel, type Timer } from '../core/async/timers';
import type { FrameError } from './web-request';

export interface PageLoad {
  tabId: number;
  url: string;
  /** From the committed navigation's transition type: a form submission counts as a possible POST. */
  method: 'GET' | 'POST';
  time: number;
}

/**
 * The method of the last committed top-level navigation per tab (from its transition type), kept
 * until the tab's next commit: the load's own events and its status read follow within seconds,
 * while these very events keep the worker alive.
 *
 * A form submission is also written to `storage.session` (`form-commit:<tabId>`, one per tab,
 * forgotten with the tab): a worker stopped between the form's commit and its page's completion
 * (or this map's oldest entries dropped) then still takes that page as a possible POST, and a POST
 * is never loaded again by itself. Only form submissions are written (and removed at that tab's
 * next commit seen): an ordinary page load writes nothing, as the healthy-page cost budget wants
 * (README "Detection and its cost"). So no record means GET, which is all webNavigation can tell
 * of any other load. The one case left: a worker that saw neither a form's page nor the next commit
 * may take the next load of the same address as a POST too, the safe way round.
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
    const before = committed.get(d.tabId);
    const method = methodOfTransition(d.transitionType);
    committed.delete(d.tabId); // re-inserted last: the map stays in commit order
    committed.set(d.tabId, { url: d.url, method });
    if (committed.size > COMMITTED_LIMIT) committed.delete(committed.keys().next().value!);
    if (method === 'POST') void store.write(formCommitItem, d.url, d.tabId).catch(warn);
    else if (before?.method === 'POST') void store.remove(formCommitItem, d.tabId).catch(warn);
  }, WEB_ONLY);
  browser.webNavigation.onCompleted.addListener((d) => {
    if (d.frameId !== 0 || offScreen(d)) return;
    const load = (method: 'GET' | 'POST'): void => listener({ tabId: d.tabId, url: d.url, method, time: d.timeStamp });
    const known = committed.get(d.tabId);
    // The commit was seen by this worker (the usual case): nothing to read.
    if (known) load(samePage(known.url, d.url) ? known.method : 'GET');
    else void committedMethod(d.tabId, d.url).then(load, warn);
  }, WEB_ONLY);
}

const warn = (error: unknown): void => console.warn('Downcheck navigation:', error);

/**
 * The method of the tab's last committed top-level load, if it is this page's; GET when it is
 * another page's, or when no form submission is on record for the tab. A record that cannot be
 * read counts as a POST: never loaded again by itself.
 */
export async function committedMethod(tabId: number, url: string): Promise<'GET' | 'POST'> {
  const commit = committed.get(tabId);
  if (commit) return samePage(commit.url, url) ? commit.method : 'GET';
  const form = await store.read(formCommitItem, tabId).catch(() => url);
  return form !== undefined && samePage(form, url) ? 'POST' : 'GET';
}

/**
 * The address of a tab's top-level page changed without a new document: `history.pushState` or
 * `replaceState`, or a fragment. (A new document is an `onPageLoaded`; Chrome builds listen to
 * nothing else about tabs, so nothing of Downcheck runs while a healthy page loads but one commit.)
 */
export function onSameDocumentChange(listener: (tabId: number, url: string) => void): void {
  const handler = (d: { tabId: number; frameId: number; url: string }): void => {
    if (d.frameId !== 0 || offScreen(d)) return;
    listener(d.tabId, d.url);
  };
  browser.webNavigation.onHistoryStateUpdated.addListener(handler, WEB_ONLY);
  browser.webNavigation.onReferenceFragmentUpdated.addListener(handler, WEB_ONLY);
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

/** What a page's status read found: the status its document was served with, and when that answer arrived. */
export interface PageAnswer {
  status: number;
  /** The document's title (capped), for a soft error: a healthy answer whose page says it failed. */
  title?: string;
  /** Epoch ms of the response's start (the same at every read of one document); the time of the read if not plausible or old. */
  time: number;
}

/**
 * How old a page's answer may be said to be: a page read within minutes of loading keeps its
 * answer's time; an older one (open before Downcheck was) counts from the read, so no retry
 * schedule starts out already past its give-up time.
 */
const ANSWER_MAX_AGE_MS = 10 * 60_000;

/**
 * The HTTP status the tab's current top-level document was served with, read in an isolated
 * world (the page's own scripts see nothing, and nothing in the page is changed). `undefined`
 * when it cannot be known: the tab moved on to another page, the document is not scriptable (the
 * browser's own error page, a PDF), or the browser does not report it.
 *
 * `watchTitle` (the read after a page's load): the same isolated world also watches the page's
 * title for {@link TITLE_WATCH_MS} (an app sets it once its data came, or failed to come), and
 * tells the worker of each change (at most {@link TITLE_WATCH_MESSAGES}) with a `page-title`
 * message. A page whose title does not change sends nothing, and the worker does nothing for it
 * after the read: no timer, no later look at the tab.
 */
export async function readPageAnswer(
  tabId: number,
  url: string,
  { timeoutMs = READ_TIMEOUT_MS, watchTitle = false } = {},
): Promise<PageAnswer | undefined> {
  let timer: Timer | undefined;
  try {
    const read = browser.scripting.executeScript({
      target: { tabId, frameIds: [0] },
      func: readInPage,
      args: [watchTitle ? { ms: TITLE_WATCH_MS, messages: TITLE_WATCH_MESSAGES, titleLimit: TITLE_LIMIT } : null],
    });
    // A frozen background page runs nothing until it is shown again: its read is given up.
    const late = new Promise<undefined>((resolve) => (timer = after(timeoutMs, () => resolve(undefined))));
    const [result] = (await Promise.race([read, late])) ?? [];
    return pageAnswerOf(result?.result, url, Date.now());
  } catch {
    return undefined;
  } finally {
    cancel(timer);
  }
}

/** How long after a page's load its title is watched for a change (an app's data arriving, or failing to). */
export const TITLE_WATCH_MS = 10_000;
/** Title changes told to the worker per page load, at most (a page may change its title in a loop). */
export const TITLE_WATCH_MESSAGES = 5;

interface TitleWatch {
  ms: number;
  messages: number;
  titleLimit: number;
}

/**
 * Runs in the page's isolated world (serialised by executeScript: it may use nothing from outside
 * itself). Reads the document's status, the time of its answer, its address and title; with
 * `watch`, observes the `<title>` (and `<head>`, where a title may be added) and sends each new
 * title to the worker until the watch's time or message count runs out. A MutationObserver in an
 * isolated world is invisible to the page and changes nothing in it; it is disconnected at the
 * first mutation after the watch ends.
 */
export function readInPage(watch: TitleWatch | null): { status?: number; time: number; href: string; title: string } {
  const entry = performance.getEntriesByType('navigation')[0] as (PerformanceNavigationTiming & { responseStatus?: number }) | undefined;
  if (watch) {
    const started = performance.now();
    let last = document.title;
    let left = watch.messages;
    /** The `<title>` observed; `undefined` before the first attach (a page may have none). */
    let watched: Element | null | undefined;
    const observer = new MutationObserver(() => {
      if (performance.now() - started > watch.ms || left <= 0) return observer.disconnect();
      const title = document.title;
      if (title !== last) {
        last = title;
        left -= 1;
        try {
          const { runtime } = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome;
          void runtime.sendMessage({ type: 'page-title', title: title.slice(0, watch.titleLimit) }).catch(() => observer.disconnect());
        } catch {
          observer.disconnect(); // the extension was reloaded or switched off: this world can no longer send
        }
      }
      attach();
    });
    const attach = (): void => {
      const title = document.head?.querySelector('title') ?? document.querySelector('title');
      if (watched !== undefined && title === watched) return;
      watched = title;
      observer.disconnect();
      observer.observe(document.head ?? document.documentElement, { childList: true });
      if (title) observer.observe(title, { childList: true, characterData: true, subtree: true });
    };
    if (document.documentElement) attach();
  }
  return {
    status: entry?.responseStatus,
    time: performance.timeOrigin + (entry?.responseStart ?? 0),
    href: location.href,
    title: document.title,
  };
}

/** How long a status read may take; a page that has just loaded answers within milliseconds. */
const READ_TIMEOUT_MS = 5_000;

/** A title longer than this is cut: error pages have short titles, and a page may set any length. */
const TITLE_LIMIT = 300;

/** Validates what the status read returned (a document may be odd, and a page can break its own Performance API). */
export function pageAnswerOf(value: unknown, url: string, now: number): PageAnswer | undefined {
  const read = value as { status?: unknown; time?: unknown; href?: unknown; title?: unknown } | null | undefined;
  if (!read || typeof read !== 'object' || typeof read.href !== 'string' || !samePage(read.href, url)) return undefined;
  const status = read.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const title = typeof read.title === 'string' && read.title ? { title: read.title.slice(0, TITLE_LIMIT) } : {};
  return { status, time: Math.round(plausiblePast(read.time, now, ANSWER_MAX_AGE_MS)), ...title };
}

/** {@link readPageAnswer}'s status alone. */
export async function readPageStatus(tabId: number, url: string): Promise<number | undefined> {
  return (await readPageAnswer(tabId, url))?.status;
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
