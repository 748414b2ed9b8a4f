/**
 * Re-probe: does the site answer the browser now? One GET of the failing page itself when it was
 * a GET (a site whose home page works while /checkout fails is not "back up"), otherwise of the
 * origin's root (a POST target is never requested again); the fragment is never sent. Bypasses the
 * HTTP cache, sends no cookies, reads the status line only. The request goes to the site itself,
 * which knows its own URLs. Local: nothing leaves the browser except this request to the site
 * itself, so it runs without consent, private hosts included.
 */
import { readStatus } from '../../core/diagnosis/verdict';
import { describeUrl, NAVIGATION_ACCEPT, reprobeTarget } from '../../core/net/url';
import { quietUntil } from '../../core/retry/quiet';
import { fetchStatus, timeLeft } from '../kit/http';
import { noEvidence } from '../kit/no-evidence';
import type { Check, CheckContext } from '../kit/types';
import type { EvidenceFor } from '../../model/evidence';

export const REPROBE_TIMEOUT_MS = 8_000;
/** A re-probe answer this recent (Chrome builds fetch one with the failure's headers) is not asked again. */
export const REPROBE_REUSE_MS = 10_000;

export const reprobeCheck: Check = {
  id: 'reprobe',
  needsConsent: false,
  async run(ctx: CheckContext, signal: AbortSignal): Promise<EvidenceFor<'reprobe'>> {
    const started = ctx.now();
    const origin = describeUrl(ctx.origin);
    if (!origin.ok || !origin.isWeb) return noEvidence('reprobe', 'not-applicable', 0);
    const timeoutMs = timeLeft(ctx, REPROBE_TIMEOUT_MS);
    const recent = ctx.incident?.reprobe;
    if (recent && ctx.now() - recent.at >= 0 && ctx.now() - recent.at <= REPROBE_REUSE_MS)
      return answered(recent.status, recent.redirected, ctx.incident?.retryAfter, 0);
    // A site that asked for quiet (503/429, its Retry-After) is not asked again before that (core/quiet).
    const incident = ctx.incident;
    const quiet = incident ? quietUntil({ status: incident.status, retryAfter: incident.retryAfter, at: incident.time }) : 0;
    if (quiet > ctx.now()) return noEvidence('reprobe', 'rate-limited', 0);
    const target = reprobeTarget(ctx.url, ctx.incident?.method, origin.origin)!;
    // Never follows a redirect (it could point anywhere, a device on the visitor's network included):
    // a redirect already says the site answers.
    const result = await fetchStatus(ctx, target, { method: 'GET', headers: { accept: NAVIGATION_ACCEPT }, timeoutMs, signal });
    const ms = ctx.now() - started;
    if (!result.ok) {
      if (result.reason === 'aborted') return noEvidence('reprobe', 'aborted', ms);
      const error = result.reason === 'timeout' ? 'timeout' : 'network';
      return {
        check: 'reprobe',
        outcome: { kind: 'unreachable', error },
        summary:
          error === 'timeout'
            ? { key: 'check_reprobe_timeout', subs: [String(Math.round(timeoutMs / 1000))] }
            : { key: 'check_reprobe_unreachable' },
        ms,
      };
    }
    return answered(result.status, result.redirected, result.headers.get('retry-after') ?? undefined, ms);
  },
};

function answered(status: number, redirected: boolean, rawRetryAfter: string | undefined, ms: number): EvidenceFor<'reprobe'> {
  const retryAfter = rawRetryAfter?.slice(0, 64);
  const kind = readStatus(status);
  const key = kind === 'up' ? 'check_reprobe_up' : kind === 'refused' ? 'check_reprobe_refused' : 'check_reprobe_error';
  return {
    check: 'reprobe',
    outcome: { kind: 'answered', status, redirected, ...(retryAfter ? { retryAfter } : {}) },
    summary: { key, subs: [String(status)] },
    ms,
  };
}
