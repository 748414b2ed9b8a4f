/** Re-exports for the callers not yet moved to the typed items (scripts/refactor/storage-calls.mjs moves them). */
export {
  BUCKET_MAX_AGE_MS,
  boundLimits,
  BUCKETS,
  EVIDENCE_CACHE_LIMIT,
  EVIDENCE_CACHE_MAX_BYTES,
  MAX_BUCKETS,
  parseEvidenceCache,
  parseLimits,
  validateReachability,
  type Reachability,
  type StoredBucket,
  type StoredCacheEntry,
} from '../../diagnosis/stored';
