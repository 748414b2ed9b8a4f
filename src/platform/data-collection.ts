/**
 * Firefox's built-in data collection consent: the manifest declares "browsing activity" (the site's
 * name, which the consented outside checks send) as optional data collection, so Firefox asks the
 * visitor for it the first time they allow such a source, and the worker checks it before any
 * outside check that sends the site's name. Chrome has no such permission: the consent stored by
 * Downcheck is the whole answer there.
 */
import { browser, IS_FIREFOX } from './native';
import type { Permissions } from 'webextension-polyfill';

// Firefox 142+: `data_collection` beside `permissions` and `origins` (not in the polyfill's types).
const BROWSING_ACTIVITY = { data_collection: ['browsingActivity'] } as Permissions.Permissions;

/**
 * Asks Firefox for the "browsing activity" permission. Must be called synchronously inside the
 * visitor's click (Firefox only shows permission prompts from a user action). Resolves to whether
 * it is granted; anything that goes wrong counts as "no".
 */
export function requestSiteDataPermission(): Promise<boolean> {
  if (!IS_FIREFOX) return Promise.resolve(true);
  try {
    return browser.permissions.request(BROWSING_ACTIVITY).catch(() => false);
  } catch {
    return Promise.resolve(false);
  }
}

/** Whether the consented checks may send the site's name: in Firefox, only with the permission above. */
export async function hasSiteDataPermission(): Promise<boolean> {
  if (!IS_FIREFOX) return true;
  return browser.permissions.contains(BROWSING_ACTIVITY).catch(() => false);
}
