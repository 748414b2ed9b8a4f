/**
 * Chrome builds: the status read of every top-level page (page-status.content.ts) is declared in
 * the manifest (scripts/manifest.ts), so the browser runs it from the moment Downcheck is
 * installed. Earlier builds registered it at run time under this id (scripting.registerContentScripts,
 * persisted across sessions and kept over an update): that registration is removed, so that no
 * page runs the script twice.
 */
import { browser } from './browser';

const LEGACY_SCRIPT_ID = 'downcheck-page-status';

/** Removes the run-time registration an older version left behind, if any. */
export async function unregisterLegacyPageStatus(): Promise<void> {
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [LEGACY_SCRIPT_ID] });
  if (existing.length > 0) await browser.scripting.unregisterContentScripts({ ids: [LEGACY_SCRIPT_ID] });
}
