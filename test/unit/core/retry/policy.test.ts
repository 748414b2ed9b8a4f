import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RETRY_AFTER_MAX_MS } from '../../../../src/core/retry/retry-after';
import {
  DEFAULT_RETRY_OPTIONS,
  RETRYABLE_METHODS,
  RETRYABLE_STATUSES,
  isRetryable,
  nextRetryDelay,
  type BackoffOptions,
  type RetryCandidate,
  type RetryDecision,
} from '../../../../src/core/retry/policy';
import type { NetErrorCategory } from '../../../../src/model/incident';

const SERVER_ERRORS = [500, 502, 503, 504, 520, 521, 522, 523, 524, 527, 530];
const NOT_RETRIED = [200, 204, 301, 304, 400, 401, 403, 404, 408, 410, 418, 451, 501, 505, 511, 525, 526, 599];
const NET_ERRORS: NetErrorCategory[] = ['dns', 'refused', 'reset', 'timed-out', 'offline', 'other'];
const OTHER_METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'get ', ''];

describe('isRetryable', () => {
  const cases: Array<[string, RetryCandidate, RetryDecision]> = [
    ...SERVER_ERRORS.flatMap((status): Array<[string, RetryCandidate, RetryDecision]> => [
      [`GET ${status}`, { method: 'GET', status }, { retry: true, reason: 'server-error' }],
      [`HEAD ${status}`, { method: 'HEAD', status }, { retry: true, reason: 'server-error' }],
      [`POST ${status}`, { method: 'POST', status }, { retry: false, reason: 'method' }],
    ]),
    ...NOT_RETRIED.flatMap((status): Array<[string, RetryCandidate, RetryDecision]> => [
      [`GET ${status}`, { method: 'GET', status }, { retry: false, reason: 'status' }],
      // The UI must not offer to resubmit a form whose answer waiting would not change.
      [`POST ${status}`, { method: 'POST', status }, { retry: false, reason: 'status' }],
    ]),
    ['GET 429 with Retry-After', { method: 'GET', status: 429, retryAfterMs: 5_000 }, { retry: true, reason: 'rate-limited' }],
    ['GET 429 with Retry-After: 0', { method: 'GET', status: 429, retryAfterMs: 0 }, { retry: true, reason: 'rate-limited' }],
    ['GET 429 without Retry-After', { method: 'GET', status: 429 }, { retry: false, reason: 'no-retry-after' }],
    [
      'GET 429 with a NaN Retry-After',
      { method: 'GET', status: 429, retryAfterMs: Number.NaN },
      { retry: false, reason: 'no-retry-after' },
    ],
    ['GET 429 with a negative Retry-After', { method: 'GET', status: 429, retryAfterMs: -1 }, { retry: false, reason: 'no-retry-after' }],
    [
      'GET 429 with an infinite Retry-After',
      { method: 'GET', status: 429, retryAfterMs: Infinity },
      { retry: false, reason: 'no-retry-after' },
    ],
    ['POST 429 with Retry-After', { method: 'POST', status: 429, retryAfterMs: 5_000 }, { retry: false, reason: 'method' }],
    ['POST 429 without Retry-After', { method: 'POST', status: 429 }, { retry: false, reason: 'no-retry-after' }],
    ...NET_ERRORS.flatMap((netError): Array<[string, RetryCandidate, RetryDecision]> => [
      [`GET ${netError}`, { method: 'GET', netError }, { retry: true, reason: 'network' }],
      [`POST ${netError}`, { method: 'POST', netError }, { retry: false, reason: 'method' }],
    ]),
    ['GET tls', { method: 'GET', netError: 'tls' }, { retry: false, reason: 'tls' }],
    ['POST tls', { method: 'POST', netError: 'tls' }, { retry: false, reason: 'tls' }],
    ['network error wins over a status', { method: 'GET', status: 404, netError: 'reset' }, { retry: true, reason: 'network' }],
    ['tls wins over a retryable status', { method: 'GET', status: 502, netError: 'tls' }, { retry: false, reason: 'tls' }],
    ['no outcome at all', { method: 'GET' }, { retry: false, reason: 'status' }],
    ['lower-case method', { method: 'get', status: 502 }, { retry: true, reason: 'server-error' }],
    ['unknown method', { method: undefined, status: 502 }, { retry: false, reason: 'method' }],
    ...OTHER_METHODS.map((method): [string, RetryCandidate, RetryDecision] => [
      `${JSON.stringify(method)} 503`,
      { method, status: 503 },
      { retry: false, reason: 'method' },
    ]),
  ];

  it.each(cases)('%s', (_name, candidate, expected) => {
    expect(isRetryable(candidate)).toEqual(expected);
  });

  it('only ever retries GET/HEAD with a retryable outcome', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'get', 'head'), fc.string(), fc.constant(undefined)),
        fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
        fc.option(fc.constantFrom<NetErrorCategory>(...NET_ERRORS, 'tls'), { nil: undefined }),
        fc.option(fc.double(), { nil: undefined }),
        (method, status, netError, retryAfterMs) => {
          const decision = isRetryable({ method, status, netError, retryAfterMs });
          if (!decision.retry) return true;
          const idempotent = RETRYABLE_METHODS.has((method ?? '').toUpperCase());
          const outcome =
            netError !== undefined
              ? netError !== 'tls'
              : status !== undefined &&
                (RETRYABLE_STATUSES.has(status) || (status === 429 && Number.isFinite(retryAfterMs) && retryAfterMs! >= 0));
          return idempotent && outcome;
        },
      ),
    );
  });
});

const D = DEFAULT_RETRY_OPTIONS;
const fixed = (x: number) => () => x;
const ALMOST_ONE = 1 - 2 ** -53;

describe('nextRetryDelay', () => {
  it.each<[string, number, number, number | undefined, number]>([
    ['first retry, lowest draw: the floor', 1, 0, undefined, D.minDelayMs],
    ['first retry, highest draw: the first window', 1, 1, undefined, D.firstDelayMs],
    ['first retry, middle draw', 1, 0.5, undefined, (D.minDelayMs + D.firstDelayMs) / 2],
    ['second retry, highest draw: the window has doubled', 2, 1, undefined, D.firstDelayMs * D.factor],
    ['seventh retry reaches the cap', 7, 1, undefined, D.maxDelayMs],
    ['hundredth retry stays at the cap', 100, 1, undefined, D.maxDelayMs],
    ['absurd attempt does not overflow', 1e9, 1, undefined, D.maxDelayMs],
    ['attempt 0 counts as the first', 0, 1, undefined, D.firstDelayMs],
    ['negative attempt counts as the first', -3, 1, undefined, D.firstDelayMs],
    ['NaN attempt counts as the first', Number.NaN, 1, undefined, D.firstDelayMs],
    ['Retry-After longer than the backoff wins', 1, 0, 10_000, 10_000],
    ['Retry-After shorter than the backoff does not shorten it', 3, 1, 500, D.firstDelayMs * D.factor ** 2],
    ['Retry-After 0 still waits the floor', 1, 0, 0, D.minDelayMs],
    ['Retry-After beyond the cap is honoured', 20, 1, 30 * 60_000, 30 * 60_000],
    ['Retry-After beyond an hour is clamped', 1, 0, 5 * 3_600_000, RETRY_AFTER_MAX_MS],
    ['NaN Retry-After is ignored', 1, 0, Number.NaN, D.minDelayMs],
    ['negative Retry-After is ignored', 1, 0, -10_000, D.minDelayMs],
    ['infinite Retry-After is ignored', 1, 0, Infinity, D.minDelayMs],
    ['random() returning NaN gives the floor', 1, Number.NaN, undefined, D.minDelayMs],
    ['random() below 0 gives the floor', 1, -1, undefined, D.minDelayMs],
    ['random() above 1 gives the window', 1, 7, undefined, D.firstDelayMs],
  ])('%s', (_name, attempt, draw, retryAfterMs, expected) => {
    expect(nextRetryDelay({ attempt, random: fixed(draw), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })).toBe(expected);
  });

  it('draws exactly one random number per delay', () => {
    let calls = 0;
    nextRetryDelay({ attempt: 3, retryAfterMs: 600_000, random: () => (calls++, 0.5) });
    expect(calls).toBe(1);
  });

  const draw = fc.double({ min: 0, max: ALMOST_ONE, noNaN: true });
  const attempt = fc.integer({ min: 1, max: 10_000 });
  /** Any sane configuration: 0 < floor ≤ first window ≤ cap, growth ≥ 1. */
  const options: fc.Arbitrary<BackoffOptions> = fc
    .tuple(
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 0, max: 60_000 }),
      fc.integer({ min: 0, max: 3_600_000 }),
      fc.double({ min: 1, max: 4, noNaN: true }),
    )
    .map(([minDelayMs, extraFirst, extraCap, factor]) => ({
      minDelayMs,
      firstDelayMs: minDelayMs + extraFirst,
      maxDelayMs: minDelayMs + extraFirst + extraCap,
      factor,
    }));

  it('never goes below the floor nor above the cap without Retry-After', () => {
    fc.assert(
      fc.property(attempt, draw, options, (n, r, o) => {
        const delay = nextRetryDelay({ attempt: n, random: fixed(r) }, o);
        return delay >= o.minDelayMs && delay <= o.maxDelayMs;
      }),
    );
    fc.assert(
      fc.property(attempt, draw, (n, r) => {
        const delay = nextRetryDelay({ attempt: n, random: fixed(r) });
        return delay >= D.minDelayMs && delay <= D.maxDelayMs;
      }),
    );
  });

  it('never waits less than a usable Retry-After (clamped to 1 h), nor more than it or the cap', () => {
    fc.assert(
      fc.property(attempt, draw, options, fc.integer({ min: 0, max: 2 * 86_400_000 }), (n, r, o, retryAfterMs) => {
        const delay = nextRetryDelay({ attempt: n, random: fixed(r), retryAfterMs }, o);
        const asked = Math.min(retryAfterMs, RETRY_AFTER_MAX_MS);
        return delay >= asked && delay >= o.minDelayMs && delay <= Math.max(asked, o.maxDelayMs);
      }),
    );
  });

  it('waits no less for a later attempt with the same draw (windows only grow)', () => {
    fc.assert(
      fc.property(
        attempt,
        draw,
        options,
        (n, r, o) => nextRetryDelay({ attempt: n + 1, random: fixed(r) }, o) >= nextRetryDelay({ attempt: n, random: fixed(r) }, o),
      ),
    );
  });

  it('is deterministic for a fixed random source', () => {
    fc.assert(
      fc.property(
        attempt,
        fc.option(fc.integer({ min: 0, max: 86_400_000 }), { nil: undefined }),
        fc.integer(),
        (n, retryAfterMs, seed) => {
          const run = () => nextRetryDelay({ attempt: n, retryAfterMs, random: seeded(seed) });
          return run() === run();
        },
      ),
    );
  });
});

/** Small deterministic generator for the tests (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
