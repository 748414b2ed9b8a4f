/**
 * DNS: the site's name resolved over DNS-over-HTTPS (JSON API) at public resolvers (Cloudflare and
 * Google by default), A and AAAA, compared with the address the browser actually connected to and,
 * in Firefox, with the browser's own resolver (`dns.resolve`).
 *
 * It tells: the site's DNS is broken for everyone (NXDOMAIN / SERVFAIL at every public resolver),
 * or the visitor's DNS is (the browser used an address no public resolver gives: stale cache,
 * hijacking resolver, hosts file, DNS-based blocking; or the browser's lookup failed where public
 * ones succeed). Caveat: sites on geo-DNS CDNs can legitimately give the visitor's ISP resolver
 * other addresses than public resolvers; the verdict engine therefore only trusts a mismatch
 * together with other evidence. Sends the hostname to the resolvers: needs consent.
 */
import { fetchJson, timeLeft } from '../kit/http';
import { bareHost, isIpLiteral, noEvidence, refuseOutside } from '../kit/no-evidence';
import { displayIp, normalizeIp } from '../../core/net/ip';
import { arrayOf, intIn, isRecord } from '../../core/schema/validate';
import { after, cancel, type Timer } from '../../core/async/timers';
import type { Check, CheckContext, DohResolver } from '../kit/types';
import type { DnsConsensus, DnsOutcome, EvidenceFor, NoEvidenceReason, Rcode, ResolverAnswer } from '../../model/evidence';

export const DOH_TIMEOUT_MS = 3_000;
const DOH_MAX_BYTES = 64 * 1024;
const MAX_RECORDS = 64;

type RecordType = 'A' | 'AAAA';
const TYPE_CODE: Record<RecordType, number> = { A: 1, AAAA: 28 };

/** A DoH JSON answer: `Status` is the DNS RCODE; only address records of the asked type are kept. */
export function parseDohAnswer(json: unknown, type: RecordType): { rcode: Rcode; addresses: string[] } | undefined {
  if (!isRecord(json)) return undefined;
  const status = intIn(json.Status, 0, 65535);
  if (status === undefined) return undefined;
  if (json.Answer !== undefined && !Array.isArray(json.Answer)) return undefined;
  const records =
    arrayOf(
      json.Answer ?? [],
      (r) => {
        if (!isRecord(r) || r.type !== TYPE_CODE[type]) return undefined;
        const ip = normalizeIp(r.data);
        return ip && ip.includes(':') === (type === 'AAAA') ? ip : undefined;
      },
      MAX_RECORDS,
    ) ?? [];
  const rcode: Rcode =
    status === 0 ? 'noerror' : status === 2 ? 'servfail' : status === 3 ? 'nxdomain' : status === 5 ? 'refused' : 'other';
  return { rcode, addresses: rcode === 'noerror' ? records : [] };
}

type Query = { ok: true; rcode: Rcode; addresses: string[] } | { ok: false; reason: NoEvidenceReason; retryAt?: number };
type Unanswered = { resolver: string; reason: NoEvidenceReason; retryAt?: number };

async function query(ctx: CheckContext, resolver: DohResolver, host: string, type: RecordType, signal: AbortSignal): Promise<Query> {
  const url = `${resolver.url}?name=${encodeURIComponent(host)}&type=${type}`;
  const result = await fetchJson(ctx, url, {
    headers: { accept: 'application/dns-json' },
    maxBytes: DOH_MAX_BYTES,
    timeoutMs: timeLeft(ctx, DOH_TIMEOUT_MS),
    signal,
    rateKey: `doh:${resolver.name}`,
    parse: (json) => parseDohAnswer(json, type),
  });
  return result.ok
    ? { ok: true, ...result.value }
    : { ok: false, reason: result.reason, ...(result.retryAt !== undefined ? { retryAt: result.retryAt } : {}) };
}

async function askResolver(
  ctx: CheckContext,
  resolver: DohResolver,
  host: string,
  signal: AbortSignal,
): Promise<ResolverAnswer | Unanswered> {
  const [a, aaaa] = await Promise.all([query(ctx, resolver, host, 'A', signal), query(ctx, resolver, host, 'AAAA', signal)]);
  const answered = [a, aaaa].filter((q): q is Extract<Query, { ok: true }> => q.ok);
  if (answered.length === 0) {
    const failed = a as Extract<Query, { ok: false }>;
    return { resolver: resolver.name, reason: failed.reason, ...(failed.retryAt !== undefined ? { retryAt: failed.retryAt } : {}) };
  }
  const rcode = answered.some((q) => q.rcode === 'noerror') ? 'noerror' : answered[0]!.rcode;
  return { resolver: resolver.name, rcode, addresses: [...new Set(answered.flatMap((q) => q.addresses))] };
}

export function dnsConsensus(answers: readonly ResolverAnswer[]): DnsConsensus {
  const resolving = answers.filter((a) => a.rcode === 'noerror');
  const failing = answers.filter((a) => a.rcode !== 'noerror');
  if (resolving.length && failing.length) return 'inconsistent';
  if (resolving.length) return resolving.some((a) => a.addresses.length) ? 'resolves' : 'no-address';
  return failing.every((a) => a.rcode === 'nxdomain') ? 'nxdomain' : 'servfail';
}

async function askLocal(ctx: CheckContext, host: string, signal: AbortSignal): Promise<string[] | 'failed' | undefined> {
  const resolve = ctx.resolveDns;
  if (!resolve) return undefined;
  let timer: Timer | undefined;
  let onAbort = () => undefined as void;
  const giveUp = new Promise<undefined>((r) => {
    timer = after(timeLeft(ctx, DOH_TIMEOUT_MS), () => r(undefined));
    onAbort = () => r(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const asked = Promise.resolve()
    .then(() => resolve(host))
    .then(
      (list) =>
        Array.isArray(list)
          ? list
              .slice(0, MAX_RECORDS)
              .map(normalizeIp)
              .filter((ip): ip is string => !!ip)
          : ('failed' as const),
      () => 'failed' as const,
    );
  try {
    return await Promise.race([asked, giveUp]);
  } finally {
    cancel(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

export const dnsCheck: Check = {
  id: 'dns',
  needsConsent: true,
  async run(ctx: CheckContext, signal: AbortSignal): Promise<EvidenceFor<'dns'>> {
    const started = ctx.now();
    const refused = refuseOutside(ctx) ?? (isIpLiteral(ctx.host) ? 'not-applicable' : undefined);
    if (refused) return noEvidence('dns', refused, 0);
    const host = bareHost(ctx.host);
    const [results, local] = await Promise.all([
      Promise.all(ctx.endpoints.doh.map((resolver) => askResolver(ctx, resolver, host, signal))),
      // Through a proxy the proxy looked the name up, not the browser: its own lookup says nothing of this failure.
      ctx.incident?.proxied ? undefined : askLocal(ctx, host, signal),
    ]);
    const ms = ctx.now() - started;
    const answers = results.filter((r): r is ResolverAnswer => 'rcode' in r);
    const unanswered = results.filter((r): r is Unanswered => 'reason' in r).map(({ resolver, reason }) => ({ resolver, reason }));
    if (answers.length === 0) {
      const first = results.find((r): r is Unanswered => 'reason' in r);
      return noEvidence('dns', first?.reason ?? 'not-applicable', ms, first?.retryAt);
    }

    const consensus = dnsConsensus(answers);
    const publicAddresses = new Set(answers.flatMap((a) => a.addresses));
    const comparable = consensus === 'resolves' || consensus === 'inconsistent';
    const browserIp = normalizeIp(ctx.browserIp ?? ctx.incident?.ip);
    const outcome: DnsOutcome = {
      kind: 'answers',
      consensus,
      answers,
      unanswered,
      ...(browserIp ? { browserIp } : {}),
      ...(browserIp && comparable && publicAddresses.size ? { browserIpMatches: publicAddresses.has(browserIp) } : {}),
      ...(local === 'failed'
        ? { local: { kind: 'failed' as const } }
        : local
          ? { local: { kind: 'addresses' as const, addresses: local, matches: local.some((ip) => publicAddresses.has(ip)) } }
          : {}),
    };
    return { check: 'dns', outcome, summary: dnsSummary(outcome), ms };
  },
};

function dnsSummary(o: DnsOutcome): EvidenceFor<'dns'>['summary'] {
  switch (o.consensus) {
    case 'nxdomain':
      return { key: 'check_dns_nxdomain' };
    case 'servfail':
      return { key: 'check_dns_servfail' };
    case 'no-address':
      return { key: 'check_dns_no_address' };
    case 'inconsistent':
      return { key: 'check_dns_inconsistent' };
    case 'resolves': {
      if (o.browserIp && o.browserIpMatches === false) return { key: 'check_dns_mismatch', subs: [displayIp(o.browserIp)] };
      if (o.local?.kind === 'failed') return { key: 'check_dns_local_fails' };
      if (o.local?.kind === 'addresses' && o.local.addresses.length && !o.local.matches) {
        return { key: 'check_dns_local_mismatch', subs: [o.local.addresses.slice(0, 2).map(displayIp).join(', ')] };
      }
      const addresses = [...new Set(o.answers.flatMap((a) => a.addresses))];
      return { key: 'check_dns_resolves', subs: [addresses.slice(0, 2).map(displayIp).join(', ')] };
    }
  }
}
