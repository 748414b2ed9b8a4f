import browser from 'webextension-polyfill';

/** The single import point of the WebExtension API: everything else in src/platform goes through here. */
export { browser };
export type { Runtime, Tabs, WebRequest } from 'webextension-polyfill';

export const IS_FIREFOX: boolean = import.meta.env.FIREFOX === true;
/**
 * How this build notices failures. Firefox: webRequest, which reports every response's status,
 * headers, method and address. Chrome: webNavigation plus a status read of pages that look failed
 * (navigation.ts), because holding webRequest in Chrome slows every request of every page. (The
 * benchmark also builds Chrome with webRequest, to measure that design.)
 */
export const DETECTION: 'webRequest' | 'webNavigation' = import.meta.env.WEBREQUEST === true ? 'webRequest' : 'webNavigation';
