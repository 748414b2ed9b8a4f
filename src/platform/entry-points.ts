import { browser } from './browser';

/**
 * "Check any site" from outside the popup: the address bar keyword (`down example.com`) and a
 * context-menu item on pages and links. The keyboard shortcut needs no code: the manifest's
 * `_execute_action` command opens the popup.
 *
 * Firefox for Android has no context menus, address-bar keyword or keyboard shortcuts: where an
 * API is missing its entry point is left out, without an error (the popup's field remains).
 */
const MENU_ID = 'downcheck-check-site';

type Menus = typeof browser.contextMenus;
type Omnibox = typeof browser.omnibox;
/** Read at each call, never at import: the worker's other listeners must register whatever is missing. */
const optional = (): { contextMenus?: Menus; omnibox?: Omnibox } => browser as unknown as { contextMenus?: Menus; omnibox?: Omnibox };

export function onOmniboxEntered(listener: (text: string) => void): void {
  optional().omnibox?.onInputEntered.addListener((text) => listener(text));
}

/** Created on install and update (menus persist across worker restarts). */
export async function createCheckMenu(title: string): Promise<void> {
  const menus = optional().contextMenus;
  if (!menus) return;
  await menus.removeAll();
  menus.create({ id: MENU_ID, title, contexts: ['page', 'link'], documentUrlPatterns: ['http://*/*', 'https://*/*'] });
}

export function onCheckMenuClicked(listener: (url: string | undefined) => void): void {
  optional().contextMenus?.onClicked.addListener((info) => {
    if (info.menuItemId === MENU_ID) listener(info.linkUrl ?? info.pageUrl);
  });
}

/** The popup page, in a tab, checking `site` (a host name, or what the popup's field would take). */
export async function openCheckPage(site: string): Promise<void> {
  await browser.tabs.create({ url: browser.runtime.getURL(`src/popup/index.html?check=${encodeURIComponent(site)}`) });
}
