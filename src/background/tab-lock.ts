/**
 * Serialises the handlers of one tab: a response, a title change and a URL change of the same
 * navigation can arrive together, and each reads then writes that tab's incident.
 * The map holds only in-flight promises, never state that must survive the worker.
 */
const chains = new Map<number, Promise<unknown>>();

export function withTabLock<T>(tabId: number, task: () => Promise<T>): Promise<T> {
  const previous = chains.get(tabId) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.catch(() => undefined);
  chains.set(tabId, settled);
  void settled.then(() => {
    if (chains.get(tabId) === settled) chains.delete(tabId);
  });
  return next;
}
