import browser from 'webextension-polyfill';

/** The single import point of the WebExtension API: everything else in src/platform goes through here. */
export { browser };
export type { Runtime, Tabs, WebRequest } from 'webextension-polyfill';

export const IS_FIREFOX: boolean = import.meta.env.FIREFOX === true;
/** Detection with webRequest: Firefox builds, and the benchmark's Chrome build of that design. */
export const USES_WEBREQUEST: boolean = import.meta.env.WEBREQUEST === true;
