/**
 * Storage changes, for pages that redraw on them (the popup, the history page) and for the worker (consent).
 * It loads no validator of its own: a page passes the keys it read, or an item (which brings its parser).
 */
import { browser } from './native';
import type { Item } from '../core/schema/item';

/** Calls `listener` with the changed `storage.session` keys among `keys` (or those `keys` accepts). */
export function onKeysChanged(keys: readonly string[] | ((key: string) => boolean), listener: (keys: string[]) => void): () => void {
  const wanted = typeof keys === 'function' ? keys : (key: string) => keys.includes(key);
  const handler = (changes: Record<string, unknown>, areaName: string): void => {
    const changed = Object.keys(changes).filter(wanted);
    if (areaName === 'session' && changed.length) listener(changed);
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}

/** One item changed: its old value (`undefined` when there was none) and its new one, both validated. */
export function onItemChanged<T>(item: Item<T> & { fallback: T }, listener: (before: T | undefined, after: T) => void): () => void;
export function onItemChanged<T>(item: Item<T>, listener: (before: T | undefined, after: T | undefined) => void): () => void;
export function onItemChanged<T>(item: Item<T>, listener: (before: T | undefined, after: T | undefined) => void): () => void {
  const valid = (raw: unknown): T | undefined => item.parse(raw) ?? item.fallback;
  const handler = (changes: Record<string, { oldValue?: unknown; newValue?: unknown }>, areaName: string): void => {
    const change = changes[item.key];
    if (areaName !== item.area || !change) return;
    listener(change.oldValue === undefined ? undefined : valid(change.oldValue), valid(change.newValue));
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}
