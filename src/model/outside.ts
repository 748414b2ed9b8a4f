import type { Evidence } from './evidence';

/** An outside service's request budget (checks/kit/limits.ts). */
export interface StoredBucket {
  tokens: number;
  updatedAt: number;
  blockedUntil?: number;
}

/** One cached piece of evidence, `<check>|<host>` → entry. */
export interface StoredCacheEntry {
  evidence: Evidence;
  storedAt: number;
}

/** Bucket → epoch ms of the last answered top-level load. */
export type Reachability = Readonly<Record<string, number>>;
