import type { PopupState } from '../../protocol/messages';
import { describeUrl } from '../../core/net/url';
import { request } from '../../platform/message-client';
import { activeTab, getTab, inPrivateWindow, type TabInfo } from '../../platform/tab-info';
import { platformOs } from '../../platform/browser-info';
import { crowdChoiceItem } from '../../core/crowd/stored';
import type { CrowdChoice } from '../../model/crowd';

/** What the popup shows: the worker's answer (PopupState) and the tab's own facts. */
export interface State extends PopupState {
  tabId?: number;
  os: string;
  isWeb: boolean;
  /** The tab is in a private window (some steps are not offered there). */
  incognito?: boolean;
  /** The crowd opt-in as stored (read here: the popup offers it and writes the answer itself). */
  crowd: CrowdChoice;
}

/**
 * Opened from the address bar (`down example.com`) or the context menu: the site to check, a host
 * name (253 at most) or with `http://` and a port too (siteFrom in background/diagnosis/check-any.ts).
 */
export const CHECK_HOST = new URLSearchParams(location.search).get('check')?.slice(0, 300) || undefined;

/** What this page keeps across redraws (the popup redraws whenever what it shows changes in storage). */
export const page = {
  confirmResubmit: false,
  /** What is typed in "check any site". */
  typedHost: CHECK_HOST ?? '',
  /** What was last checked, as typed (keeps an `http://` or a port the host name alone would lose). */
  checkedInput: CHECK_HOST ?? '',
  /** In a private window (of the tab shown, or this page's own): "check any site" and its watch are that window kind's own. */
  inPrivate: false,
  /** Which folds the visitor opened. */
  openFolds: new Set<string>(),
};

/** What the views may ask of the entry: load and redraw everything, or redraw what is loaded. */
export interface Actions {
  refresh(): Promise<void>;
  redraw(): Promise<void>;
}

/** The popup shows the active tab; opened as the full guide in a tab of its own, the tab named in `?tab=`. */
async function targetTab(): Promise<(TabInfo & { id: number }) | undefined> {
  if (CHECK_HOST) return undefined;
  const wanted = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(wanted) && wanted > 0) {
    const tab = await getTab(wanted);
    return tab ? { ...tab, id: wanted } : undefined;
  }
  return activeTab();
}

/** What the popup shows: the tab from the browser, the rest from the worker, read and validated there in one request. */
export async function load(): Promise<State> {
  const tab = await targetTab();
  const info = tab?.url ? describeUrl(tab.url) : undefined;
  const isWeb = info ? info.ok && info.isWeb : true;
  page.inPrivate = tab ? tab.incognito : await inPrivateWindow();
  const [os, crowd, stored] = await Promise.all([
    platformOs(),
    // Storage's owner knows every record: asked for beside the worker's answer, it stays out of the first script.
    import('../../platform/store').then((store) => store.read(crowdChoiceItem)),
    request('popup-state', { ...(tab ? { tabId: tab.id } : {}), checked: page.checkedInput, private: page.inPrivate }),
  ]);
  return { ...stored, os, isWeb, crowd, ...(tab ? { tabId: tab.id, incognito: tab.incognito } : {}) };
}

/** A web page without an incident may still be an error page the title did not give away (Chrome builds). */
export async function inspectOnce(state: State): Promise<void> {
  if (CHECK_HOST) {
    await request('check-site', { host: CHECK_HOST, private: page.inPrivate });
    return;
  }
  if (state.incident || state.tabId === undefined || !state.isWeb) return;
  await request('inspect-tab', { tabId: state.tabId }); // an incident it finds redraws through storage
}
