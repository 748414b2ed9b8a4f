/**
 * Unit tests' stand-in for src/platform/native.ts (see vitest.config.ts): the polyfill's default
 * export, which the tests replace with `@webext-core/fake-browser`.
 */
import browser from 'webextension-polyfill';

export { browser };
export const IS_FIREFOX: boolean = import.meta.env.FIREFOX === true;
