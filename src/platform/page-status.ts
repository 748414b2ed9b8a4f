/**
 * Chrome builds: the status read of every top-level page (page-status.content.ts), registered as
 * a content script so it runs where the browser already runs extension scripts, with no worker
 * wake-up for healthy pages. Registered at run time rather than in the manifest because crxjs
 * turns manifest content scripts into a loader that imports the module from a web-accessible
 * resource (which any page could probe); the `?iife` build is one self-contained file.
 */
import { browser } from './browser';
import statusFile from './page-status.content.ts?iife';

const SCRIPT_ID = 'downcheck-page-status';

/** Registers the status read unless it already is (registrations persist across sessions, not always across updates). */
export async function registerPageStatus(): Promise<void> {
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
  const script = {
    id: SCRIPT_ID,
    matches: ['http://*/*', 'https://*/*'],
    js: [statusFile],
    runAt: 'document_idle' as const,
    allFrames: false,
    persistAcrossSessions: true,
  };
  if (existing.length === 0) await browser.scripting.registerContentScripts([script]);
  else if (existing[0]?.js?.[0] !== statusFile) await browser.scripting.updateContentScripts([script]);
}
