/**
 * `browsingData` is an optional permission: asked for in the click on "clear this site's cache" (or
 * its cookies), the first time, and needed by the worker's clearing (site-data.ts).
 */
import { browser } from './native';

const BROWSING_DATA = { permissions: ['browsingData'] } as const;

/**
 * Asks the browser for `browsingData`. Must be called synchronously inside the visitor's click
 * (both browsers refuse a prompt without a user action). Resolves to whether it is granted; a
 * refusal, or anything going wrong, is "no".
 */
export function requestClearingPermission(): Promise<boolean> {
  try {
    return browser.permissions.request({ permissions: [...BROWSING_DATA.permissions] }).catch(() => false);
  } catch {
    return Promise.resolve(false);
  }
}

/** Whether site data may be cleared now (the permission was granted and not withdrawn since). */
export async function hasClearingPermission(): Promise<boolean> {
  return browser.permissions.contains({ permissions: [...BROWSING_DATA.permissions] }).catch(() => false);
}
