import { browser } from './native';
import type { Msg } from '../model/message-text';

/** Resolves a message through `_locales`; a missing key shows the key rather than nothing. */
export function t(msg: Msg | string, substitutions?: string[]): string {
  const { key, subs } = typeof msg === 'string' ? { key: msg, subs: substitutions } : msg;
  return browser.i18n.getMessage(key, subs) || key;
}

export function uiLanguage(): string {
  return browser.i18n.getUILanguage();
}
