// The in-memory cache of the service's answers, keyed by URL: an answer is reused until its freshUntil, and the
// cache never holds more than a fixed number of them (the oldest goes first). Pure: the caller passes the time.

/** Buckets asked for in one worker's life are few; this bounds memory whatever happens. */
export const MAX_CACHED_ANSWERS = 64;

export class AnswerCache<T> {
  private readonly entries = new Map<string, { value: T; receivedAt: number; freshUntil: number }>();

  constructor(private readonly max = MAX_CACHED_ANSWERS) {}

  /** The answer for `key` while it is fresh at `now`; a stale one (or one from the future: a clock set back) is forgotten. */
  get(key: string, now: number): { value: T; receivedAt: number; freshUntil: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.receivedAt <= now && now < entry.freshUntil) return entry;
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps an answer received at `now` that may be reused (freshUntil after now); one that may not is not stored. */
  set(key: string, value: T, now: number, freshUntil: number): void {
    this.entries.delete(key);
    if (!(freshUntil > now)) return;
    for (const [k, e] of this.entries) if (!(e.receivedAt <= now && now < e.freshUntil)) this.entries.delete(k);
    while (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, receivedAt: now, freshUntil });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
