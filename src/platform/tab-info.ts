/** Reading a tab: what the popup needs (platform/tabs.ts holds the background's tab handling and re-exports these). */
import { browser } from './native';

export interface TabInfo {
  url?: string;
  title?: string;
  incognito: boolean;
  /** `complete` once the tab's document has loaded. */
  status?: string;
}

/** A tab that no longer exists (closed mid-check) is `undefined`, not an error. */
export async function getTab(tabId: number): Promise<TabInfo | undefined> {
  try {
    const tab = await browser.tabs.get(tabId);
    return {
      ...(tab.url ? { url: tab.url } : {}),
      ...(tab.title ? { title: tab.title } : {}),
      incognito: tab.incognito,
      ...(tab.status ? { status: tab.status } : {}),
    };
  } catch {
    return undefined;
  }
}

export async function activeTab(): Promise<(TabInfo & { id: number }) | undefined> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (!tab || tab.id === undefined) return undefined;
  return { id: tab.id, ...(tab.url ? { url: tab.url } : {}), ...(tab.title ? { title: tab.title } : {}), incognito: tab.incognito };
}

/** Whether this page (the popup, or a check page in a tab) is in a private window; unknown counts as private. */
export async function inPrivateWindow(): Promise<boolean> {
  try {
    return (await browser.windows.getCurrent()).incognito;
  } catch {
    return true;
  }
}
