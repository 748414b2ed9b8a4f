/**
 * "Am I online?" from what the browser already saw, asking nobody: when a site last answered a
 * top-level page load. Sites are kept as one of 64 buckets of their origin (a hash), never by
 * name, so the record says "some other site answered 20 s ago" and nothing about which: enough to
 * tell the failing site's bucket from the others, nothing worth reading for anyone else.
 */
import { BUCKETS, validateReachability } from './stored';
import type { Reachability } from '../../model/outside';

/** Another site that answered within this long ago shows the connection works. */
export const RECENT_MS = 60_000;
/** Loads of the same bucket closer together than this are not written again (storage is not free). */
export const REWRITE_AFTER_MS = 10_000;

/** The origin's bucket: `b0` … `b63` (FNV-1a of the lower-cased origin). */
export function bucketOf(origin: string): string {
  let hash = 0x811c9dc5;
  for (const ch of String(origin).toLowerCase()) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `b${hash % BUCKETS}`;
}

/** The record after a load of `origin` answered at `now`, or `undefined` when there is nothing worth writing. */
export function noteAnswered(current: Reachability, origin: string, now: number): Reachability | undefined {
  const bucket = bucketOf(origin);
  const last = current[bucket];
  if (last !== undefined && now >= last && now - last < REWRITE_AFTER_MS) return undefined;
  return { ...validateReachability(current), [bucket]: now };
}

/** How long ago a site other than `failingOrigin` answered, if within RECENT_MS of `now`. */
export function otherSiteAnsweredAgo(current: Reachability, failingOrigin: string, now: number): number | undefined {
  const own = bucketOf(failingOrigin);
  let best: number | undefined;
  for (const [bucket, at] of Object.entries(validateReachability(current))) {
    if (bucket === own || at > now + 1_000) continue; // a clock step back must not make old loads look fresh
    const ago = Math.max(0, now - at);
    if (ago <= RECENT_MS && (best === undefined || ago < best)) best = ago;
  }
  return best;
}
