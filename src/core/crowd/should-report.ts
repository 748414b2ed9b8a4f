// When the extension sends a crowd report, as pure rules: only with the opt-in, only for a failure Downcheck saw on a
// main-frame load of a public web host, never from a private window, at most once per host per 10 minutes.
import type { NetErrorCategory, PlatformId } from '../../model/incident';
import { isPrivateHost } from '../net/url';
import { CONTRACT_VERSION, hostKeyOf, isHostKey, parseReport, type CrowdReport, type Platform, type ReportKind } from './report';
import { isDeviceSecret, reporterId } from './reporter';
import { WINDOW_MS } from './signal';

/** The failure as Downcheck saw it: a 5xx answer, a network error, or a soft error (a page that only says it failed). */
export type CrowdFailure = { kind: 'http'; status: number } | { kind: 'network'; error: NetErrorCategory } | { kind: 'soft' };

/** One sent report: the host KEY (never the name) and when. */
export interface SentReport {
  hostKey: string;
  at: number;
}
export type SentReports = readonly SentReport[];
/** How many hosts the record of sent reports keeps; the oldest is dropped first. */
export const SENT_MAX_HOSTS = 100;

/** What the last bucket read said of this host: only a recent `widespread` holds reports back. */
export interface LastRead {
  hostKey: string;
  level: 'possible' | 'widespread';
  at: number;
}

export interface ReportFacts {
  optedIn: boolean;
  /** A service address is set (a build setting or the options page). */
  serviceConfigured: boolean;
  incognito: boolean;
  mainFrame: boolean;
  url: string;
  failure: CrowdFailure;
  /** The browser caused the failure itself (offline, a blocked port, an aborted load, a client certificate asked). */
  causedByBrowser?: boolean;
  /** The platform the fingerprint named, if any. */
  platform?: PlatformId;
  /** The address the browser connected to, when known: a private one means an intranet name behind a public-looking one. */
  ip?: string;
  /** What the public resolvers said of the name (the diagnosis's DNS check), when it ran. */
  publicDns?: 'public' | 'private' | 'unknown';
  sent: SentReports;
  lastRead?: LastRead;
  now: number;
}

export type SkipReason =
  | 'opted-out'
  | 'no-service'
  | 'incognito'
  | 'not-main-frame'
  | 'not-web'
  | 'private-host'
  | 'browser-caused'
  | 'not-a-failure'
  | 'widespread'
  | 'recently-sent'
  | 'no-secret'
  | 'dns-unverified';

export type ReportDecision = { report: CrowdReport } | { skip: SkipReason };

const NETWORK_KINDS: Readonly<Partial<Record<NetErrorCategory, ReportKind>>> = {
  dns: 'dns',
  'timed-out': 'timeout',
  refused: 'refused',
  tls: 'tls',
  reset: 'reset',
};

/** The contract's kind (and status) of a failure; undefined for what is not reported (soft errors, `other`, non-5xx). */
export function reportKindOf(failure: CrowdFailure): { kind: ReportKind; status?: number } | undefined {
  if (failure.kind === 'http')
    return Number.isInteger(failure.status) && failure.status >= 500 && failure.status <= 599
      ? { kind: 'http5xx', status: failure.status }
      : undefined;
  if (failure.kind === 'network') {
    const kind = NETWORK_KINDS[failure.error];
    return kind ? { kind } : undefined;
  }
  return undefined;
}

/** Downcheck's platform ids as the contract names them; the servers (nginx, Apache, Varnish) are not platforms there. */
const VIA: Readonly<Partial<Record<PlatformId, Platform>>> = {
  cloudflare: 'cloudflare',
  cloudfront: 'cloudfront',
  alb: 'aws-alb',
  fastly: 'fastly',
  akamai: 'akamai',
  google: 'google',
  'azure-front-door': 'azure-front-door',
  vercel: 'vercel',
  netlify: 'netlify',
  heroku: 'heroku',
};
export const viaOf = (platform: PlatformId | undefined): Platform | undefined => (platform ? VIA[platform] : undefined);

/** Longer than any URL a browser navigates to in practice; beyond it nothing is parsed. */
const MAX_URL_LENGTH = 64 * 1024;

/** The host a report may name: an http(s) URL's host that is not private, an intranet name or a special-use name. */
export function crowdHost(url: string): { host: string } | { skip: 'not-web' | 'private-host' } {
  if (typeof url !== 'string' || url.length > MAX_URL_LENGTH) return { skip: 'not-web' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { skip: 'not-web' };
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) return { skip: 'not-web' };
  return isPrivateHost(parsed.hostname) ? { skip: 'private-host' } : { host: parsed.hostname };
}

// Within 10 minutes either way: a clock set back a little does not open a second report, one set back far does not lock.
const recent = (at: number, now: number): boolean => Math.abs(now - at) < WINDOW_MS;

/** When this host's last report went out, if the record holds it. */
export const lastSentAt = (sent: SentReports, hostKey: string): number | undefined => sent.find((s) => s.hostKey === hostKey)?.at;

/**
 * Whether a report for this host may go out now: none sent in the last 10 minutes. Two reports at least 10 minutes
 * apart always fall in different fixed windows of the service, so every report sent is one it counts.
 */
export function mayReportAgain(sent: SentReports, hostKey: string, now: number): boolean {
  const last = lastSentAt(sent, hostKey);
  return last === undefined || !recent(last, now);
}

/** The checks that need no host key, in order: consent and setting first, so nothing else is even looked at without them. */
export function reportGate(facts: Omit<ReportFacts, 'sent' | 'lastRead' | 'now'>): { host: string } | { skip: SkipReason } {
  if (!facts.optedIn) return { skip: 'opted-out' };
  if (!facts.serviceConfigured) return { skip: 'no-service' };
  if (facts.incognito) return { skip: 'incognito' };
  if (!facts.mainFrame) return { skip: 'not-main-frame' };
  const host = crowdHost(facts.url);
  if ('skip' in host) return host;
  // Split-horizon names (wiki.corp.example.com): served from a private address, or unknown to public DNS.
  if ((facts.ip !== undefined && isPrivateHost(facts.ip)) || facts.publicDns === 'private') return { skip: 'private-host' };
  if (facts.causedByBrowser || (facts.failure.kind === 'network' && facts.failure.error === 'offline')) return { skip: 'browser-caused' };
  if (!reportKindOf(facts.failure)) return { skip: 'not-a-failure' };
  // A name that failed to resolve may be an intranet name whose VPN dropped: only once public DNS vouched for it.
  if (facts.failure.kind === 'network' && facts.failure.error === 'dns' && facts.publicDns !== 'public') return { skip: 'dns-unverified' };
  return host;
}

/**
 * The whole decision: the report's body, or why none goes out. The host key and the reporter id are computed only
 * once every other rule has passed; the report is checked against the contract's own validator before it leaves.
 * `secret` is the device secret (see deviceSecretFrom); an invalid one sends nothing.
 */
export async function decideReport(facts: ReportFacts, secret: string): Promise<ReportDecision> {
  const gate = reportGate(facts);
  if ('skip' in gate) return gate;
  if (!isDeviceSecret(secret)) return { skip: 'no-secret' };
  const hostKey = await hostKeyOf(gate.host);
  const read = facts.lastRead;
  if (read && read.hostKey === hostKey && read.level === 'widespread' && recent(read.at, facts.now)) return { skip: 'widespread' };
  if (!mayReportAgain(facts.sent, hostKey, facts.now)) return { skip: 'recently-sent' };
  const via = viaOf(facts.platform);
  const body = {
    v: CONTRACT_VERSION,
    hostKey,
    reporter: await reporterId(secret, facts.now),
    ...reportKindOf(facts.failure),
    ...(via ? { via } : {}),
  };
  const parsed = parseReport(body);
  // Unreachable by construction (the property test builds every kind, status and platform); a guard, not a path.
  if (!parsed.ok) throw new Error(`crowd report out of contract: ${parsed.error}`);
  return { report: parsed.value };
}

/** The record after a report for `hostKey` went out at `at`: one entry per host, newest last, at most `max` hosts. */
export function recordSent(sent: SentReports, hostKey: string, at: number, max = SENT_MAX_HOSTS): SentReport[] {
  const kept = sent.filter((s) => s.hostKey !== hostKey && recent(s.at, at));
  return [...kept, { hostKey, at }].slice(-max);
}

/**
 * The record read back from storage: anything that is not a list of {host key, finite time} entries is dropped,
 * entries older than the window are dropped too (a host key is browsing data: kept no longer than needed).
 */
export function parseSent(stored: unknown, now: number, max = SENT_MAX_HOSTS): SentReport[] {
  if (!Array.isArray(stored)) return [];
  const latest = new Map<string, number>();
  for (const entry of stored.slice(-4 * max)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { hostKey, at } = entry as Record<string, unknown>;
    if (!isHostKey(hostKey) || typeof at !== 'number' || !Number.isFinite(at) || !recent(at, now)) continue;
    if (!(latest.get(hostKey)! >= at)) latest.set(hostKey, at);
  }
  return [...latest]
    .map(([hostKey, at]) => ({ hostKey, at }))
    .sort((a, b) => a.at - b.at)
    .slice(-max);
}
