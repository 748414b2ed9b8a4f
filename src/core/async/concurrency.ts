/**
 * A first-in, first-out limit on how many tasks run at once. Pure (promises only), so it can be
 * unit-tested; the one instance that bounds background requests lives in platform/fetch-limit.
 * It holds only tasks in flight and waiting, never state that must survive the worker.
 */
export interface ConcurrencyLimit {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly queued: number;
  /** The most that ever ran at once (for tests and benches). */
  readonly peak: number;
}

export function concurrencyLimit(max: number): ConcurrencyLimit {
  const slots = Number.isInteger(max) && max > 0 ? max : 1;
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  const acquire = (): Promise<void> => {
    if (active < slots) {
      active += 1;
      peak = Math.max(peak, active);
      return Promise.resolve();
    }
    // The slot passes straight from the task that ends to the next in line (`active` unchanged).
    return new Promise((resolve) => waiting.push(resolve));
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    get peak() {
      return peak;
    },
  };
}

/**
 * Serialises work per key: each task for a key starts once the one before it for that key has
 * settled (whatever its outcome); tasks for other keys run freely. For read-modify-write of one
 * stored record by several events at once (a tab's incident, an origin's schedule, the history
 * list). Holds only in-flight promises: a key with nothing pending is forgotten.
 */
export function keyedLock<K>(): <T>(key: K, task: () => Promise<T>) => Promise<T> {
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
