/**
 * Online, by what the browser already knows (no request at all): it says it is offline, or the
 * page failed with "internet disconnected"; or another site answered a page load within the last
 * minute. Anything else is "can't say" here; the connectivity baseline (connectivity.ts) asks
 * well-known endpoints, with the visitor's consent.
 */
import { noEvidence } from '../kit/no-evidence';
import type { Check, CheckContext } from '../kit/types';
import type { EvidenceFor } from '../../model/evidence';

export const onlineCheck: Check = {
  id: 'online',
  needsConsent: false,
  async run(ctx: CheckContext): Promise<EvidenceFor<'online'>> {
    const seen = ctx.browser;
    if (seen?.online === false || ctx.incident?.netError === 'offline') {
      return { check: 'online', outcome: { kind: 'offline' }, summary: { key: 'check_online_offline' }, ms: 0 };
    }
    const ago = seen?.otherSiteAnsweredAgoMs;
    if (typeof ago === 'number' && Number.isFinite(ago) && ago >= 0) {
      const seconds = String(Math.max(1, Math.round(ago / 1000)));
      return { check: 'online', outcome: { kind: 'online', agoMs: ago }, summary: { key: 'check_online_recent', subs: [seconds] }, ms: 0 };
    }
    return noEvidence('online', 'not-applicable', 0);
  },
};
