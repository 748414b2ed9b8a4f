import { browser, DETECTION, type Tabs } from './browser';
import { IS_FIREFOX } from './native';
import type { TabInfo } from './tab-info';
import { after, cancel } from '../core/async/timers';
import { samePage } from '../core/net/url';

export interface TabChange {
  url?: string;
  title?: string;
  complete: boolean;
}

/**
 * Tab updates relevant to detection. Firefox can filter updates at the source, which spares
 * waking the background for favicon or audio changes; Chrome has no such filter (it rejects the
 * second argument), so it gets every update and ignores the rest.
 */
export function onTabChanged(listener: (tabId: number, change: TabChange, tab: TabInfo) => void): void {
  const handler = (tabId: number, info: Tabs.OnUpdatedChangeInfoType, tab: Tabs.Tab): void => {
    if (info.url === undefined && info.title === undefined && info.status !== 'complete') return;
    listener(
      tabId,
      {
        ...(info.url !== undefined ? { url: info.url } : {}),
        ...(info.title !== undefined ? { title: info.title } : {}),
        complete: info.status === 'complete',
      },
      { ...(tab.url ? { url: tab.url } : {}), ...(tab.title ? { title: tab.title } : {}), incognito: tab.incognito },
    );
  };
  if (IS_FIREFOX) {
    browser.tabs.onUpdated.addListener(handler, { properties: ['url', 'title', 'status'] });
  } else {
    browser.tabs.onUpdated.addListener(handler);
  }
}

/** The ids of every open tab (ids are unique while the browser runs, as long as storage.session lives). */
export async function openTabIds(): Promise<number[]> {
  return (await browser.tabs.query({})).map((t) => t.id).filter((id): id is number => id !== undefined);
}

export interface WebTab extends TabInfo {
  id: number;
  url: string;
  /** When the visitor last looked at the tab (epoch ms; the active tab of a window counts as now). */
  lastAccessed?: number;
  /** Unloaded by the browser to save memory: nothing runs in it until it is shown again. */
  discarded?: true;
}

/** Every open tab showing a web page (http, https), with its address, title and load status. */
export async function webTabs(): Promise<WebTab[]> {
  const tabs = await browser.tabs.query({ url: ['http://*/*', 'https://*/*'] });
  return tabs.flatMap((t) =>
    t.id === undefined || !t.url
      ? []
      : [
          {
            id: t.id,
            url: t.url,
            incognito: t.incognito,
            ...(t.title ? { title: t.title } : {}),
            ...(t.status ? { status: t.status } : {}),
            ...(t.active
              ? { lastAccessed: Number.MAX_SAFE_INTEGER }
              : typeof t.lastAccessed === 'number'
                ? { lastAccessed: t.lastAccessed }
                : {}),
            ...(t.discarded ? { discarded: true as const } : {}),
          },
        ],
  );
}

export function onTabRemoved(listener: (tabId: number) => void): void {
  browser.tabs.onRemoved.addListener((tabId) => listener(tabId));
}

/** Reloads a tab; a tab that is gone is `false`, not an error. */
export async function reloadTab(tabId: number, bypassCache = false): Promise<boolean> {
  try {
    await browser.tabs.reload(tabId, { bypassCache });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the tab still shows `url` (fragment aside) and is not on its way to another page: a
 * page the visitor has left is never loaded again by itself (Chrome builds learn that the tab
 * moved on only once the new page has loaded).
 */
export async function stillShowsPage(tabId: number, url: string): Promise<boolean> {
  try {
    const tab = await browser.tabs.get(tabId);
    const pending = (tab as { pendingUrl?: string }).pendingUrl;
    return Boolean(tab.url && samePage(tab.url, url) && (!pending || samePage(pending, url)));
  } catch {
    return false;
  }
}

/**
 * Loads a failed page again without ever resending a form. Chrome builds do not always know
 * whether the failed request was a POST (webNavigation does not say), so they load it with a fresh
 * GET navigation, never `tabs.reload`, which replays whatever the request was. Firefox knows the
 * method of every page (webRequest), and its callers only get here for a GET: a reload, which can
 * bypass the cache. A URL with a fragment would only scroll the error page: it is loaded without
 * the fragment (the server never sees one anyway), then the fragment is set on the fresh page.
 */
export async function reopenTab(tabId: number, url: string, { bypassCache = false } = {}): Promise<boolean> {
  if (DETECTION === 'webRequest') return reloadTab(tabId, bypassCache);
  const hash = url.indexOf('#');
  if (hash < 0) return navigateTab(tabId, url);
  const bare = url.slice(0, hash);
  if (!(await navigateTab(tabId, bare))) return false;
  if (await loaded(tabId, bare, REOPEN_FRAGMENT_WAIT_MS)) await navigateTab(tabId, url);
  return true;
}

const REOPEN_FRAGMENT_WAIT_MS = 15_000;

async function navigateTab(tabId: number, url: string): Promise<boolean> {
  try {
    await browser.tabs.update(tabId, { url });
    return true;
  } catch {
    return false;
  }
}

/** Resolves `true` once the tab completed loading `url` (fragment aside), `false` if it did not within `ms` or went elsewhere. */
function loaded(tabId: number, url: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (value: boolean): void => {
      cancel(timer);
      browser.tabs.onUpdated.removeListener(listener);
      resolve(value);
    };
    const listener = (id: number, info: Tabs.OnUpdatedChangeInfoType, tab: Tabs.Tab): void => {
      if (id !== tabId || info.status !== 'complete') return;
      done(typeof tab.url === 'string' && tab.url.split('#')[0] === url);
    };
    const timer = after(ms, () => done(false));
    browser.tabs.onUpdated.addListener(listener);
  });
}

/** Whether the tab is the one shown in its window (the one the visitor is looking at there). */
export async function isTabActive(tabId: number): Promise<boolean> {
  try {
    return (await browser.tabs.get(tabId)).active;
  } catch {
    return false;
  }
}

/** The visitor switched to a tab. */
export function onTabActivated(listener: (tabId: number) => void): void {
  browser.tabs.onActivated.addListener((info) => listener(info.tabId));
}

export async function isTabInForeground(tabId: number): Promise<boolean> {
  try {
    const tab = await browser.tabs.get(tabId);
    if (!tab.active) return false;
    // Firefox for Android has no windows API (and one window): its active tab is the one in front.
    if (!(browser as { windows?: unknown }).windows) return true;
    const window = await browser.windows.get(tab.windowId!);
    return window.focused;
  } catch {
    return false;
  }
}

export async function focusTab(tabId: number): Promise<void> {
  try {
    const tab = await browser.tabs.update(tabId, { active: true });
    if (tab?.windowId !== undefined && (browser as { windows?: unknown }).windows)
      await browser.windows.update(tab.windowId, { focused: true });
  } catch {
    // closed in the meantime: nothing to focus
  }
}

/** A new tab in front, showing `url` (a watched site that is back). */
export async function openTab(url: string): Promise<void> {
  await browser.tabs.create({ url, active: true });
}
