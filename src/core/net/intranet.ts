/**
 * Split-horizon names: `wiki.corp.example.com` looks public, but only the company's own DNS knows
 * it. When the visitor's VPN drops, the tab fails with a DNS error, and the name must not go to
 * outside services. Two rules, pure:
 *
 * - a name that public DNS does not know (NXDOMAIN, no address) or that it resolves only into
 *   private addresses counts as private for every check that would send it anywhere;
 * - after a DNS failure the outside checks never run by themselves: they wait for the visitor's
 *   click, and then the public resolvers must first vouch for the name.
 */
import type { DnsOutcome, Evidence } from '../../model/evidence';
import { isPrivateIp } from './ip';
import type { Incident } from '../../model/incident';

export type PublicDnsVerdict = 'public' | 'private' | 'unknown';

/** What the public resolvers said of the name (the DNS check's evidence): known and public, private, or nothing usable. */
export function publicDnsVerdict(evidence: Evidence | undefined): PublicDnsVerdict {
  if (evidence?.check !== 'dns' || evidence.outcome.kind !== 'answers') return 'unknown';
  const outcome: DnsOutcome = evidence.outcome;
  if (outcome.consensus === 'nxdomain' || outcome.consensus === 'no-address') return 'private';
  const addresses = outcome.answers.flatMap((a) => (Array.isArray(a.addresses) ? a.addresses : []));
  if (addresses.some((ip) => isPrivateIp(ip))) return 'private';
  if ((outcome.consensus === 'resolves' || outcome.consensus === 'inconsistent') && addresses.length > 0) return 'public';
  return 'unknown'; // SERVFAIL everywhere: public DNS cannot say either way
}

/** The tab failed because its name did not resolve: perhaps an intranet name whose network is gone. */
export const failedOnDns = (incident: Pick<Incident, 'netError'> | undefined): boolean => incident?.netError === 'dns';

/**
 * Whether the outside checks may send the name on: a private verdict never; after a DNS failure
 * only once public DNS vouched for the name (no usable answer is not a public answer).
 */
export const nameStaysInside = (verdict: PublicDnsVerdict, incident: Pick<Incident, 'netError'> | undefined): boolean =>
  verdict === 'private' || (failedOnDns(incident) && verdict !== 'public');
