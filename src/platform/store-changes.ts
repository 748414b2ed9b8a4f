/**
 * Storage changes, for pages that redraw on them (the popup, the history page) and for the worker (consent).
 * It loads no validator of its own: a page passes the keys it read, or an item (which brings its parser).
 */
import { browser } from './native';
import type { Item } from '../core/schema/item';

/** The worker's own bookkeeping (budgets, caches, alarm key): no page draws from it. */
const INTERNAL: readonly string[] = ['limits', 'evidence-cache', 'evidence-cache-private', 'alarm-key', 'reachability'];

/**
 * Changes to the session or local keys a page drew from; `keys` is asked at each change, as what a
 * page reads changes with what it shows. Before its first read (`undefined`) every session change but the worker's own counts.
 */
export function onKeysChanged(keys: () => readonly string[] | undefined, listener: (changed: string[]) => void): () => void {
  const handler = (changes: Record<string, unknown>, areaName: string): void => {
    const wanted = keys();
    const changed = Object.keys(changes).filter((key) =>
      wanted ? (areaName === 'session' || areaName === 'local') && wanted.includes(key) : areaName === 'session' && !INTERNAL.includes(key),
    );
    if (changed.length) listener(changed);
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}

/** An item and what to do when it changes, for {@link onItemsChanged}. */
export interface ItemWatch {
  key: string;
  area: string;
  changed(oldValue: unknown, newValue: unknown): void;
}

/** `listener` on changes of `item`: its old value (`undefined` when there was none) and its new one, both validated. */
export function watchItem<T>(item: Item<T> & { fallback: T }, listener: (before: T | undefined, after: T) => void): ItemWatch;
export function watchItem<T>(item: Item<T>, listener: (before: T | undefined, after: T | undefined) => void): ItemWatch;
export function watchItem<T>(item: Item<T>, listener: (before: T | undefined, after: T | undefined) => void): ItemWatch {
  const valid = (raw: unknown): T | undefined => item.parse(raw) ?? item.fallback;
  return {
    key: item.key,
    area: item.area,
    changed: (oldValue, newValue) => listener(oldValue === undefined ? undefined : valid(oldValue), valid(newValue)),
  };
}

/** Several items' changes through one storage listener: the worker wakes one listener per change, not one per item. */
export function onItemsChanged(watches: readonly ItemWatch[]): () => void {
  const handler = (changes: Record<string, { oldValue?: unknown; newValue?: unknown }>, areaName: string): void => {
    for (const w of watches) {
      const change = changes[w.key];
      if (areaName === w.area && change) w.changed(change.oldValue, change.newValue);
    }
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}

/** One item changed: its old value (`undefined` when there was none) and its new one, both validated. */
export function onItemChanged<T>(item: Item<T> & { fallback: T }, listener: (before: T | undefined, after: T) => void): () => void;
export function onItemChanged<T>(item: Item<T>, listener: (before: T | undefined, after: T | undefined) => void): () => void;
export function onItemChanged<T>(item: Item<T>, listener: (before: T | undefined, after: T | undefined) => void): () => void {
  return onItemsChanged([watchItem(item, listener)]);
}
