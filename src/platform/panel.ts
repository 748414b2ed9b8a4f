import { browser } from './browser';
import { hostStyleSheet } from '../core/present/panel-host';
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

/**
 * Keeps the panel's host visible on a page whose CSS (even `* { all: unset !important }`, or the
 * same as an inline style re-applied all the time) hides it: a user-origin style sheet's
 * `!important` beats every author rule, inline ones included. Only the host is styled (by its
 * random mark); what is inside lives in its closed shadow root, and the root element is kept shown
 * while the panel is open. `mark` was checked against HOST_MARK.
 */
export async function stylePanelHost(tabId: number, mark: string, on: boolean): Promise<boolean> {
  const css = hostStyleSheet(mark);
  const target = { tabId, frameIds: [0] };
  try {
    // The same text removes it again when the visitor closes the panel.
    if (on) await browser.scripting.insertCSS({ target, origin: 'USER', css });
    else await browser.scripting.removeCSS({ target, origin: 'USER', css });
    return true;
  } catch {
    return false;
  }
}

/** The full guide: the popup page, opened in a tab for the failing tab. */
export async function openGuide(tabId: number): Promise<void> {
  const tab = await browser.tabs.get(tabId);
  await browser.tabs.create({
    url: browser.runtime.getURL(`src/popup/index.html?tab=${tabId}`),
    index: (tab.index ?? 0) + 1,
    ...(tab.windowId !== undefined ? { windowId: tab.windowId } : {}),
  });
}
