/**
 * The connectivity baseline: is the visitor online at all? A couple of well-known, highly
 * available endpoints are asked in parallel; the first one that answers exactly as it always does
 * settles it. An answer that is not what those endpoints send (a redirect, another status, another
 * body) means a captive portal or a filtering proxy sits in between. Nothing about the failing site
 * is sent, but Google and Cloudflare still learn that this browser is online now: it runs only with
 * the visitor's consent (source `connectivity`). Without it, online.ts judges from what the browser
 * already saw.
 */
import { fetchStatus, fetchText, type HttpFailure, timeLeft } from '../kit/http';
import { noEvidence } from '../kit/no-evidence';
import type { Check, CheckContext, ConnectivityEndpoint } from '../kit/types';
import type { EvidenceFor } from '../../model/evidence';

export const CONNECTIVITY_TIMEOUT_MS = 4_000;
const BODY_BYTES = 4096;

type Attempt =
  | { kind: 'expected'; via: string }
  | { kind: 'unexpected'; via: string; status: number }
  | { kind: 'failed'; reason: HttpFailure['reason'] };

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 100);
  }
};

async function attempt(ctx: CheckContext, endpoint: ConnectivityEndpoint, timeoutMs: number, signal: AbortSignal): Promise<Attempt> {
  const via = hostOf(endpoint.url);
  // Never followed: a captive portal shows itself by the redirect to its login page, which is answer enough.
  const options = { timeoutMs, signal, okStatus: () => true };
  let answer: { status: number; redirected: boolean; body?: string };
  if (endpoint.expectBody) {
    const result = await fetchText(ctx, endpoint.url, { ...options, maxBytes: BODY_BYTES, truncate: true });
    if (!result.ok) return { kind: 'failed', reason: result.reason };
    answer = { status: result.status, redirected: result.redirected, body: result.text };
  } else {
    const result = await fetchStatus(ctx, endpoint.url, options);
    if (!result.ok) return { kind: 'failed', reason: result.reason };
    answer = { status: result.status, redirected: result.redirected };
  }
  const bodyOk = !endpoint.expectBody || (answer.body ?? '').includes(endpoint.expectBody);
  return answer.status === endpoint.expectStatus && !answer.redirected && bodyOk
    ? { kind: 'expected', via }
    : { kind: 'unexpected', via, status: answer.status };
}

export const connectivityCheck: Check = {
  id: 'connectivity',
  needsConsent: true,
  async run(ctx: CheckContext, signal: AbortSignal): Promise<EvidenceFor<'connectivity'>> {
    const started = ctx.now();
    const endpoints = ctx.endpoints.connectivity;
    if (endpoints.length === 0) return noEvidence('connectivity', 'not-applicable', 0);
    // The first expected answer ends the check: the others are aborted.
    const inner = new AbortController();
    const forward = () => inner.abort();
    signal.addEventListener('abort', forward, { once: true });
    const timeoutMs = timeLeft(ctx, CONNECTIVITY_TIMEOUT_MS);
    const attempts = await new Promise<Attempt[]>((resolve) => {
      const done: Attempt[] = [];
      for (const endpoint of endpoints) {
        void attempt(ctx, endpoint, timeoutMs, inner.signal).then((a) => {
          done.push(a);
          if (a.kind === 'expected' || done.length === endpoints.length) resolve(done);
        });
      }
    });
    inner.abort();
    signal.removeEventListener('abort', forward);
    const ms = ctx.now() - started;

    const expected = attempts.find((a) => a.kind === 'expected');
    if (expected)
      return {
        check: 'connectivity',
        outcome: { kind: 'online', via: expected.via },
        summary: { key: 'check_connectivity_online', subs: [expected.via] },
        ms,
      };
    const unexpected = attempts.find((a): a is Extract<Attempt, { kind: 'unexpected' }> => a.kind === 'unexpected');
    if (unexpected) {
      return {
        check: 'connectivity',
        outcome: { kind: 'intercepted', via: unexpected.via, status: unexpected.status },
        summary: { key: 'check_connectivity_intercepted' },
        ms,
      };
    }
    if (signal.aborted) return noEvidence('connectivity', 'aborted', ms);
    return {
      check: 'connectivity',
      outcome: { kind: 'offline', tried: endpoints.length },
      summary: { key: 'check_connectivity_offline' },
      ms,
    };
  },
};
