import { browser, IS_FIREFOX } from './browser';

export interface ClearResult {
  /** What was removed for this site only. */
  cleared: Array<'cache' | 'cacheStorage' | 'serviceWorkers' | 'cookies' | 'localStorage'>;
  /** Whether the HTTP cache could be limited to the site; if not, the caller reloads bypassing it instead. */
  cacheLimitedToSite: boolean;
}

/**
 * Clears one site's cached data, never another site's. Chrome filters by origin for cache,
 * storage and cookies. Firefox filters by hostname for cookies, storage and service workers
 * only; its HTTP cache can only be cleared whole, so there the caller reloads bypassing the cache
 * (which fetches the page and its files anew) rather than wipe every site's cache.
 */
export async function clearSiteData(origin: string, { cookies }: { cookies: boolean }): Promise<ClearResult> {
  const host = new URL(origin).hostname;
  if (!IS_FIREFOX) {
    await browser.browsingData.remove(
      { origins: [origin] } as never,
      // cacheStorage is Chrome-only and missing from the polyfill's types.
      { cache: true, cacheStorage: true, serviceWorkers: true, ...(cookies ? { cookies: true, localStorage: true } : {}) } as never,
    );
    return {
      cleared: ['cache', 'cacheStorage', 'serviceWorkers', ...(cookies ? (['cookies', 'localStorage'] as const) : [])],
      cacheLimitedToSite: true,
    };
  }
  await browser.browsingData.remove(
    { hostnames: [host] },
    { serviceWorkers: true, ...(cookies ? { cookies: true, localStorage: true, indexedDB: true } : {}) },
  );
  return { cleared: ['serviceWorkers', ...(cookies ? (['cookies', 'localStorage'] as const) : [])], cacheLimitedToSite: false };
}

export async function openUrl(url: string, openerTabId?: number): Promise<void> {
  await browser.tabs.create({ url, ...(openerTabId !== undefined ? { openerTabId } : {}) });
}
