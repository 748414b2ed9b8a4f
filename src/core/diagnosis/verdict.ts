/**
 * Evidence → one verdict: "down for everyone, or just me?", with how sure we are and the evidence
 * lines that led there. Pure and total: any list of evidence (empty, partial, contradictory)
 * gets an answer, at worst "can't tell".
 *
 * The rules are tried in order; the first that applies decides. The order encodes which evidence
 * outranks which:
 *  1. a captive portal / filtering network explains everything else you see;
 *  2. a re-probe that succeeds now is the freshest, most direct fact: back up (it also outranks
 *     "offline", since the connectivity endpoints may just be blocked where the user is);
 *  3. offline: your connection, whatever outside sources say;
 *  4. 403/429-style answers to you: blocked for you if outside vantage points see the site up;
 *  5. every public resolver says the name does not resolve: the site's DNS is down for everyone;
 *  6. public DNS resolves but your browser's lookup failed or used an address no public resolver
 *     gives: your DNS (a bare address mismatch while a CDN answered you is geo-DNS, not evidence);
 *  7.–9. outside vantage points: all down / some down / all up while you fail;
 *  10.–14. without an outside view: the status page, disagreeing resolvers, what the gateway said;
 *  15. otherwise: can't tell.
 * Then the crowd's row is weighed (core/crowd/evidence.ts weighCrowd): it moves the confidence, never the kind.
 */
import type {
  CheckId,
  ConnectivityOutcome,
  DnsOutcome,
  Evidence,
  GatewayOutcome,
  OnlineOutcome,
  StatusIndicator,
  VantageOutcome,
} from '../../model/evidence';
import type { Msg } from '../../model/message-text';
import { weighCrowd, type CrowdWeight } from '../crowd/evidence';
import type { Confidence, Verdict, VerdictKind } from '../../model/verdict';

/** How an HTTP status reads: the site works, refuses you, or is failing. Not a verdict: one fact a verdict weighs. */
export type StatusReading = 'up' | 'refused' | 'server-error';

/** Statuses that mean "the server is there but will not serve you": forbidden, proxy auth, rate limit, legal block. */
const REFUSED = new Set([403, 407, 429, 451]);

/** How to read an HTTP status the browser got: the site works (incl. 401/404), refuses you, or is failing. */
export function readStatus(status: number): StatusReading {
  if (!Number.isInteger(status) || status < 100 || status >= 500) return 'server-error';
  return REFUSED.has(status) ? 'refused' : 'up';
}

/** Online or not, from the browser's own view (`online`) and the consented baseline (`connectivity`) together. */
type ConnectivityFact = { kind: 'online' | 'offline' } | Extract<ConnectivityOutcome, { kind: 'intercepted' }>;

interface Facts {
  connectivity?: ConnectivityFact;
  probe?: { kind: StatusReading | 'unreachable'; status?: number };
  link?: GatewayOutcome;
  dns?: DnsOutcome;
  vantage?: VantageOutcome;
  statusPage?: StatusIndicator;
  /** What other Downcheck users see: only a row that supports "down for everyone" weighs anything. */
  crowd?: CrowdWeight;
  summaries: Map<CheckId, Msg>;
}

function factsOf(evidence: readonly Evidence[]): Facts {
  const facts: Facts = { summaries: new Map() };
  let online: OnlineOutcome | undefined;
  let baseline: ConnectivityOutcome | undefined;
  for (const e of Array.isArray(evidence) ? evidence : []) {
    if (!e || typeof e !== 'object' || !e.outcome || typeof e.outcome !== 'object' || e.outcome.kind === 'none') continue;
    switch (e.check) {
      case 'online':
        online = e.outcome;
        break;
      case 'connectivity':
        baseline = e.outcome;
        break;
      case 'reprobe':
        if (e.outcome.kind === 'answered' && !Number.isInteger(e.outcome.status)) continue;
        facts.probe =
          e.outcome.kind === 'answered' ? { kind: readStatus(e.outcome.status), status: e.outcome.status } : { kind: 'unreachable' };
        break;
      case 'gateway':
        facts.link = e.outcome;
        break;
      case 'dns':
        if (!Array.isArray(e.outcome.answers)) continue;
        facts.dns = e.outcome;
        break;
      case 'vantage':
        // Evidence may come back from storage: only well-formed counts are believed.
        if (!(
          Array.isArray(e.outcome.nodes) &&
          e.outcome.nodes.length > 0 &&
          Number.isInteger(e.outcome.up) &&
          Number.isInteger(e.outcome.down)
        ))
          continue;
        facts.vantage = e.outcome;
        break;
      case 'status-page':
        if (e.outcome.kind !== 'reported') continue; // "no status page" is not a reason for anything
        facts.statusPage = e.outcome.indicator;
        break;
      case 'archive':
        continue; // helps the reader, says nothing about who is down
      case 'crowd':
        // "Too few reports" or no answer weighs nothing, and is never a reason for "just you".
        if (e.outcome.weight !== 'supports-everyone') continue;
        facts.crowd = e.outcome.weight;
        break;
      default:
        continue;
    }
    facts.summaries.set(e.check, e.summary);
  }
  const connectivity = connectivityOf(online, baseline);
  if (connectivity) facts.connectivity = connectivity;
  return facts;
}

/**
 * An interception explains whatever else is seen; the browser's own "offline" is its present
 * state; an answer from anywhere (another site, a baseline endpoint) shows the connection works;
 * only then does a baseline that reached nobody mean offline.
 */
function connectivityOf(online: OnlineOutcome | undefined, baseline: ConnectivityOutcome | undefined): ConnectivityFact | undefined {
  if (baseline?.kind === 'intercepted') return baseline;
  if (online?.kind === 'offline') return { kind: 'offline' };
  if (online?.kind === 'online' || baseline?.kind === 'online') return { kind: 'online' };
  return baseline ? { kind: 'offline' } : undefined;
}

interface Decision {
  kind: VerdictKind;
  confidence: Confidence;
  uses: CheckId[];
}

const LEVELS: readonly Confidence[] = ['low', 'medium', 'high'];
const raise = (c: Confidence): Confidence => LEVELS[Math.min(LEVELS.indexOf(c) + 1, 2)]!;
const byScore = (score: number): Confidence => (score >= 3 ? 'high' : score === 2 ? 'medium' : 'low');

export function verdict(evidence: readonly Evidence[]): Verdict {
  const f = factsOf(evidence);
  const decided = decide(f);
  const decision = f.crowd ? weighCrowd(decided, f.crowd) : decided;
  // The row is a reason wherever it was weighed: "back up" and "can't tell" leave it out.
  const weighed = f.crowd && decided.kind !== 'back-up' && decided.kind !== 'cant-tell';
  const uses: CheckId[] = weighed ? [...decision.uses, 'crowd'] : decision.uses;
  const reasons = uses.map((id) => f.summaries.get(id)).filter((m): m is Msg => m !== undefined);
  return { kind: decision.kind, confidence: decision.confidence, reasons };
}

function decide(f: Facts): Decision {
  const v = f.vantage;
  const vUp = !!v && v.up > 0 && v.down === 0;
  const vDown = !!v && v.down > 0 && v.up === 0;
  const vMixed = !!v && v.up > 0 && v.down > 0;
  const probe = f.probe;
  const link = f.link;
  /** The site's own infrastructure answered with a failure: a gateway 5xx, or the re-probe still gets 5xx. */
  const siteSide = (!!link && link.siteAnswered) || probe?.kind === 'server-error';
  /** The failure is still (or, without a re-probe, was) seen from here. */
  const youFail = probe ? probe.kind !== 'up' : !!link;
  const statusBad = f.statusPage === 'major' || f.statusPage === 'critical';
  const failing: CheckId[] = ['gateway', 'reprobe'];

  // 1. Captive portal or filtering network.
  if (f.connectivity?.kind === 'intercepted')
    return { kind: 'just-you-connection', confidence: 'medium', uses: ['online', 'connectivity', ...failing] };

  // 2. It answers now.
  if (probe?.kind === 'up') {
    const doubt = vDown || f.connectivity?.kind === 'offline';
    return { kind: 'back-up', confidence: doubt ? 'medium' : 'high', uses: ['reprobe', 'vantage'] };
  }

  // 3. Offline — unless the re-probe reached the site just now: then we are online and only the
  //    connectivity endpoints are unreachable from here (a firewall, a filtered network).
  const reachedSiteNow = probe?.kind === 'server-error';
  if (f.connectivity?.kind === 'offline' && !reachedSiteNow)
    return { kind: 'just-you-connection', confidence: 'high', uses: ['online', 'connectivity', ...failing] };

  // 4. Refused to you.
  if (probe?.kind === 'refused') {
    if (vUp || (vMixed && v!.up > v!.down)) return { kind: 'blocked-for-you', confidence: 'high', uses: ['reprobe', 'vantage'] };
    if (vDown) return { kind: 'down-for-everyone', confidence: 'medium', uses: ['vantage', 'reprobe'] };
    return { kind: 'blocked-for-you', confidence: probe.status === 429 ? 'medium' : 'low', uses: ['reprobe'] };
  }

  // 5. The site's name does not resolve anywhere public.
  const dns = f.dns;
  if (dns && (dns.consensus === 'nxdomain' || dns.consensus === 'servfail')) {
    const several = dns.answers.length >= 2;
    let confidence: Confidence = dns.consensus === 'nxdomain' ? (several ? 'high' : 'medium') : several ? 'medium' : 'low';
    if (vDown) confidence = raise(confidence);
    if (vUp || vMixed) confidence = 'low'; // reachable from elsewhere: their resolvers may still hold the old answer
    return { kind: 'down-for-everyone', confidence, uses: ['dns', 'vantage', ...failing] };
  }

  // 6. Your DNS.
  if (dns?.consensus === 'resolves' && youFail && !vDown) {
    const lookupFailedHere = link?.failed === 'name-lookup' || dns.local?.kind === 'failed';
    const addressNobodyGives =
      dns.browserIpMatches === false || (dns.local?.kind === 'addresses' && dns.local.addresses.length > 0 && !dns.local.matches);
    if (lookupFailedHere || (addressNobodyGives && (vUp || !siteSide))) {
      const confidence: Confidence = vUp ? 'high' : lookupFailedHere ? 'medium' : 'low';
      return { kind: 'just-you-dns', confidence, uses: ['dns', 'vantage', ...failing] };
    }
  }

  // 7. Nobody outside reaches it.
  if (vDown) {
    const score = (v!.down >= 2 ? 2 : 1) + (siteSide ? 1 : 0) + (probe?.kind === 'unreachable' ? 1 : 0) + (statusBad ? 1 : 0);
    return { kind: 'down-for-everyone', confidence: byScore(score), uses: ['vantage', ...failing, 'status-page'] };
  }

  // 8. Some reach it, some do not.
  if (vMixed) {
    const oneOff = v!.down === 1 && v!.up >= 3;
    const confirmed = statusBad || f.statusPage === 'minor';
    return { kind: 'partly-down', confidence: oneOff && !confirmed ? 'low' : 'medium', uses: ['vantage', 'status-page', ...failing] };
  }

  // 9. Everyone else reaches it; you do not.
  if (vUp && youFail) {
    if (siteSide) return { kind: 'partly-down', confidence: 'medium', uses: ['vantage', ...failing] };
    const confidence: Confidence = v!.up >= 2 && probe?.kind === 'unreachable' ? 'high' : 'medium';
    return { kind: 'just-you-connection', confidence, uses: ['vantage', 'reprobe', 'gateway', 'online', 'connectivity'] };
  }

  // 10. The operator's word.
  if (statusBad)
    return { kind: 'down-for-everyone', confidence: siteSide || youFail ? 'high' : 'medium', uses: ['status-page', ...failing] };
  if (f.statusPage === 'minor') return { kind: 'partly-down', confidence: siteSide ? 'medium' : 'low', uses: ['status-page', ...failing] };
  if (f.statusPage === 'maintenance')
    return { kind: 'down-for-everyone', confidence: siteSide ? 'medium' : 'low', uses: ['status-page', ...failing] };

  // 11. Public resolvers disagree.
  if (dns?.consensus === 'inconsistent') return { kind: 'partly-down', confidence: 'low', uses: ['dns', ...failing] };

  // 12. Only the site's own answers: a gateway saying its origin failed is fairly telling.
  if (siteSide) {
    const behindGateway = link?.failed === 'gateway-to-origin' || link?.failed === 'origin-dns';
    const stillFailing = probe?.kind === 'server-error' && !!link;
    const confidence: Confidence = behindGateway || stillFailing ? 'medium' : 'low';
    return { kind: 'down-for-everyone', confidence, uses: ['gateway', 'reprobe'] };
  }

  // 13. The browser said it was offline when the page failed.
  if (link?.failed === 'your-connection') return { kind: 'just-you-connection', confidence: 'medium', uses: ['gateway', 'reprobe'] };

  // 14. Connection refused: the address answers, nothing listens.
  if (link?.failed === 'refused') return { kind: 'down-for-everyone', confidence: 'low', uses: ['gateway', 'reprobe'] };

  // 15.
  return { kind: 'cant-tell', confidence: 'low', uses: ['reprobe', 'gateway', 'online', 'connectivity', 'dns', 'vantage', 'status-page'] };
}
