/**
 * When sites last answered a top-level page load, by origin bucket (core/diagnosis/reachability.ts): what
 * lets the diagnosis say "you are online" without asking anyone. Kept in `storage.session`
 * (memory, gone when the browser closes), never with a site's name, through platform/store.ts
 * (core/diagnosis/stored.ts reachabilityItem: its key, validator and quota handling are those of every record).
 */
import { browser, DETECTION } from './browser';
import { read, update } from './store';
import { reachabilityItem } from '../core/diagnosis/stored';
import { bucketOf, noteAnswered, otherSiteAnsweredAgo, REWRITE_AFTER_MS } from '../core/diagnosis/reachability';
import { originOf } from '../core/net/url';
import { onPageAnswered } from './web-request';

const WEB_ONLY = { url: [{ schemes: ['http', 'https'] }] };

/** Optimisation only (lost with the worker, rebuilt from storage): buckets written in the last few seconds. */
const recentlyWritten = new Map<string, number>();

/** Notes that the page at `url` answered now. */
export async function noteSiteAnswered(url: string, now = Date.now()): Promise<void> {
  const origin = originOf(url);
  if (!origin) return;
  const bucket = bucketOf(origin);
  const last = recentlyWritten.get(bucket);
  if (last !== undefined && now >= last && now - last < REWRITE_AFTER_MS) return;
  recentlyWritten.set(bucket, now);
  try {
    // Pages of several sites answer at once: `update` reads then writes the one record, one after another.
    await update(reachabilityItem, (record) => noteAnswered(record, origin, now));
  } catch (error) {
    recentlyWritten.delete(bucket); // not written: the next load of this site tries again
    throw error;
  }
}

/** How long ago a site other than the failing origin answered, within the last minute. */
export async function otherSiteAnsweredAgoMs(failingOrigin: string, now = Date.now()): Promise<number | undefined> {
  return otherSiteAnsweredAgo(await read(reachabilityItem), failingOrigin, now);
}

/**
 * A top-level page got an answer from its server. Chrome builds: webNavigation's `onCompleted`
 * (network error pages never complete). Firefox builds: the main-frame response's first byte,
 * not served from the cache.
 */
export function onSiteAnswered(listener: (url: string) => void): void {
  if (DETECTION === 'webRequest') {
    onPageAnswered(listener);
    return;
  }
  browser.webNavigation.onCompleted.addListener((d) => {
    if (d.frameId === 0) listener(d.url);
  }, WEB_ONLY);
}
