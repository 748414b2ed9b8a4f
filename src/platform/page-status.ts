/**
 * Chrome builds read each page's status with `scripting.executeScript` once the page has loaded
 * (background/detect/chrome.ts); nothing is declared or registered for pages. Earlier builds
 * registered a status-read content script at run time under this id (scripting.registerContentScripts,
 * persisted across sessions and kept over an update): that registration is removed, so that no
 * page runs a script this version no longer ships.
 */
import { browser } from './browser';

const LEGACY_SCRIPT_ID = 'downcheck-page-status';

/** Removes the run-time registration an older version left behind, if any. */
export async function unregisterLegacyPageStatus(): Promise<void> {
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [LEGACY_SCRIPT_ID] });
  if (existing.length > 0) await browser.scripting.unregisterContentScripts({ ids: [LEGACY_SCRIPT_ID] });
}
