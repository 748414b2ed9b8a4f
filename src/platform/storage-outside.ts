/**
 * The outside services' budgets, the evidence cache (checks/kit/limits.ts) and when sites last answered
 * (platform/reachability.ts) in `storage.session`, apart from storage.ts because only the background
 * uses them and the popup loads storage.ts.
 */
import { SESSION_KEYS } from '../core/schema/legacy/stored';
import { boundLimits, parseEvidenceCache, parseLimits, validateReachability } from '../core/schema/legacy/stored-outside';
import type { Reachability, StoredBucket, StoredCacheEntry } from '../model/outside';
import { get, set, setOptional } from './storage';

// ── outside services' budgets and evidence cache ────────────────────────────────────────────

/** Bounded by age and count (core/schema/legacy/stored-outside.ts boundLimits), the newest kept. */
export async function readLimits(now = Date.now()): Promise<Record<string, StoredBucket>> {
  return boundLimits(parseLimits(await get('session', SESSION_KEYS.limits)), now);
}

export async function writeLimits(state: Record<string, StoredBucket>, now = Date.now()): Promise<void> {
  await setOptional('session', { [SESSION_KEYS.limits]: boundLimits(parseLimits(state), now) });
}

/** Normal and private windows each have a cache of their own (`inPrivate`): what one asked about, the other never sees. */
const cacheKey = (inPrivate: boolean): string => (inPrivate ? SESSION_KEYS.evidenceCachePrivate : SESSION_KEYS.evidenceCache);

export async function readEvidenceCache(inPrivate = false): Promise<Record<string, StoredCacheEntry>> {
  return parseEvidenceCache(await get('session', cacheKey(inPrivate)));
}

export async function writeEvidenceCache(state: Record<string, StoredCacheEntry>, inPrivate = false): Promise<void> {
  await setOptional('session', { [cacheKey(inPrivate)]: parseEvidenceCache(state) });
}

// ── when sites last answered (platform/reachability.ts) ─────────────────────────────────────

export async function readReachability(): Promise<Reachability> {
  return validateReachability(await get('session', SESSION_KEYS.reachability));
}

/** Throws when it cannot be written (the caller tries again at the next load of that site). */
export async function writeReachability(record: Reachability): Promise<void> {
  await set('session', { [SESSION_KEYS.reachability]: validateReachability(record) });
}
