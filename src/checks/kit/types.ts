/**
 * The diagnosis checks: each one asks one source of evidence ("does the site answer me now?",
 * "am I online?", "what do public resolvers say?", "can outside vantage points reach it?", ...)
 * and returns typed evidence with a one-line, localisable summary. A check never throws and never
 * hangs: anything odd (a slow, huge, malformed or erroring answer) becomes "no evidence".
 *
 * Only the host (and, for vantage checks, the origin: scheme, host, port) of the failing page may
 * ever leave the browser; never its path or query.
 */
import type { Incident } from '../../model/incident';
import type { CheckId, Evidence } from '../../model/evidence';
import type { RateLimiter } from './limits';
import type { BucketRead, ProvidersRead } from '../../core/crowd/read';
import type { LastRead } from '../../core/crowd/should-report';

// ── checks ──────────────────────────────────────────────────────────────────────────────────

export interface ConnectivityEndpoint {
  url: string;
  /** The status this endpoint always answers with (`generate_204` → 204). */
  expectStatus: number;
  /** Text its body always contains, checked on at most 4 KB. */
  expectBody?: string;
}

export interface DohResolver {
  /** Display name: `Cloudflare`. */
  name: string;
  /** Full JSON-API URL without query: `https://cloudflare-dns.com/dns-query`. */
  url: string;
}

/** Where the outside sources live; tests point every one of them at a local server. */
export interface Endpoints {
  connectivity: readonly ConnectivityEndpoint[];
  doh: readonly DohResolver[];
  /** `https://check-host.net`; `null` leaves that vantage source out. */
  checkHost: string | null;
  /** `https://api.globalping.io`; `null` leaves that vantage source out. */
  globalping: string | null;
  /** Registrable domain → Statuspage base URL (`github.com` → `https://www.githubstatus.com`). */
  statusPages: Readonly<Record<string, string>>;
  /** `https://status.{domain}`; `null` turns discovery off. */
  statusPageDiscovery: string | null;
  /** `https://archive.org` */
  wayback: string;
}

/**
 * The crowd service, given to the diagnosis only when the visitor opted in (and, in Firefox, granted
 * "browsing activity") and the tab is not in a private window: without it the crowd check asks nobody.
 */
export interface CrowdAccess {
  /** One bucket by the host key's 3-digit prefix; `undefined` when there is no usable answer. Cached as the service says. */
  readBucket(prefix: string, signal: AbortSignal): Promise<BucketRead | undefined>;
  readProviders(signal: AbortSignal): Promise<ProvidersRead | undefined>;
  /** What the read said of this host (the reporting rule "a widespread host gets no more reports" uses it). */
  onRead?(read: LastRead): void;
}

export interface CheckContext {
  /** Hostname of the failing page (lower-case, punycode, IPv6 in brackets). The only thing outside checks send. */
  host: string;
  /** Origin of the failing page: `https://shop.example:8443`. */
  origin: string;
  /** The failing URL. Never sent anywhere: only its host / origin may be. */
  url: string;
  incident?: Incident;
  /**
   * What the browser already knows about being online (no request needed): `navigator.onLine`,
   * and how long ago another site answered a page load (within the last minute), if one did.
   */
  browser?: { online: boolean; otherSiteAnsweredAgoMs?: number };
  /** Address the browser connected to (webRequest `ip`); defaults to `incident.ip`. */
  browserIp?: string;
  fetch: typeof fetch;
  endpoints: Endpoints;
  /** Epoch milliseconds (injectable for tests). */
  now: () => number;
  /** Firefox `dns.resolve` (addresses only), injected by the platform layer; absent in Chrome. */
  resolveDns?: (host: string) => Promise<string[]>;
  /** `now()` time by which the check must have answered; set by runChecks. */
  deadlineAt?: number;
  /** Shared request budget per outside service; see limits.ts. */
  limiter?: RateLimiter;
  /**
   * Interim evidence, for checks that hear from several sources at different times (vantage):
   * shown at once, replaced by the check's final evidence. Set by runChecks.
   */
  report?: (interim: Evidence) => void;
  /** The crowd service, only with the visitor's crowd opt-in (see CrowdAccess). */
  crowd?: CrowdAccess;
}

export interface Check {
  id: CheckId;
  /** It tells a third party which site the user visits: runs only with the user's consent. */
  needsConsent: boolean;
  /** Runs only with its own opt-in, carried in the context (`ctx.crowd`); private hosts never, like consented checks. */
  optIn?: 'crowd';
  run(ctx: CheckContext, signal: AbortSignal): Promise<Evidence>;
}
