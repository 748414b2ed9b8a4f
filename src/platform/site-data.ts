import { browser } from './browser';
import { IS_FIREFOX } from './native';
import { hasClearingPermission } from './clearing-permission';

export interface ClearResult {
  /** What was removed for this site (cookies: for its whole domain, see clearSiteData). */
  cleared: Array<'cache' | 'cacheStorage' | 'serviceWorkers' | 'cookies' | 'localStorage'>;
  /** Whether the HTTP cache could be limited to the site; if not, the caller reloads bypassing it instead. */
  cacheLimitedToSite: boolean;
}

/**
 * Clears one site's cached data, never another site's. Chrome filters by origin for cache and
 * storage; Firefox by hostname for storage and service workers, and its HTTP cache can only be
 * cleared whole, so there the caller reloads bypassing the cache (which fetches the page and its
 * files anew) rather than wipe every site's cache. Cookies, only when the visitor confirms: Chrome's
 * origins filter clears them for the whole registrable domain (Firefox's hostnames filter may take
 * parent-domain cookies too), which can sign the visitor out of other sites of that domain, as the
 * warning says. Exactly this host's cookies would take the `cookies` permission as well: not asked for.
 * Throws when `browsingData` (optional, asked for in the visitor's click) is not granted.
 */
/** The error when the visitor has not granted `browsingData` (the popup asks first, so this is a withdrawn grant). */
export const NO_CLEARING_PERMISSION = 'site data may not be cleared: the browsingData permission was not granted';

export async function clearSiteData(origin: string, { cookies }: { cookies: boolean }): Promise<ClearResult> {
  const host = new URL(origin).hostname;
  if (!(await hasClearingPermission())) throw new Error(NO_CLEARING_PERMISSION);
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
