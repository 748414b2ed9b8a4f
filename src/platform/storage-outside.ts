/** Thin wrappers over platform/store.ts until scripts/refactor/storage-calls.mjs moves their callers. */
import { evidenceCacheItem, limitsItem, reachabilityItem, type Reachability } from '../core/diagnosis/stored';
import type { StoredBucket, StoredCacheEntry } from '../core/diagnosis/stored';
import { read, write } from './store';

export const readLimits = (): Promise<Record<string, StoredBucket>> => read(limitsItem);
export const writeLimits = (state: Record<string, StoredBucket>): Promise<void> => write(limitsItem, state);
export const readEvidenceCache = (inPrivate = false): Promise<Record<string, StoredCacheEntry>> => read(evidenceCacheItem, inPrivate);
export const writeEvidenceCache = (state: Record<string, StoredCacheEntry>, inPrivate = false): Promise<void> =>
  write(evidenceCacheItem, state, inPrivate);
export const readReachability = (): Promise<Reachability> => read(reachabilityItem);
export const writeReachability = (record: Reachability): Promise<void> => write(reachabilityItem, record);
