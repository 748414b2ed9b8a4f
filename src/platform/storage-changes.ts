/** Storage changes, for the pages that redraw on them (the popup) without loading storage.ts's readers and validators. */
import { browser } from './native';
import { SESSION_KEYS } from '../core/schema/legacy/stored-keys';

const INTERNAL: readonly string[] = Object.values(SESSION_KEYS);

/** Changes to what pages show (not the worker's own bookkeeping: budgets, evidence cache). */
export function onSessionChanged(listener: (keys: string[]) => void): () => void {
  const handler = (changes: Record<string, unknown>, areaName: string): void => {
    const keys = Object.keys(changes).filter((key) => !INTERNAL.includes(key));
    if (areaName === 'session' && keys.length) listener(keys);
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}

/**
 * Changes to the session or local keys a page drew from; `keys` is asked at each change, as what a
 * page reads changes with what it shows. Before its first read (`undefined`) every session change counts.
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
