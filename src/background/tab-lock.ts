/**
 * Serialises work on one key: a response, a title change and a URL change of the same
 * navigation can arrive together, and each reads then writes that tab's incident; the same goes
 * for an origin's retry record. The maps hold only in-flight promises, never state that must
 * survive the worker.
 */
function keyedLock<K>(): <T>(key: K, task: () => Promise<T>) => Promise<T> {
  const chains = new Map<K, Promise<unknown>>();
  return <T>(key: K, task: () => Promise<T>): Promise<T> => {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => undefined);
    chains.set(key, settled);
    void settled.then(() => {
      if (chains.get(key) === settled) chains.delete(key);
    });
    return next;
  };
}

export const withTabLock = keyedLock<number>();
export const withOriginLock = keyedLock<string>();
