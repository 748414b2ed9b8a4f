/**
 * The one message protocol between extension pages (popup, options), the in-page panel and the
 * background. Each request's response type is declared here once; errors travel back as
 * `{ ok: false, error }`. The panel runs inside a web page: its requests carry no tab id (the
 * background takes it from the sender, never from the message) and only a few types are allowed.
 */
import type { Consent, SitePolicy } from '../model/settings';
import type { GuideMarks } from '../model/tab';
import type { VerdictKind } from '../model/verdict';
import { HOST_MARK } from '../model/panel';
import type { DiagnosisRecord } from '../model/diagnosis';
import type { Incident } from '../model/incident';
import type { Msg } from '../model/message-text';
import type { Recovery, RetryRecord, WatchRecord } from '../model/retry';

/** What other Downcheck users see, as the panel shows it: the popup's short line (core/present/crowd.ts crowdShort). */
export interface PanelCrowdRow {
  words: Msg[];
  asOf?: number;
}

export interface PanelState {
  tabId: number;
  incident?: Incident;
  retry?: RetryRecord;
  hidden: boolean;
  os: string;
  browser: 'chrome' | 'firefox';
  /** This incident's diagnosis so far, for the panel's verdict line (and the crowd's row, with the opt-in). */
  diagnosis?: { verdict: VerdictKind; done: boolean; outside: boolean; crowd?: PanelCrowdRow };
}

/**
 * What the popup shows, read and validated by the worker in one request: the popup does not load
 * the storage layer and its validators (the popup's script stays small), and opens after
 * one round trip instead of six storage reads one after the other.
 */
export interface PopupState {
  consent: Consent;
  /** "Check any site": the last check. */
  siteCheck?: DiagnosisRecord;
  /** "Tell me when it's back" for the checked site, if asked for. */
  watch?: WatchRecord;
  /** The rest is about the tab asked for (none: the popup was opened to check a site). */
  incident?: Incident;
  retry?: RetryRecord;
  recovery?: Recovery;
  /** This incident's diagnosis (one of an earlier incident of the tab is left out). */
  diagnosis?: DiagnosisRecord;
  /** The visitor's auto-retry choice for the incident's site. */
  policy: SitePolicy;
  /** The visitor said "not now" to the consent question for this incident: it is not asked again. */
  consentDeclined: boolean;
  guideMarks: GuideMarks;
  /** Every storage key read for this answer, absent ones included: the popup asks again when one changes. */
  readFrom: string[];
}

export interface WorkerStats {
  timersPending: number;
}

export interface Requests {
  'retry-now': { request: { tabId: number }; response: { started: boolean } };
  'stop-retry': { request: { tabId: number }; response: { stopped: boolean } };
  'start-retry': { request: { tabId: number }; response: { started: boolean } };
  resubmit: { request: { tabId: number }; response: { reloaded: boolean } };
  'site-policy': {
    /** `tabId`: the tab the choice was made for; from a private window the choice is not saved (it would outlive the session). */
    request: { host: string; policy: SitePolicy; tabId?: number };
    response: { policy: SitePolicy; saved: boolean };
  };
  /** `needsConfirmation`: the page was not loaded again because it is a form's answer (or its method is unknown). */
  'clear-site-data': {
    request: { tabId: number; cookies: boolean };
    response: { cleared: string[]; cacheLimitedToSite: boolean; reloaded: boolean; needsConfirmation: boolean };
  };
  'open-url': { request: { tabId: number; url: string }; response: { opened: boolean } };
  /** Run every check the visitor has consented to, now. */
  diagnose: { request: { tabId: number }; response: { started: boolean } };
  /**
   * The popup opened on a tab without an incident: Chrome builds read a page loaded before the
   * extension's status read was registered (installed or updated since) now, on the visitor's request.
   */
  'inspect-tab': { request: { tabId: number }; response: { found: boolean } };
  /** "Check any site": a host name typed in the popup; `private`: in a private window (its result is that window kind's own). */
  'check-site': { request: { host: string; private?: boolean }; response: { started: boolean } };
  /** "Tell me when it's back" for a checked site (the host or address as typed or checked), and its undoing. */
  'watch-site': { request: { host: string; private?: boolean }; response: { watching: boolean } };
  'unwatch-site': { request: { host: string }; response: { stopped: boolean } };
  /**
   * The popup's state for a tab (or none); `checked`: the site last checked in this popup as typed,
   * which names the watch to show (a typed `http://` or port the host name alone would lose).
   */
  'popup-state': { request: { tabId?: number; checked?: string; private?: boolean }; response: PopupState };
  /** Consent given or changed in the popup (the first-run and settings pages write their own). */
  'set-consent': { request: { consent: Consent }; response: { saved: boolean } };
  /** "Not now" to the popup's consent question, for this incident of the tab. */
  'consent-not-now': { request: { tabId: number; incidentTime: number }; response: { saved: boolean } };
  /** The worker's own figures, for the soak (test/soak): timers set and neither fired nor cancelled. */
  'worker-stats': { request: object; response: WorkerStats };
  'panel-state': { request: Record<string, never>; response: PanelState };
  'panel-retry-now': { request: Record<string, never>; response: { started: boolean } };
  'panel-stop-retry': { request: Record<string, never>; response: { stopped: boolean } };
  'panel-hide-site': { request: Record<string, never>; response: { hidden: boolean } };
  'panel-open-guide': { request: Record<string, never>; response: { opened: boolean } };
  /**
   * Chrome builds: the page's title changed within seconds of its load (the status read's isolated
   * world watches it; platform/navigation.ts readInPage). The tab and address come from the browser.
   */
  'page-title': { request: { title: string }; response: { judged: boolean } };
  /** The panel's host name, for a user-origin style sheet that keeps it visible whatever the page's CSS says. */
  /** `name`: the random attribute that marks the panel's host (HOST_MARK). */
  'panel-style': { request: { name: string; on: boolean }; response: { styled: boolean } };
}

export type RequestType = keyof Requests;
/** A `page-title` message's title, at most (the page side cuts it to 300 characters). */
export const PAGE_TITLE_LIMIT = 1024;
export type Message = { [T in RequestType]: { type: T } & Requests[T]['request'] }[RequestType];
export type PanelMessage = Extract<Message, { type: `panel-${string}` }>;
export type Reply<T extends RequestType> = { ok: true; value: Requests[T]['response'] } | { ok: false; error: string };

const TAB_TYPES: ReadonlySet<string> = new Set([
  'retry-now',
  'stop-retry',
  'start-retry',
  'resubmit',
  'clear-site-data',
  'open-url',
  'diagnose',
  'inspect-tab',
  'consent-not-now',
]);
export const PANEL_TYPES: ReadonlySet<string> = new Set([
  'panel-state',
  'panel-retry-now',
  'panel-stop-retry',
  'panel-hide-site',
  'panel-open-guide',
  'panel-style',
]);

/** Shape check for anything arriving on the message channel: a malformed message is refused, not trusted. */
export function isMessage(value: unknown): value is Message {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  if (typeof m.type !== 'string') return false;
  const privateOk = m.private === undefined || typeof m.private === 'boolean';
  if (m.type === 'check-site' || m.type === 'watch-site' || m.type === 'unwatch-site')
    return typeof m.host === 'string' && m.host.length > 0 && m.host.length <= 255 && privateOk;
  if (m.type === 'site-policy')
    return (
      typeof m.host === 'string' &&
      m.host.length <= 255 &&
      ['always', 'never', 'default'].includes(m.policy as string) &&
      (m.tabId === undefined || (typeof m.tabId === 'number' && Number.isInteger(m.tabId) && m.tabId >= 0))
    );
  if (m.type === 'worker-stats') return true;
  if (m.type === 'popup-state')
    return (
      (m.tabId === undefined || (typeof m.tabId === 'number' && Number.isInteger(m.tabId) && m.tabId >= 0)) &&
      (m.checked === undefined || (typeof m.checked === 'string' && m.checked.length <= 2048)) &&
      privateOk
    );
  // Any object: the worker keeps only what validateConsent recognises.
  if (m.type === 'set-consent') return typeof m.consent === 'object' && m.consent !== null && !Array.isArray(m.consent);
  if (m.type === 'page-title') return typeof m.title === 'string' && m.title.length <= PAGE_TITLE_LIMIT;
  if (m.type === 'panel-style') return typeof m.name === 'string' && HOST_MARK.test(m.name) && typeof m.on === 'boolean';
  if (!TAB_TYPES.has(m.type)) return PANEL_TYPES.has(m.type);
  const tabOk = typeof m.tabId === 'number' && Number.isInteger(m.tabId) && m.tabId >= 0;
  if (m.type === 'clear-site-data') return tabOk && typeof m.cookies === 'boolean';
  if (m.type === 'consent-not-now') return tabOk && typeof m.incidentTime === 'number' && Number.isFinite(m.incidentTime);
  // Only web pages and the browser's own settings pages the guide links to: never javascript: or data:.
  if (m.type === 'open-url')
    return tabOk && typeof m.url === 'string' && m.url.length < 2048 && /^(https?:\/\/|chrome:\/\/settings\/)/.test(m.url);
  return tabOk;
}

export const isPanelMessage = (m: Message): m is PanelMessage => PANEL_TYPES.has(m.type);
