/**
 * The cheapest question to ask a failing server: "would this page load now?". One GET of the
 * probe URL (core/net/url.ts `reprobeTarget`: never a query string), read up to the status line only
 * (the body is cancelled), bypassing the HTTP cache, without cookies or referrer (nothing of the
 * visitor's session is replayed, nothing is stored: incognito tabs leave no trace), bounded in
 * time, and asking for a page as a navigation does (its Accept header). A redirect is never
 * followed: with host access to every site a background request bypasses CORS, and a failing site
 * must not be able to point it at another origin (a device on the visitor's network, say); the
 * redirect itself already says the server answers. Every background request goes through
 * fetch-limit.ts (a few slots, no redirect, no cookies). What a server can still tell: docs/requests.md.
 */
import { guardedFetch, inBackgroundSlot } from './fetch-limit';
import { isRedirect } from '../core/net/next-hop';
import { NAVIGATION_ACCEPT } from '../core/net/url';
import { after, cancel } from '../core/async/timers';

export interface ProbeResult {
  /** The status; absent for a network failure and for a redirect whose status the browser hides. */
  status?: number;
  /** The server answered with a redirect, which was not followed. */
  redirect?: boolean;
  retryAfter?: string;
  /** Network failure or timeout: the probe never got a status. */
  error?: string;
  ms: number;
}

export const PROBE_TIMEOUT_MS = 15_000;

export async function probe(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const started = performance.now();
  const answer = await askOnce(url, timeoutMs);
  const ms = performance.now() - started;
  if ('error' in answer) return { error: answer.error, ms };
  const retryAfter = answer.headers.get('retry-after');
  return {
    ...(answer.status !== undefined ? { status: answer.status } : {}),
    ...(answer.redirect ? { redirect: true } : {}),
    ...(retryAfter ? { retryAfter: retryAfter.slice(0, 64) } : {}),
    ms,
  };
}

type Answer = { status: number | undefined; headers: Headers; redirect: boolean } | { error: string };

/**
 * One GET as described above: the status line and headers, or why there were none. With
 * `redirect: 'manual'` browsers hand an extension an opaque answer for a redirect (status 0, no
 * headers): that is reported as a redirect without a status. The timeout runs from the moment the
 * request leaves, not while it waits for a slot.
 */
function askOnce(url: string, timeoutMs: number): Promise<Answer> {
  return inBackgroundSlot(async (): Promise<Answer> => {
    const controller = new AbortController();
    const timer = after(timeoutMs, () => controller.abort());
    try {
      const response = await guardedFetch(url, { method: 'GET', headers: { accept: NAVIGATION_ACCEPT }, signal: controller.signal });
      void response.body?.cancel().catch(() => undefined);
      const redirect = isRedirect(response.type, response.status);
      return { status: response.type === 'opaqueredirect' ? undefined : response.status, headers: response.headers, redirect };
    } catch (error) {
      return { error: controller.signal.aborted ? 'timeout' : error instanceof Error ? error.name : 'error' };
    } finally {
      cancel(timer);
    }
  });
}

export interface HeaderProbeResult {
  status?: number;
  /** Every response header the fetch may read (the classifier keeps its allowlist of them). */
  headers: Array<{ name: string; value: string }>;
  /** The answer was a redirect (not followed; its status may be hidden, see `askOnce`). */
  redirected: boolean;
  error?: string;
  /** When the answer came (epoch ms). */
  at: number;
}

/** Header probes of the same URL within this window share one request (several tabs failing together). */
const HEADER_PROBE_SHARE_MS = 5_000;
export const HEADER_PROBE_TIMEOUT_MS = 4_000;
const recentHeaderProbes = new Map<string, { at: number; answer: Promise<HeaderProbeResult> }>();

/**
 * Chrome builds cannot see a failing response's own headers (no webRequest, see navigation.ts):
 * one GET like `probe`, right after the failure, answers with the gateway's headers instead.
 */
export function probeHeaders(url: string, timeoutMs = HEADER_PROBE_TIMEOUT_MS): Promise<HeaderProbeResult> {
  const now = Date.now();
  for (const [key, entry] of recentHeaderProbes) if (now - entry.at > HEADER_PROBE_SHARE_MS) recentHeaderProbes.delete(key);
  const shared = recentHeaderProbes.get(url);
  if (shared) return shared.answer;
  const answer = askOnce(url, timeoutMs).then((a): HeaderProbeResult => {
    if ('error' in a) return { headers: [], redirected: false, error: a.error, at: Date.now() };
    const headers: Array<{ name: string; value: string }> = [];
    a.headers.forEach((value, name) => {
      if (headers.length < 100) headers.push({ name, value: value.slice(0, 1024) });
    });
    return { ...(a.status !== undefined ? { status: a.status } : {}), headers, redirected: a.redirect, at: Date.now() };
  });
  recentHeaderProbes.set(url, { at: now, answer });
  return answer;
}
