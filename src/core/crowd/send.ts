// What to do after a report's request: a lost or slow service never holds anything up and is retried at most once.
// Pure: the caller owns the timer and the fetch; this only says whether, and after how long, to try again.

/** A report's request gives up after this long; nothing waits on it. */
export const SEND_TIMEOUT_MS = 5_000;
/** A bucket or providers read gives up after this long, so a diagnosis never waits on the crowd. */
export const READ_TIMEOUT_MS = 3_000;
/** The one retry comes 10–30 s later (spread so that a recovering service is not hit by everyone at once). */
export const RETRY_MIN_MS = 10_000;
export const RETRY_SPREAD_MS = 20_000;
/** A longer Retry-After than this is not waited for: the report would be stale. */
export const RETRY_AFTER_MAX_S = 60;

export type SendOutcome = { status: number; retryAfter?: string | null } | { failed: 'network' | 'timeout' };
export type AfterSend = { next: 'done' } | { next: 'drop' } | { next: 'retry'; inMs: number };

/** Retry-After as delta-seconds (what the service sends); a date or anything else is undefined. */
function retryAfterSeconds(value: string | null | undefined): number | undefined {
  const text = value?.trim() ?? '';
  return /^\d{1,6}$/.test(text) ? Number(text) : undefined;
}

/**
 * After attempt 1 or 2 of a report: 2xx is done; a 4xx other than 408/429 would fail again and is dropped; a 429
 * waits the service's Retry-After (at most 60 s); a 5xx, 408, network error or timeout retries once.
 * `random` in [0, 1) spreads the retry.
 */
export function afterSend(outcome: SendOutcome, attempt: number, random: number): AfterSend {
  if ('status' in outcome && outcome.status >= 200 && outcome.status < 300) return { next: 'done' };
  if (attempt >= 2) return { next: 'drop' };
  const spread = RETRY_MIN_MS + Math.floor(Math.min(Math.max(random, 0), 0.999_999) * RETRY_SPREAD_MS);
  if ('failed' in outcome) return { next: 'retry', inMs: spread };
  const { status } = outcome;
  if (status === 429) {
    const seconds = retryAfterSeconds(outcome.retryAfter);
    if (seconds === undefined) return { next: 'retry', inMs: spread };
    return seconds <= RETRY_AFTER_MAX_S ? { next: 'retry', inMs: Math.max(seconds * 1000, 1_000) } : { next: 'drop' };
  }
  if (status === 408 || (status >= 500 && status <= 599)) return { next: 'retry', inMs: spread };
  return { next: 'drop' };
}
