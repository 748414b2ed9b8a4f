import { browser } from './browser';

/**
 * "Check any site" from outside the popup: the address bar keyword (`down example.com`) and a
 * context-menu item on pages and links. The keyboard shortcut needs no code: the manifest's
 * `_execute_action` command opens the popup.
 */
const MENU_ID = 'downcheck-check-site';

export function onOmniboxEntered(listener: (text: string) => void): void {
  browser.omnibox.onInputEntered.addListener((text) => listener(text));
}

/** Created on install and update (menus persist across worker restarts). */
export async function createCheckMenu(title: string): Promise<void> {
  await browser.contextMenus.removeAll();
  browser.contextMenus.create({ id: MENU_ID, title, contexts: ['page', 'link'], documentUrlPatterns: ['http://*/*', 'https://*/*'] });
}

export function onCheckMenuClicked(listener: (url: string | undefined) => void): void {
  browser.contextMenus.onClicked.addListener((info) => {
    if (info.menuItemId === MENU_ID) listener(info.linkUrl ?? info.pageUrl);
  });
}

/** The popup page, in a tab, checking `site` (a host name, or what the popup's field would take). */
export async function openCheckPage(site: string): Promise<void> {
  await browser.tabs.create({ url: browser.runtime.getURL(`src/popup/index.html?check=${encodeURIComponent(site)}`) });
}
