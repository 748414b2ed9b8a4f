/**
 * Being gentle with the outside services: a token bucket per service (so a visitor who hits many
 * failing sites in a row does not hammer check-host.net), a back-off when a service says 429, and
 * a short per-host cache of evidence (so opening the popup twice does not ask twice).
 *
 * The state is plain JSON and the clock is injected: the pure functions below do the work, the two
 * small classes only hold the state and report every change (`onChange`), which the worker keeps
 * in `storage.session`: a stopped worker must not forget a service's 429 back-off.
 */
import type { CheckId, Evidence } from '../../model/evidence';

export interface RateLimitPolicy {
  /** Requests allowed in a burst. */
  capacity: number;
  /** Tokens added back per minute. */
  refillPerMinute: number;
}

export interface BucketState {
  tokens: number;
  updatedAt: number;
  /** Set after a 429: nothing is sent before this time. */
  blockedUntil?: number;
}

/** Generous for a person, stingy for a loop: 20 requests in a burst, then one every 3 s. */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimitPolicy> = Object.freeze({ capacity: 20, refillPerMinute: 20 });

/** A 429 without a usable reset time blocks for this long. */
export const DEFAULT_BACKOFF_MS = 60_000;
/** No service gets to silence Downcheck for longer than this, whatever it says. */
export const MAX_BACKOFF_MS = 60 * 60 * 1000;

export type TakeResult = { allowed: true; state: BucketState } | { allowed: false; state: BucketState; retryAt: number };

export function takeToken(state: BucketState | undefined, policy: RateLimitPolicy, now: number): TakeResult {
  const current = refill(state ?? { tokens: policy.capacity, updatedAt: now }, policy, now);
  if (current.blockedUntil !== undefined && now < current.blockedUntil) {
    return { allowed: false, state: current, retryAt: current.blockedUntil };
  }
  const { blockedUntil: _expired, ...unblocked } = current;
  if (unblocked.tokens >= 1) return { allowed: true, state: { ...unblocked, tokens: unblocked.tokens - 1 } };
  const perMs = policy.refillPerMinute / 60_000;
  const retryAt = perMs > 0 ? now + Math.ceil((1 - unblocked.tokens) / perMs) : now + MAX_BACKOFF_MS;
  return { allowed: false, state: unblocked, retryAt };
}

function refill(state: BucketState, policy: RateLimitPolicy, now: number): BucketState {
  // A clock that went backwards (or garbage from storage) must not mint tokens.
  const elapsed = Number.isFinite(now - state.updatedAt) ? Math.max(0, now - state.updatedAt) : 0;
  const tokens = Number.isFinite(state.tokens) ? state.tokens : 0;
  return { ...state, tokens: Math.min(policy.capacity, tokens + (elapsed * policy.refillPerMinute) / 60_000), updatedAt: now };
}

/** The state after a service answered 429; `until` is bounded to [now, now + MAX_BACKOFF_MS]. */
export function backOff(state: BucketState | undefined, policy: RateLimitPolicy, now: number, until: number | undefined): BucketState {
  const current = refill(state ?? { tokens: policy.capacity, updatedAt: now }, policy, now);
  const wanted = until !== undefined && Number.isFinite(until) ? until : now + DEFAULT_BACKOFF_MS;
  const blockedUntil = Math.min(Math.max(wanted, now), now + MAX_BACKOFF_MS);
  return { ...current, tokens: 0, blockedUntil: Math.max(blockedUntil, current.blockedUntil ?? 0) };
}

export interface RateLimiterOptions {
  now: () => number;
  policy?: RateLimitPolicy;
  /** Per-key policies (keys are service names: `check-host`, `globalping`, `doh:Cloudflare`, …). */
  policies?: Readonly<Record<string, RateLimitPolicy>>;
  state?: Readonly<Record<string, BucketState>>;
  /** Called with the whole state after every change, to be saved. */
  onChange?: (state: Record<string, BucketState>) => void;
}

export class RateLimiter {
  private readonly buckets = new Map<string, BucketState>();

  constructor(private readonly options: RateLimiterOptions) {
    for (const [key, value] of Object.entries(options.state ?? {})) this.buckets.set(key, value);
  }

  /** Takes one request from `key`'s budget, or says when to ask again. */
  take(key: string): { allowed: true } | { allowed: false; retryAt: number } {
    const result = takeToken(this.buckets.get(key), this.policyFor(key), this.options.now());
    this.buckets.set(key, result.state);
    this.options.onChange?.(this.snapshot());
    return result.allowed ? { allowed: true } : { allowed: false, retryAt: result.retryAt };
  }

  /** The service said 429: send nothing to it before `until` (bounded). */
  backOff(key: string, until: number | undefined): void {
    this.buckets.set(key, backOff(this.buckets.get(key), this.policyFor(key), this.options.now(), until));
    this.options.onChange?.(this.snapshot());
  }

  snapshot(): Record<string, BucketState> {
    return Object.fromEntries(this.buckets);
  }

  private policyFor(key: string): RateLimitPolicy {
    return this.options.policies?.[key] ?? this.options.policy ?? DEFAULT_RATE_LIMIT;
  }
}

// ── per-host evidence cache ─────────────────────────────────────────────────────────────────

export const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 200;

export interface CacheEntry {
  evidence: Evidence;
  storedAt: number;
}

export type CacheState = Record<string, CacheEntry>;

const cacheKey = (check: CheckId, host: string) => `${check}|${host}`;

export function cacheGet(state: CacheState, check: CheckId, host: string, now: number, ttlMs: number): Evidence | undefined {
  const entry = state[cacheKey(check, host)];
  if (!entry || !(now >= entry.storedAt && now - entry.storedAt < ttlMs)) return undefined;
  return entry.evidence;
}

/** A copy with the entry added, expired entries dropped and the oldest evicted beyond `maxEntries`. */
export function cachePut(
  state: CacheState,
  host: string,
  evidence: Evidence,
  now: number,
  ttlMs: number,
  maxEntries = CACHE_MAX_ENTRIES,
): CacheState {
  const live = Object.entries(state).filter(([, e]) => now >= e.storedAt && now - e.storedAt < ttlMs);
  live.push([cacheKey(evidence.check, host), { evidence, storedAt: now }]);
  live.sort((a, b) => a[1].storedAt - b[1].storedAt);
  return Object.fromEntries(live.slice(-maxEntries));
}

export class EvidenceCache {
  private state: CacheState;

  constructor(private readonly options: { now: () => number; ttlMs?: number; state?: CacheState; onChange?: (state: CacheState) => void }) {
    this.state = { ...(options.state ?? {}) };
  }

  /** `ttlMs` shortens the cache's own lifetime for one kind of evidence (never lengthens it: entries expire on put). */
  get(check: CheckId, host: string, ttlMs?: number): Evidence | undefined {
    const ttl = this.options.ttlMs ?? CACHE_TTL_MS;
    return cacheGet(this.state, check, host, this.options.now(), ttlMs === undefined ? ttl : Math.min(ttl, ttlMs));
  }

  put(host: string, evidence: Evidence): void {
    this.state = cachePut(this.state, host, evidence, this.options.now(), this.options.ttlMs ?? CACHE_TTL_MS);
    this.options.onChange?.(this.snapshot());
  }

  snapshot(): CacheState {
    return { ...this.state };
  }
}
