/**
 * Gateway: which link of the chain failed, read from what the browser already captured (status,
 * platform fingerprint, network error). Pure: it asks nobody, so it is instant and needs no consent.
 * Its summary is the incident's own explanation (`fault_cf_522`, `fault_net_dns`, …).
 */
import type { Incident } from '../../model/incident';
import { noEvidence } from '../kit/no-evidence';
import type { Check, CheckContext } from '../kit/types';
import type { EvidenceFor, FailedLink, GatewayOutcome } from '../../model/evidence';

const CLOUDFLARE_ORIGIN_ERRORS = new Set([520, 521, 522, 523, 524, 525, 526, 527]);
/** Gateways whose 502/503/504 mean "the server behind me failed". */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

export function failedLink(incident: Incident): GatewayOutcome {
  const platform = incident.platform
    ? { platform: incident.platform.name, ...(incident.platform.pop ? { pop: incident.platform.pop } : {}) }
    : {};
  if (incident.kind === 'network') {
    const byError: Record<string, FailedLink> = { dns: 'name-lookup', offline: 'your-connection', refused: 'refused' };
    return {
      kind: 'link',
      failed: byError[incident.netError ?? ''] ?? 'path',
      siteAnswered: false,
      ...(incident.netError ? { netError: incident.netError } : {}),
    };
  }
  const status = incident.status;
  let failed: FailedLink = 'origin';
  if (incident.platform?.id === 'cloudflare' && status === 530) failed = 'origin-dns';
  else if (incident.platform?.id === 'cloudflare' && status !== undefined && CLOUDFLARE_ORIGIN_ERRORS.has(status))
    failed = 'gateway-to-origin';
  else if (incident.platform && status !== undefined && GATEWAY_STATUSES.has(status)) failed = 'gateway-to-origin';
  return { kind: 'link', failed, siteAnswered: true, ...(status !== undefined ? { status } : {}), ...platform };
}

export const gatewayCheck: Check = {
  id: 'gateway',
  needsConsent: false,
  async run(ctx: CheckContext): Promise<EvidenceFor<'gateway'>> {
    const incident = ctx.incident;
    if (!incident || (incident.kind !== 'http' && incident.kind !== 'soft' && incident.kind !== 'network')) {
      return noEvidence('gateway', 'not-applicable', 0);
    }
    return { check: 'gateway', outcome: failedLink(incident), summary: incident.explanation, ms: 0 };
  },
};
