import { browser } from './browser';
// crxjs builds the panel as a standalone IIFE file and gives its name; nothing is declared in the
// manifest, so healthy pages never get a content script.
import panelFile from '../panel/inject.ts?iife';

/** Injects the panel into a failing tab's top frame. Browser-owned error pages refuse it: `false`. */
export async function injectPanel(tabId: number): Promise<boolean> {
  try {
    await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [panelFile] });
    return true;
  } catch {
    return false;
  }
}


/** The full guide: the popup page, opened in a tab for the failing tab. */
export async function openGuide(tabId: number): Promise<void> {
  const tab = await browser.tabs.get(tabId);
  await browser.tabs.create({ url: browser.runtime.getURL(`src/popup/index.html?tab=${tabId}`), index: (tab.index ?? 0) + 1, ...(tab.windowId !== undefined ? { windowId: tab.windowId } : {}) });
}
