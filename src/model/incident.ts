/**
 * The incident model shared by every context (background, popup, panel, tests).
 * Produced only by `src/core/incident/classify.ts`; stored per tab in `storage.session`
 * under `incident:<tabId>` and, for non-incognito tabs, appended to the
 * bounded history in `storage.local` under `history`.
 */
import type { Msg } from './message-text';
import type { HistoryVerdictId } from './verdict';

/** Network failures normalised across browsers (Chrome `net::ERR_*`, Firefox `NS_ERROR_*`). */
export const NET_ERROR_CATEGORIES = ['dns', 'refused', 'reset', 'timed-out', 'tls', 'offline', 'other'] as const;
export type NetErrorCategory = (typeof NET_ERROR_CATEGORIES)[number];

/** Who most likely broke: the site's own server, its gateway/CDN, DNS, or the visitor's side. */
export type Fault = 'origin' | 'gateway' | 'dns' | 'you' | 'unknown';

export type Severity = 'critical' | 'warning';

/** The platforms a failing answer's headers can name (core/incident/fingerprint.ts). */
export const PLATFORM_IDS = [
  'cloudflare',
  'cloudfront',
  'alb',
  'fastly',
  'akamai',
  'varnish',
  'nginx',
  'apache',
  'google',
  'azure-front-door',
  'vercel',
  'netlify',
  'heroku',
] as const;
export type PlatformId = (typeof PLATFORM_IDS)[number];

export interface Platform {
  id: PlatformId;
  /** Human name, not translated (brand). */
  name: string;
  /** Data centre / POP code when the headers reveal it (Cloudflare `FRA`, CloudFront `FRA56-P5`). */
  pop?: string;
}

export interface SupportReference {
  /**
   * Header or body marker it came from: `cf-ray`, `x-amz-cf-id`, `akamai-reference`, `x-vercel-id`,
   * `x-nf-request-id`, `x-azure-ref`, `x-served-by`.
   */
  kind: string;
  value: string;
}

/** What the background observed, before classification. All fields come from the browser and are untrusted-ish. */
export type Observation =
  | {
      kind: 'http';
      url: string;
      status: number;
      /** Raw response headers as the browser reports them (may be duplicated, huge, missing values). */
      headers?: ReadonlyArray<{ name: string; value?: string }>;
      ip?: string;
      /** The browser reached the site through a proxy (Firefox reports it): the proxy resolved its name. */
      proxied?: boolean;
      method?: string;
      /** Set when the headers came from a re-probe right after the failure (Chrome builds), not from the response itself. */
      reprobe?: Reprobe;
      time: number;
    }
  | { kind: 'network'; url: string; error: string; method?: string; proxied?: boolean; time: number }
  | { kind: 'soft'; url: string; title: string; time: number };

export interface Incident {
  kind: Observation['kind'];
  url: string;
  /** Hostname (lower-case, IDN in punycode as the URL parser gives it; IPv6 in brackets). */
  host: string;
  /** HTTP status (for `soft`, the code read from the title). */
  status?: number;
  netError?: NetErrorCategory;
  /** The browser's raw error string, kept for the support report. */
  rawError?: string;
  /** Plain-words meaning, e.g. { key: 'meaning_502' }. */
  meaning: Msg;
  /** One-line explanation of which link failed, e.g. { key: 'fault_cloudflare_522' }. */
  explanation: Msg;
  severity: Severity;
  retryable: boolean;
  fault: Fault;
  platform?: Platform;
  reference?: SupportReference;
  /** Raw Retry-After header value, if any (parsed later by the retry policy). */
  retryAfter?: string;
  /** Allowlisted, lower-cased, size-limited diagnostic headers. */
  headers: Record<string, string>;
  /** Address the browser connected to, when known. */
  ip?: string;
  /** Reached through a proxy: the browser's own name lookup is not how it got there (Firefox builds). */
  proxied?: true;
  /**
   * Chrome builds do not see the failing response's own headers: `headers` (and `platform`,
   * `reference`, `retryAfter`) then come from this one re-probe, sent right after the failure.
   */
  reprobe?: Reprobe;
  method: string;
  time: number;
  /** Short toolbar badge text: status code or a label such as `DNS`. */
  badge: string;
  /** History entries only: how and when the incident ended (absent: still down, or not known, e.g. 0.1.0 entries). */
  end?: IncidentEnd;
  /**
   * History entries only: the verdict of its latest finished diagnosis, as said to the visitor
   * (core/present/verdict-text.ts historyVerdictId; absent: none finished, or an older entry).
   */
  verdict?: HistoryVerdictId;
}

/** How an incident ended: the site came back by itself (auto-retry), the visitor retried by hand, or Downcheck gave up. */
export interface IncidentEnd {
  how: 'came-back' | 'retried' | 'gave-up';
  /** When (epoch ms), never before the incident. */
  at: number;
}

/** The answer of a re-probe: its status, whether it was redirected, and when it came (epoch ms). */
export interface Reprobe {
  status: number;
  redirected: boolean;
  at: number;
}
