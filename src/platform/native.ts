import type { Browser } from 'webextension-polyfill';

export const IS_FIREFOX: boolean = import.meta.env.FIREFOX === true;

/**
 * The WebExtension API as the browser itself provides it, without webextension-polyfill: in Firefox
 * the polyfill only hands back `browser`, and in Chrome 120+ the calls made through this object
 * (storage, i18n, tabs.get/query/create, runtime.sendMessage/getPlatformInfo/openOptionsPage,
 * permissions) return promises natively, as the polyfill's would. The modules that extension pages
 * and the panel need (i18n, request, storage-changes, tab-info, pages, browser-info, data-collection)
 * use it, so those pages do not load the polyfill (about 10 KB of the popup's script);
 * the worker's listeners and calls keep `./browser`, where the polyfill answers a message with the
 * promise a listener returns.
 *
 * By build, not by looking: a page could name an element `browser` (a content script sees the
 * page's named elements), `chrome` is a real property of every Chrome context.
 */
export const browser: Browser = IS_FIREFOX
  ? (globalThis as unknown as { browser: Browser }).browser
  : (globalThis as unknown as { chrome: Browser }).chrome;
