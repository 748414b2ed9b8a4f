/**
 * What other Downcheck users see of the site, from the crowd service: one bucket read by the host key's 3-digit
 * prefix (the service never learns which host is asked about), and the platforms' read only when the failing
 * answer came through one the contract knows. Only with the crowd opt-in (ctx.crowd), never for a private host.
 */
import { crowdEvidence } from '../../core/crowd/evidence';
import { lookupHost } from '../../core/crowd/read';
import { hostKeyOf, prefixOf } from '../../core/crowd/report';
import { viaOf } from '../../core/crowd/should-report';
import type { CrowdOutcome, EvidenceFor } from '../../model/evidence';
import { bareHost, noEvidence, refuseOutside } from '../kit/no-evidence';
import type { Check } from '../kit/types';

export const crowdCheck: Check = {
  id: 'crowd',
  needsConsent: false,
  optIn: 'crowd',
  async run(ctx, signal): Promise<EvidenceFor<'crowd'>> {
    const t0 = ctx.now();
    const crowd = ctx.crowd;
    if (!crowd) return noEvidence('crowd', 'not-consented', 0); // fail closed: no opt-in, nobody is asked
    const refused = refuseOutside({ host: ctx.host });
    if (refused) return noEvidence('crowd', refused, 0);
    const host = bareHost(ctx.host);
    const hostKey = await hostKeyOf(host);
    const via = viaOf(ctx.incident?.platform?.id);
    const [bucket, providers] = await Promise.all([
      crowd.readBucket(prefixOf(hostKey), signal),
      via ? crowd.readProviders(signal) : Promise.resolve(undefined),
    ]);
    if (signal.aborted) return noEvidence('crowd', 'aborted', ctx.now() - t0);
    const lookup = lookupHost(bucket, hostKey);
    if (lookup.kind === 'listed') crowd.onRead?.({ hostKey, level: lookup.host.level, at: ctx.now() });
    const found = crowdEvidence({ lookup, host, ...(via ? { via } : {}), ...(providers ? { providers } : {}) });
    const outcome: CrowdOutcome = {
      kind: lookup.kind === 'error' ? 'unread' : lookup.kind,
      weight: found.weight,
      ...(found.level ? { level: found.level } : {}),
      ...(found.asOf !== undefined ? { asOf: found.asOf } : {}),
      ...(found.provider ? { provider: found.provider } : {}),
    };
    return { check: 'crowd', outcome, summary: found.row, ms: ctx.now() - t0 };
  },
};
