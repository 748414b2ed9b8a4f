/**
 * The outside services' budgets and the evidence cache in `storage.session` (checks/limits.ts), apart from
 * storage.ts because only the background uses them and the popup loads storage.ts.
 */
import { SESSION_KEYS } from '../core/stored';
import { parseEvidenceCache, parseLimits, type StoredBucket, type StoredCacheEntry } from '../core/stored-outside';
import { get, setOptional } from './storage';

// ── outside services' budgets and evidence cache ────────────────────────────────────────────

export async function readLimits(): Promise<Record<string, StoredBucket>> {
  return parseLimits(await get('session', SESSION_KEYS.limits));
}

export async function writeLimits(state: Record<string, StoredBucket>): Promise<void> {
  await setOptional('session', { [SESSION_KEYS.limits]: parseLimits(state) });
}

export async function readEvidenceCache(): Promise<Record<string, StoredCacheEntry>> {
  return parseEvidenceCache(await get('session', SESSION_KEYS.evidenceCache));
}

export async function writeEvidenceCache(state: Record<string, StoredCacheEntry>): Promise<void> {
  await setOptional('session', { [SESSION_KEYS.evidenceCache]: parseEvidenceCache(state) });
}
