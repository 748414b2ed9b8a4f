/** Storage changes, for the pages that redraw on them (the popup) without loading storage.ts's readers and validators. */
import { browser } from './native';
import { SESSION_KEYS } from '../core/schema/legacy/stored-keys';

/** Changes to what pages show (not the worker's own bookkeeping: budgets, evidence cache). */
export function onSessionChanged(listener: (keys: string[]) => void): () => void {
  const internal: readonly string[] = Object.values(SESSION_KEYS);
  const handler = (changes: Record<string, unknown>, areaName: string): void => {
    const keys = Object.keys(changes).filter((key) => !internal.includes(key));
    if (areaName === 'session' && keys.length) listener(keys);
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}
