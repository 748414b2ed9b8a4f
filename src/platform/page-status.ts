/**
 * Chrome builds: the status read of every top-level page (page-status.content.ts), registered as
 * a content script so it runs where the browser already runs extension scripts, with no worker
 * wake-up for healthy pages. Registered at run time rather than in the manifest because crxjs
 * turns manifest content scripts into a loader that imports the module from a web-accessible
 * resource (which any page could probe); the `?iife` build is one self-contained file.
 */
import { browser, type Runtime } from './browser';
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

export interface PageStatus {
  tabId: number;
  url: string;
  status: number;
  time: number;
}

/**
 * Whether a message comes from our status read in a tab's top-level, active document: our own
 * extension id (web pages cannot send to it), a tab, frame 0, a web address, not a prerendered
 * or cached document. The tab and the address are the browser's, not the message's.
 */
export function pageStatusFrom(message: unknown, sender: Runtime.MessageSender): PageStatus | undefined {
  if (sender.id !== browser.runtime.id) return undefined;
  const m = message as { type?: unknown; status?: unknown } | null;
  if (!m || typeof m !== 'object' || m.type !== 'page-status') return undefined;
  const status = m.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 500 || status > 599) return undefined;
  const tabId = sender.tab?.id;
  if (tabId === undefined || sender.frameId !== 0 || typeof sender.url !== 'string' || !/^https?:/i.test(sender.url)) return undefined;
  const lifecycle = (sender as { documentLifecycle?: unknown }).documentLifecycle;
  if (lifecycle !== undefined && lifecycle !== 'active') return undefined;
  return { tabId, url: sender.url, status, time: Date.now() };
}
