import { browser, DETECTION, IS_FIREFOX, type Tabs } from './browser';

export interface TabChange {
  url?: string;
  title?: string;
  complete: boolean;
}

export interface TabInfo {
  url?: string;
  title?: string;
  incognito: boolean;
  /** `complete` once the tab's document has loaded. */
  status?: string;
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

export function onTabRemoved(listener: (tabId: number) => void): void {
  browser.tabs.onRemoved.addListener((tabId) => listener(tabId));
}

/** A tab that no longer exists (closed mid-check) is `undefined`, not an error. */
export async function getTab(tabId: number): Promise<TabInfo | undefined> {
  try {
    const tab = await browser.tabs.get(tabId);
    return { ...(tab.url ? { url: tab.url } : {}), ...(tab.title ? { title: tab.title } : {}), incognito: tab.incognito, ...(tab.status ? { status: tab.status } : {}) };
  } catch {
    return undefined;
  }
}

export async function activeTab(): Promise<(TabInfo & { id: number }) | undefined> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (!tab || tab.id === undefined) return undefined;
  return { id: tab.id, ...(tab.url ? { url: tab.url } : {}), ...(tab.title ? { title: tab.title } : {}), incognito: tab.incognito };
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
 * Loads a failed page again as a fresh GET navigation, which can never resend a form (a reload
 * replays whatever the failed request was; Chrome builds do not always know whether that was a
 * POST). A URL with a fragment would only scroll, so such a tab is reloaded instead.
 */
export async function reopenTab(tabId: number, url: string): Promise<boolean> {
  if (DETECTION === 'webRequest' || url.includes('#')) return reloadTab(tabId);
  try {
    await browser.tabs.update(tabId, { url });
    return true;
  } catch {
    return false;
  }
}

export async function isTabInForeground(tabId: number): Promise<boolean> {
  try {
    const tab = await browser.tabs.get(tabId);
    if (!tab.active) return false;
    const window = await browser.windows.get(tab.windowId!);
    return window.focused;
  } catch {
    return false;
  }
}

export async function focusTab(tabId: number): Promise<void> {
  try {
    const tab = await browser.tabs.update(tabId, { active: true });
    if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true });
  } catch {
    // closed in the meantime: nothing to focus
  }
}
