/**
 * The one way checks talk HTTP. Every answer from the outside world is treated as hostile:
 *
 * - time-limited: a timer aborts the request, and every await (headers, each body chunk) is raced
 *   against that abort, so even a fetch that ignores its signal cannot hang a check;
 * - size-limited while streaming: the body is read chunk by chunk and abandoned past `maxBytes`
 *   (Content-Length is not trusted, and chunked answers have none);
 * - parsed defensively: JSON.parse is guarded, then a hand-written parser keeps only what it
 *   recognises (see src/core/schema/validate.ts);
 * - rate-limited: with a `rateKey`, nothing is sent when the service's budget is spent, and a
 *   429 stops requests to it until its reset time.
 *
 * - redirect-safe: the browser never follows a redirect (`redirect: 'manual'`); a request that
 *   allows hops (`follow`) follows one only when its Location is readable and core/net/next-hop.ts
 *   accepts it (https, public name, public addresses, the same site, few hops). Chromium and
 *   Firefox hide that Location from extensions, so there a redirect is the answer.
 *
 * Anything odd comes back as `{ ok: false, reason }`, never as a throw. Requests carry no cookies,
 * no referrer and bypass the HTTP cache.
 */
import { isRedirect, nextHop, publicAddresses, type HopPolicy } from '../../core/net/next-hop';
import { parseRetryAfter } from '../../core/retry/retry-after';
import { after, cancel } from '../../core/async/timers';
import { deadline, readLimited, TooLarge, type Guard } from '../../core/net/deadline';
import type { CheckContext } from './types';
import type { NoEvidenceReason } from '../../model/evidence';

export interface HttpFailure {
  ok: false;
  reason: NoEvidenceReason;
  status?: number;
  retryAt?: number;
}

export interface RequestOptions {
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal: AbortSignal;
  /**
   * Redirect hops this request may follow, each judged by core/net/next-hop.ts. Default none: outside
   * services are called at known URLs, and a redirect is the answer (an error unless `okStatus` takes it).
   */
  follow?: HopPolicy;
  /** Budget key for ctx.limiter (`check-host`, `doh:Google`, …). Polls of a running measurement pass none. */
  rateKey?: string;
  /** Statuses that count as an answer; default 2xx. */
  okStatus?: (status: number) => boolean;
}

export interface JsonOptions<T> extends RequestOptions {
  maxBytes: number;
  /** Returns the clean value, or undefined when the shape is wrong. */
  parse: (value: unknown) => T | undefined;
}

export type JsonResult<T> = { ok: true; value: T; status: number; headers: Headers } | HttpFailure;
export type TextResult = { ok: true; text: string; status: number; headers: Headers; redirected: boolean } | HttpFailure;
export type StatusResult = { ok: true; status: number; headers: Headers; redirected: boolean } | HttpFailure;

const is2xx = (status: number) => status >= 200 && status <= 299;

/**
 * A check wraps up this long before its deadline, so that its own answer ("timed out", or the
 * partial results it has) arrives before runChecks gives up on it.
 */
export const DEADLINE_MARGIN_MS = 20;

/** Milliseconds left before `capMs` or (a margin before) the check's deadline, whichever comes first. */
export function timeLeft(ctx: Pick<CheckContext, 'deadlineAt' | 'now'>, capMs: number): number {
  if (ctx.deadlineAt === undefined) return capMs;
  return Math.max(0, Math.min(capMs, ctx.deadlineAt - DEADLINE_MARGIN_MS - ctx.now()));
}

/** Resolves `true` after `ms`, or `false` as soon as `signal` aborts. Never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = after(Math.max(0, ms), () => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    });
    const onAbort = () => {
      cancel(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export async function fetchJson<T>(ctx: CheckContext, url: string, options: JsonOptions<T>): Promise<JsonResult<T>> {
  const result = await request(ctx, url, options, async (response, _answer, guard) => {
    const bytes = await readLimited(response.body, options.maxBytes, guard);
    let json: unknown;
    try {
      // fatal: JSON is UTF-8 (RFC 8259); an answer with other bytes is malformed, not silently repaired.
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      return fail('malformed', response.status);
    }
    let value: T | undefined;
    try {
      value = options.parse(json);
    } catch {
      value = undefined; // a parser bug is still only "no evidence"
    }
    return value === undefined
      ? fail('malformed', response.status)
      : { ok: true as const, value, status: response.status, headers: response.headers };
  });
  return result;
}

/** The body as text; with `truncate`, a longer body is cut at `maxBytes` instead of refused. */
export async function fetchText(
  ctx: CheckContext,
  url: string,
  options: RequestOptions & { maxBytes: number; truncate?: boolean },
): Promise<TextResult> {
  return request(ctx, url, options, async (response, answer, guard) => {
    const bytes = await readLimited(response.body, options.maxBytes, guard, options.truncate);
    return {
      ok: true as const,
      text: new TextDecoder().decode(bytes),
      status: answer.status,
      headers: response.headers,
      redirected: answer.redirected,
    };
  });
}

/**
 * With `redirect: 'manual'` a browser hands an extension an opaque answer for a redirect (status
 * 0, no headers): it stands for "some 3xx" here, with `redirected` set.
 */
export const OPAQUE_REDIRECT_STATUS = 300;

/** Status and headers only; the body is cancelled unread. Every status (429 included) counts as an answer. */
export async function fetchStatus(ctx: CheckContext, url: string, options: Omit<RequestOptions, 'okStatus'>): Promise<StatusResult> {
  return request(ctx, url, { ...options, okStatus: () => true }, async (response, answer) => {
    void response.body?.cancel().catch(() => undefined);
    return { ok: true as const, status: answer.status, headers: response.headers, redirected: answer.redirected };
  });
}

const fail = (reason: NoEvidenceReason, status?: number, retryAt?: number): HttpFailure => ({
  ok: false,
  reason,
  ...(status !== undefined ? { status } : {}),
  ...(retryAt !== undefined ? { retryAt } : {}),
});

async function request<R extends { ok: true }>(
  ctx: CheckContext,
  url: string,
  options: RequestOptions,
  consume: (response: Response, answer: { status: number; redirected: boolean }, guard: Guard) => Promise<R | HttpFailure>,
): Promise<R | HttpFailure> {
  if (options.signal.aborted) return fail('aborted');
  if (options.rateKey && ctx.limiter) {
    const token = ctx.limiter.take(options.rateKey);
    if (!token.allowed) return fail('rate-limited', undefined, token.retryAt);
  }

  const limit = deadline(options.signal, options.timeoutMs);
  const { guard } = limit;

  try {
    // Called unbound: browsers throw "Illegal invocation" for fetch with a foreign `this`.
    const fetchFn = ctx.fetch;
    let target = url;
    let response: Response;
    let redirected = false;
    for (let hop = 1; ; hop += 1) {
      response = await guard(
        fetchFn(target, {
          method: options.method ?? 'GET',
          ...(options.headers ? { headers: options.headers } : {}),
          ...(options.body !== undefined ? { body: options.body } : {}),
          signal: limit.signal,
          cache: 'no-store',
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
          redirect: 'manual',
        }),
      );
      if (!isRedirect(response.type, response.status)) break;
      redirected = true;
      const location = response.type === 'opaqueredirect' ? null : response.headers.get('location');
      const next = nextHop(target, location, hop, options.follow);
      if (!next.follow || !(await guard(hopResolvesPublic(ctx, next.url)))) break;
      void response.body?.cancel().catch(() => undefined);
      target = next.url;
    }
    // A redirect not followed is the answer: some 3xx (the opaque one's status is hidden).
    const status = response.type === 'opaqueredirect' ? OPAQUE_REDIRECT_STATUS : response.status;
    if (!(options.okStatus ?? is2xx)(status)) {
      void response.body?.cancel().catch(() => undefined);
      if (status !== 429) return fail('http-error', status);
      const retryAt = rateLimitReset(response.headers, ctx.now());
      if (options.rateKey) ctx.limiter?.backOff(options.rateKey, retryAt);
      return fail('rate-limited', 429, retryAt);
    }
    return await consume(response, { status, redirected: redirected || response.redirected }, guard);
  } catch (error) {
    const cause = limit.cause();
    if (cause) return fail(cause);
    if (error instanceof TooLarge) return fail('too-large');
    return fail('network');
  } finally {
    limit.dispose();
  }
}

/**
 * A hop's name must resolve to public addresses only. That takes the browser's own resolver
 * (Firefox `dns.resolve`); without one nothing says where the name leads, so it is not followed.
 */
async function hopResolvesPublic(ctx: CheckContext, url: string): Promise<boolean> {
  if (!ctx.resolveDns) return false;
  try {
    return publicAddresses(await ctx.resolveDns(new URL(url).hostname));
  } catch {
    return false;
  }
}

/**
 * When a 429-ing service will take requests again (ctx.now() time): `Retry-After` (seconds or a
 * date), else Globalping's `X-RateLimit-Reset` (seconds until the window resets). Bounded by the
 * limiter; `undefined` when neither header is usable.
 */
export function rateLimitReset(headers: Headers, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after') ?? undefined, now);
  if (retryAfter !== undefined) return now + retryAfter;
  const reset = headers.get('x-ratelimit-reset');
  if (reset && /^\d{1,7}$/.test(reset.trim())) return now + Number(reset.trim()) * 1000;
  return undefined;
}
