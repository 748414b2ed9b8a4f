// The crowd service over HTTP, and nothing else: reports go out and bucket/provider reads come back under the rules
// of src/core/crowd/ (send.ts, read.ts). Every request goes through fetch-limit.ts (a slot, no redirect followed, no
// cookies or referrer), is time- and size-limited, and anything odd becomes an 'error' outcome, never a throw.
import { after as setTimer, cancel } from '../core/async/timers';
import { AnswerCache } from '../core/crowd/answer-cache';
import {
  bucketPath,
  freshUntil,
  parseBucket,
  parseProviders,
  PROVIDERS_PATH,
  type BucketRead,
  type ProvidersRead,
} from '../core/crowd/read';
import { isJsonContentType, isPrefix, MAX_REPORT_BYTES, parseReport, type CrowdReport } from '../core/crowd/report';
import { sendWithRetry, type After } from '../core/crowd/schedule';
import { READ_TIMEOUT_MS, SEND_TIMEOUT_MS, type SendOutcome } from '../core/crowd/send';
import { parseServiceUrl } from '../core/crowd/service-url';
import { deadline, readLimited, TooLarge } from '../core/net/deadline';
import { guardedFetch, inBackgroundSlot } from './fetch-limit';

/** Largest read answer accepted: a bucket's listed hosts are few; 64 KB holds about 400 rows. */
export const MAX_READ_BYTES = 64 * 1024;
/** A report's answer is `{"counted":true}`. */
export const MAX_SEND_ANSWER_BYTES = 1024;

export type CrowdFailure =
  | 'invalid-request' // a bad service address, prefix or report: nothing was sent
  | 'aborted'
  | 'timeout'
  | 'network'
  | 'redirect' // never followed
  | 'http-status'
  | 'too-large'
  | 'malformed';

export type CrowdError = { outcome: 'error'; reason: CrowdFailure; status?: number };
export type SendResult = ({ outcome: 'stored'; counted: boolean } | CrowdError) & { attempts: number };
export type ReadResult<T> = { outcome: 'ok'; value: T; receivedAt: number; freshUntil: number; cached: boolean } | CrowdError;

export interface SendOptions {
  signal?: AbortSignal;
  /** The timer for the one retry (default: core/async/timers). */
  after?: After;
  /** In [0, 1): spreads the retry (default Math.random). */
  random?: () => number;
  timeoutMs?: number;
}
export interface ReadOptions {
  signal?: AbortSignal;
  now?: () => number;
  timeoutMs?: number;
}

const timers: After = (ms, run) => {
  const timer = setTimer(ms, run);
  return () => cancel(timer);
};

type Answer = { ok: true; status: number; headers: Headers; bytes: Uint8Array } | { ok: false; error: CrowdError };
const failure = (reason: CrowdFailure, status?: number): { ok: false; error: CrowdError } => ({
  ok: false,
  error: { outcome: 'error', reason, ...(status !== undefined ? { status } : {}) },
});

/** One request in a background slot; its timer starts in the slot and bounds the headers and every body chunk. */
function limitedRequest(url: string, init: RequestInit, limits: { timeoutMs: number; maxBytes: number; signal?: AbortSignal }) {
  return inBackgroundSlot(async (): Promise<Answer> => {
    if (limits.signal?.aborted) return failure('aborted');
    const limit = deadline(limits.signal, limits.timeoutMs);
    try {
      const response = await limit.guard(guardedFetch(url, { ...init, signal: limit.signal }));
      if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status <= 399)) {
        void response.body?.cancel().catch(() => undefined);
        return failure('redirect', response.status || undefined);
      }
      try {
        const bytes = await readLimited(response.body, limits.maxBytes, limit.guard);
        return { ok: true, status: response.status, headers: response.headers, bytes };
      } catch (error) {
        if (error instanceof TooLarge && !limit.cause()) return failure('too-large', response.status);
        throw error;
      }
    } catch {
      return failure(limit.cause() ?? 'network');
    } finally {
      limit.dispose();
    }
  });
}

/** JSON as the service writes it: UTF-8 (invalid bytes are malformed, not repaired) with a JSON content type. */
function jsonOf(answer: { headers: Headers; bytes: Uint8Array }): unknown {
  if (!isJsonContentType(answer.headers.get('content-type'))) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(answer.bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/** What one report attempt did on the wire, for send.ts's rules, and what it means for the caller. */
async function postOnce(url: string, body: string, options: SendOptions): Promise<{ outcome: SendOutcome; result: SendResult }> {
  const answer = await limitedRequest(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body },
    {
      timeoutMs: options.timeoutMs ?? SEND_TIMEOUT_MS,
      maxBytes: MAX_SEND_ANSWER_BYTES,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  if (!answer.ok) {
    const { error } = answer;
    // A redirect or an oversized answer is an answer: send.ts drops it (3xx) rather than retrying.
    const outcome: SendOutcome =
      error.reason === 'timeout' || error.reason === 'aborted'
        ? { failed: 'timeout' }
        : error.reason === 'network'
          ? { failed: 'network' }
          : { status: error.status ?? 300 };
    return { outcome, result: { ...error, attempts: 0 } };
  }
  const outcome: SendOutcome = { status: answer.status, retryAfter: answer.headers.get('retry-after') };
  if (answer.status < 200 || answer.status > 299)
    return { outcome, result: { outcome: 'error', reason: 'http-status', status: answer.status, attempts: 0 } };
  const json = jsonOf(answer) as { counted?: unknown } | undefined;
  const counted = json && typeof json === 'object' ? json.counted : undefined;
  if (typeof counted !== 'boolean')
    return { outcome, result: { outcome: 'error', reason: 'malformed', status: answer.status, attempts: 0 } };
  return { outcome, result: { outcome: 'stored', counted, attempts: 0 } };
}

/**
 * `POST /v1/reports`: the report is checked against the contract first (a bad one is never sent), then sent with
 * send.ts's time limit and at most one retry. Resolves when it is stored, dropped or given up; never rejects.
 */
export async function sendReport(serviceUrl: string, report: CrowdReport, options: SendOptions = {}): Promise<SendResult> {
  const service = parseServiceUrl(serviceUrl);
  const checked = parseReport(report);
  const body = checked.ok ? JSON.stringify(checked.value) : '';
  if (!service.ok || !checked.ok || new TextEncoder().encode(body).byteLength > MAX_REPORT_BYTES) {
    return { outcome: 'error', reason: 'invalid-request', attempts: 0 };
  }
  if (options.signal?.aborted) return { outcome: 'error', reason: 'aborted', attempts: 0 };
  const url = `${service.url}/v1/reports`;
  try {
    const done = await sendWithRetry(() => postOnce(url, body, options), {
      after: options.after ?? timers,
      random: options.random ?? Math.random,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ...done.result, attempts: done.attempts };
  } catch {
    return { outcome: 'error', reason: 'network', attempts: 1 }; // an injected timer that throws: still no throw
  }
}

const buckets = new AnswerCache<BucketRead>();
const providers = new AnswerCache<ProvidersRead>();

async function read<T>(
  url: string,
  cache: AnswerCache<T>,
  parse: (body: unknown) => T | undefined,
  options: ReadOptions,
): Promise<ReadResult<T>> {
  const now = options.now ?? Date.now;
  const hit = cache.get(url, now());
  if (hit) return { outcome: 'ok', value: hit.value, receivedAt: hit.receivedAt, freshUntil: hit.freshUntil, cached: true };
  const answer = await limitedRequest(
    url,
    { method: 'GET', headers: { accept: 'application/json' } },
    { timeoutMs: options.timeoutMs ?? READ_TIMEOUT_MS, maxBytes: MAX_READ_BYTES, ...(options.signal ? { signal: options.signal } : {}) },
  );
  if (!answer.ok) return answer.error;
  if (answer.status !== 200) return { outcome: 'error', reason: 'http-status', status: answer.status };
  const value = parse(jsonOf(answer));
  if (value === undefined) return { outcome: 'error', reason: 'malformed', status: 200 };
  const receivedAt = now();
  const until = freshUntil(receivedAt, answer.headers.get('cache-control'));
  cache.set(url, value, receivedAt, until);
  return { outcome: 'ok', value, receivedAt, freshUntil: until, cached: false };
}

/** `GET /v1/buckets/{prefix}`: the service learns only the 3-digit prefix. Cached as the service says. */
export function readBucket(serviceUrl: string, prefix: string, options: ReadOptions = {}): Promise<ReadResult<BucketRead>> {
  const service = parseServiceUrl(serviceUrl);
  if (!service.ok || !isPrefix(prefix)) return Promise.resolve({ outcome: 'error', reason: 'invalid-request' });
  // bucketPath takes a host key; any key of this prefix names the same bucket.
  const url = `${service.url}${bucketPath(prefix.padEnd(64, '0'))}`;
  return read(url, buckets, (body) => parseBucket(body, prefix), options);
}

/** `GET /v1/providers`: the platforms failing for many sites right now. Cached as the service says. */
export function readProviders(serviceUrl: string, options: ReadOptions = {}): Promise<ReadResult<ProvidersRead>> {
  const service = parseServiceUrl(serviceUrl);
  if (!service.ok) return Promise.resolve({ outcome: 'error', reason: 'invalid-request' });
  return read(`${service.url}${PROVIDERS_PATH}`, providers, parseProviders, options);
}

/** Forgets every cached answer (the visitor opted out, or the service address changed). */
export function clearCrowdCache(): void {
  buckets.clear();
  providers.clear();
}

export { builtInServiceUrl } from './crowd-build';
