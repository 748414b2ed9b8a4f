/**
 * The diagnosis records in `storage.session`: a diagnosis per tab (and per "check any site"), the outside
 * services' budgets, the evidence cache and when sites last answered. Validators give a valid record or absent.
 */
import { parseDiagnosis, parseEvidence } from './evidence-parse';
import { defineItem, defineKeyedItem } from '../schema/item';
import { optional, time } from '../schema/fields';
import { entriesOf, isRecord, numberIn, token } from '../schema/validate';
import type { StoredBucket, StoredCacheEntry, Reachability } from '../../model/outside';

// ── the diagnosis ──────────────────────────────────────────────────────────────────────────────

/** Which "check any site" diagnosis: a normal window's or a private one's (private windows never share it). */
export type SiteCheck = 'site' | 'site-private';

const DIAGNOSIS_KEY = /^(?:\d{1,15}|site|site-private)$/;

/** A diagnosis in progress or done, per tab (`diagnosis:<tab>`), or for "check any site" (`diagnosis:site`, `diagnosis:site-private`). */
export const diagnosisItem = defineKeyedItem(
  {
    name: 'diagnosis',
    area: 'session',
    prefix: 'diagnosis:',
    parse: parseDiagnosis,
    version: 2,
    onWriteFailure: 'log',
    skipInvalid: true,
    onQuota: 'drop',
  },
  (k: number | SiteCheck) => `diagnosis:${k}`,
  (key) => {
    const k = key.startsWith('diagnosis:') ? key.slice('diagnosis:'.length) : '';
    if (!DIAGNOSIS_KEY.test(k)) return undefined;
    return k === 'site' || k === 'site-private' ? k : Number(k);
  },
);

// ── outside services' budgets (checks/kit/limits.ts) ─────────────────────────────────────────────

/** Budgets kept at most: one per outside service, and one per status-page host (`status:<host>`). */
export const MAX_BUCKETS = 50;
/**
 * A budget untouched this long and not blocked is forgotten: under DEFAULT_RATE_LIMIT (checks/kit/limits.ts)
 * it refilled completely within a minute, so a fresh one is the same thing (a unit test holds the two together).
 */
export const BUCKET_MAX_AGE_MS = 10 * 60_000;
const serviceKey = (key: string): string | undefined => token(key, /^[A-Za-z0-9:._ -]+$/, 100);

/** The budgets as stored: the valid ones, newest first (by `updatedAt`), at most MAX_BUCKETS of them. */
export function parseLimits(value: unknown): Record<string, StoredBucket> {
  const valid: Array<[string, StoredBucket]> = [];
  for (const [key, bucket] of entriesOf(value, MAX_BUCKETS * 4) ?? []) {
    const name = serviceKey(key);
    if (!name || !isRecord(bucket)) continue;
    const tokens = numberIn(bucket.tokens, 0, 1_000_000);
    const updatedAt = time(bucket.updatedAt);
    if (tokens === undefined || updatedAt === undefined) continue;
    valid.push([name, optional<StoredBucket>({ tokens, updatedAt }, { blockedUntil: time(bucket.blockedUntil) })]);
  }
  return Object.fromEntries(newestBuckets(valid).slice(0, MAX_BUCKETS));
}

/**
 * The budgets worth keeping at `now`: a back-off still running, or one used within BUCKET_MAX_AGE_MS
 * (a clock that went back counts as used); the newest MAX_BUCKETS of them.
 */
export function boundLimits(state: Readonly<Record<string, StoredBucket>>, now: number): Record<string, StoredBucket> {
  const live = Object.entries(state).filter(
    ([, b]) => (b.blockedUntil !== undefined && b.blockedUntil > now) || now - b.updatedAt < BUCKET_MAX_AGE_MS,
  );
  return Object.fromEntries(newestBuckets(live).slice(0, MAX_BUCKETS));
}

/** Newest first; a tie by name, so the same state always keeps the same budgets. */
const newestBuckets = (list: Array<[string, StoredBucket]>): Array<[string, StoredBucket]> =>
  list.sort(([a, x], [b, y]) => y.updatedAt - x.updatedAt || (a < b ? -1 : a > b ? 1 : 0));

/** Bounded by age (at the clock's now, read and written) and count, the newest kept. */
export const limitsItem = defineItem({
  name: 'limits',
  key: 'limits',
  area: 'session',
  parse: (value: unknown) => boundLimits(parseLimits(value), Date.now()),
  bound: { entries: MAX_BUCKETS },
  fallback: {} as Record<string, StoredBucket>,
  version: 2,
  onWriteFailure: 'log',
});

// ── the evidence cache (checks/kit/limits.ts) ─────────────────────────────────────────────────────

export const EVIDENCE_CACHE_LIMIT = 200;
export const EVIDENCE_CACHE_MAX_BYTES = 256 * 1024;

/**
 * The cache as stored: `<check>|<host>` → entry; an entry whose key does not match its evidence is
 * dropped; the newest entries are kept within EVIDENCE_CACHE_LIMIT and EVIDENCE_CACHE_MAX_BYTES.
 */
export function parseEvidenceCache(value: unknown): Record<string, StoredCacheEntry> {
  const valid: Array<[string, StoredCacheEntry]> = [];
  for (const [key, entry] of entriesOf(value, EVIDENCE_CACHE_LIMIT * 2) ?? []) {
    if (!isRecord(entry) || key.length > 300) continue;
    const evidence = parseEvidence(entry.evidence);
    const storedAt = time(entry.storedAt);
    if (!evidence || storedAt === undefined || !key.startsWith(`${evidence.check}|`)) continue;
    valid.push([key, { evidence, storedAt }]);
  }
  valid.sort((a, b) => b[1].storedAt - a[1].storedAt);
  const out: Record<string, StoredCacheEntry> = {};
  let bytes = 2;
  for (const [key, entry] of valid.slice(0, EVIDENCE_CACHE_LIMIT)) {
    bytes += key.length + JSON.stringify(entry).length + 4;
    if (bytes > EVIDENCE_CACHE_MAX_BYTES) break;
    out[key] = entry;
  }
  return out;
}

/** Recent outside evidence per host; normal and private windows (`inPrivate`) each have their own, never shared. */
export const evidenceCacheItem = defineKeyedItem(
  {
    name: 'evidence-cache',
    area: 'session',
    prefix: 'evidence-cache',
    parse: parseEvidenceCache,
    bound: { entries: EVIDENCE_CACHE_LIMIT, bytes: EVIDENCE_CACHE_MAX_BYTES },
    fallback: {} as Record<string, StoredCacheEntry>,
    version: 2,
    onWriteFailure: 'log',
    onQuota: 'drop',
  },
  (inPrivate: boolean) => (inPrivate ? 'evidence-cache-private' : 'evidence-cache'),
  (key) => (key === 'evidence-cache' ? false : key === 'evidence-cache-private' ? true : undefined),
);

// ── when sites last answered (reachability.ts) ───────────────────────────────────────────────────

/** Origins are kept as one of this many buckets (a hash), never by name. */
export const BUCKETS = 64;

/** Only `bN` keys with finite, non-negative times survive a read; at most BUCKETS of them. */
export function validateReachability(raw: unknown): Reachability {
  const out: Record<string, number> = {};
  for (const [key, value] of entriesOf(raw, BUCKETS * 2) ?? []) {
    if (/^b(?:[0-9]|[1-5][0-9]|6[0-3])$/.test(key) && typeof value === 'number' && Number.isFinite(value) && value >= 0) out[key] = value;
  }
  return out;
}

/** Thrown when it cannot be written: the caller tries again at the next load of that site. */
export const reachabilityItem = defineItem({
  name: 'reachability',
  key: 'reachability',
  area: 'session',
  parse: validateReachability,
  bound: { entries: BUCKETS },
  fallback: {} as Reachability,
  version: 2,
  onWriteFailure: 'throw',
});
