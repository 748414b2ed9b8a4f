/**
 * The report of the status read (page-status.content.ts), as the worker accepts it. Apart from
 * page-status.ts so that the panel's bundle, which shares messaging.ts, does not carry the script.
 */
import { browser, type Runtime } from './browser';
import { plausiblePast } from '../core/validate';

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
  const m = message as { type?: unknown; status?: unknown; time?: unknown } | null;
  if (!m || typeof m !== 'object' || m.type !== 'page-status') return undefined;
  const status = m.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 500 || status > 599) return undefined;
  const tabId = sender.tab?.id;
  if (tabId === undefined || sender.frameId !== 0 || typeof sender.url !== 'string' || !/^https?:/i.test(sender.url)) return undefined;
  const lifecycle = (sender as { documentLifecycle?: unknown }).documentLifecycle;
  if (lifecycle !== undefined && lifecycle !== 'active') return undefined;
  return { tabId, url: sender.url, status, time: reportedTime(m.time, Date.now()) };
}

/** How old a page's answer may be said to be: a failed page is reported within seconds of loading. */
const REPORT_MAX_AGE_MS = 10 * 60_000;

/**
 * When the page's answer arrived, as the status read says (the same in every sending of one
 * report, so a report sent again is recognised); the time of receipt when that is missing or not
 * plausible (in the future, or older than {@link REPORT_MAX_AGE_MS}).
 */
export function reportedTime(time: unknown, now: number): number {
  return plausiblePast(time, now, REPORT_MAX_AGE_MS);
}
