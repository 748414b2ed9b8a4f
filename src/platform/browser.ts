import browser from 'webextension-polyfill';

/**
 * The WebExtension API for the worker, through webextension-polyfill (in Chrome it answers a
 * message with the promise a listener returns, and wraps the callback-only calls of Chrome 120).
 * Everything else in src/platform goes through here or, for what extension pages and the panel
 * need, through ./native (the same API without the polyfill).
 */
export { browser };
export type { Runtime, Tabs, WebRequest } from 'webextension-polyfill';

/**
 * How this build notices failures. Firefox: webRequest, which reports every response's status,
 * headers, method and address. Chrome: webNavigation plus a status read of every page after it loads
 * (navigation.ts), because holding webRequest in Chrome slows every request of every page. (The
 * benchmark also builds Chrome with webRequest, to measure that design.)
 */
export const DETECTION: 'webRequest' | 'webNavigation' = import.meta.env.WEBREQUEST === true ? 'webRequest' : 'webNavigation';
