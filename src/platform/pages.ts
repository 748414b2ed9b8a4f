import { browser } from './native';

/** The extension's own pages, opened from its UI (the popup's gear, the history link). */
export async function openSettings(): Promise<void> {
  await browser.runtime.openOptionsPage();
}

export async function openExtensionPage(path: string): Promise<void> {
  await browser.tabs.create({ url: browser.runtime.getURL(path) });
}
