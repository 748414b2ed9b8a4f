/**
 * What the diagnosis found, as core, shared state and the UI read it: one typed piece of evidence
 * per check, each with a one-line, localisable summary. The checks that produce it live in
 * src/checks; these types live here so that pure code never imports from there.
 */
import type { NetErrorCategory } from './incident';
import type { Msg } from './message-text';

export type CheckId = 'reprobe' | 'online' | 'connectivity' | 'gateway' | 'dns' | 'vantage' | 'status-page' | 'archive' | 'crowd';

export const CHECK_IDS: readonly CheckId[] = [
  'reprobe',
  'online',
  'connectivity',
  'gateway',
  'dns',
  'vantage',
  'status-page',
  'archive',
  'crowd',
];

/**
 * Why a check has nothing to say. `not-applicable` is for a check with nothing to look at (the
 * gateway check without an incident, DNS for an IP literal).
 */
export const NO_EVIDENCE_REASONS = [
  'timeout',
  'malformed',
  'too-large',
  'http-error',
  'rate-limited',
  'network',
  'not-consented',
  'private-host',
  'aborted',
  'not-applicable',
] as const;
export type NoEvidenceReason = (typeof NO_EVIDENCE_REASONS)[number];

export interface NoEvidence {
  kind: 'none';
  reason: NoEvidenceReason;
  /** For `rate-limited`: when the source said it will accept requests again (ctx.now() time). */
  retryAt?: number;
}

// ── per-check outcomes ──────────────────────────────────────────────────────────────────────

export type ReprobeOutcome =
  /** The origin answered (any status, after redirects). */
  | { kind: 'answered'; status: number; redirected: boolean; retryAfter?: string }
  /** No HTTP answer at all. */
  | { kind: 'unreachable'; error: 'network' | 'timeout' };

/**
 * What the browser already knows about being online, asking nobody: whether it says it is
 * offline, and when another site last answered a top-level load (core/diagnosis/reachability.ts).
 */
export type OnlineOutcome =
  /** Another site answered a page load this long ago (at most a minute). */
  | { kind: 'online'; agoMs: number }
  /** The browser says it is offline (`navigator.onLine`, or the page failed with "internet disconnected"). */
  | { kind: 'offline' };

/** The connectivity baseline: well-known endpoints asked directly, with the visitor's consent. */
export type ConnectivityOutcome =
  /** A well-known endpoint answered exactly as it always does. */
  | { kind: 'online'; via: string }
  /** Something answered, but not what those endpoints answer: a captive portal or a filtering proxy. */
  | { kind: 'intercepted'; via: string; status: number }
  /** None of them answered at all. */
  | { kind: 'offline'; tried: number };

/**
 * Which link of the chain failed, read from the incident alone:
 * - `gateway-to-origin`: a CDN / load balancer answered you; the site's own server behind it failed;
 * - `origin`: the site's server itself answered with a 5xx;
 * - `origin-dns`: the gateway could not resolve the site's own server (Cloudflare 530);
 * - `name-lookup`: your browser could not resolve the name (yours or the site's DNS: DoH tells);
 * - `refused`: the server's address answered but refused the connection;
 * - `your-connection`: the browser reported being offline;
 * - `path`: timeout, reset or TLS failure somewhere between you and the site.
 */
export type FailedLink = 'gateway-to-origin' | 'origin' | 'origin-dns' | 'name-lookup' | 'refused' | 'your-connection' | 'path';

export interface GatewayOutcome {
  kind: 'link';
  failed: FailedLink;
  /** An HTTP answer came back (so your connection to the site's front door works). */
  siteAnswered: boolean;
  status?: number;
  netError?: NetErrorCategory;
  platform?: string;
  pop?: string;
}

export type Rcode = 'noerror' | 'nxdomain' | 'servfail' | 'refused' | 'other';

export interface ResolverAnswer {
  /** Display name of the resolver: `Cloudflare`, `Google`. */
  resolver: string;
  rcode: Rcode;
  /** A and AAAA addresses, normalised (IPv6 fully expanded, lower-case). */
  addresses: string[];
}

/**
 * What the public resolvers agree on: all that answered resolve the name (`resolves`), all say it
 * does not exist (`nxdomain`), all fail to resolve it (`servfail`, also for REFUSED or a mix of
 * failures), the name exists without addresses (`no-address`), or they disagree (`inconsistent`).
 */
export type DnsConsensus = 'resolves' | 'nxdomain' | 'servfail' | 'no-address' | 'inconsistent';

export interface DnsOutcome {
  kind: 'answers';
  consensus: DnsConsensus;
  answers: ResolverAnswer[];
  /** Resolvers that gave no usable answer, and why. */
  unanswered: Array<{ resolver: string; reason: NoEvidenceReason }>;
  /** Address the browser connected to (normalised), when known. */
  browserIp?: string;
  /** Whether any public resolver gives that address; absent when there is nothing to compare. */
  browserIpMatches?: boolean;
  /** The browser's own resolver (Firefox `dns.resolve`), when it was asked. */
  local?: { kind: 'addresses'; addresses: string[]; matches: boolean } | { kind: 'failed' };
}

/** How one outside vantage point saw the site. `server-error` = it answered 5xx. */
export type NodeState = 'up' | 'server-error' | 'unreachable';

export interface VantageNode {
  /** Source id: `check-host`, `globalping`, … */
  source: string;
  /** Country code (upper-case) when known. */
  country?: string;
  /** Display text: `Frankfurt, DE`. */
  location: string;
  state: NodeState;
  status?: number;
  ms?: number;
}

export interface VantageSourceReport {
  source: string;
  /** `complete` = every node it started answered; `partial` = the deadline came first. */
  result: 'complete' | 'partial' | NoEvidenceReason;
  retryAt?: number;
}

export interface VantageOutcome {
  kind: 'observed';
  nodes: VantageNode[];
  up: number;
  /** `server-error` + `unreachable`. */
  down: number;
  sources: VantageSourceReport[];
}

export type StatusIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

export type StatusPageOutcome =
  | {
      kind: 'reported';
      /** Host of the status page (`www.githubstatus.com`), for display and linking. */
      page: string;
      pageUrl: string;
      found: 'known' | 'discovered';
      indicator: StatusIndicator;
      /** The page's own words, untrusted: control characters removed, at most 200 characters. Show as text. */
      description: string;
    }
  | { kind: 'no-page' };

export type ArchiveOutcome =
  | {
      kind: 'archived';
      /** Always https on web.archive.org / archive.org. */
      snapshotUrl: string;
      /** `YYYYMMDDhhmmss` as the Wayback Machine gives it. */
      timestamp: string;
      /** `YYYY-MM-DD`. */
      date: string;
    }
  | { kind: 'not-archived' };

/**
 * What other Downcheck users see of the site (core/crowd/evidence.ts): the host listed in its bucket, not listed
 * (too few reports to tell), or no usable answer. The counts are in the summary; `weight` is what the verdict uses.
 */
export interface CrowdOutcome {
  kind: 'listed' | 'unlisted' | 'unread';
  weight: 'supports-everyone' | 'none';
  level?: 'possible' | 'widespread';
  /** When the service made the answer (ms), for "as of N min ago". */
  asOf?: number;
  /** "Cloudflare is failing for 150+ sites right now", when the failing answer came through a listed platform. */
  provider?: Msg;
}

// ── evidence ────────────────────────────────────────────────────────────────────────────────

interface EvidenceOf<C extends CheckId, O> {
  check: C;
  outcome: O | NoEvidence;
  /** One line for the popup: an `_locales` key and its substitutions. */
  summary: Msg;
  /** How long the check took. */
  ms: number;
  /** Served from the per-host cache (see limits.ts) rather than asked again. */
  cached?: boolean;
  /** Interim evidence (some sources still running); the check's final evidence replaces it. */
  partial?: boolean;
}

export type Evidence =
  | EvidenceOf<'reprobe', ReprobeOutcome>
  | EvidenceOf<'online', OnlineOutcome>
  | EvidenceOf<'connectivity', ConnectivityOutcome>
  | EvidenceOf<'gateway', GatewayOutcome>
  | EvidenceOf<'dns', DnsOutcome>
  | EvidenceOf<'vantage', VantageOutcome>
  | EvidenceOf<'status-page', StatusPageOutcome>
  | EvidenceOf<'archive', ArchiveOutcome>
  | EvidenceOf<'crowd', CrowdOutcome>;

export type EvidenceFor<C extends CheckId> = Extract<Evidence, { check: C }>;
