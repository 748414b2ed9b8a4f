// Reports per client block over any 60 s, in memory only (keys are keyed hashes): the 61st gets 429.
// Each block keeps the times of its last `limit` reports, so the rule is exact at minute boundaries too.
import { MINUTE_MS } from '../src/core/crowd/signal.ts';

export const REPORTS_PER_MINUTE = 60;

export class RateLimiter {
  private recent = new Map<string, number[]>();
  private sweptAt = 0;
  constructor(private readonly limit = REPORTS_PER_MINUTE) {}

  /** Counts one report; null when allowed, else the whole seconds until the block may report again. */
  take(key: string, now: number): number | null {
    if (this.limit <= 0) return null;
    if (now - this.sweptAt >= MINUTE_MS) this.sweep(now);
    const times = this.recent.get(key) ?? [];
    while (times.length > 0 && times[0]! <= now - MINUTE_MS) times.shift();
    if (times.length >= this.limit) return Math.max(1, Math.ceil((times[0]! + MINUTE_MS - now) / 1000));
    times.push(now);
    this.recent.set(key, times);
    return null;
  }

  /** Forgets blocks quiet for a minute: memory stays bounded by the last minute's blocks. */
  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [key, times] of this.recent) if ((times.at(-1) ?? 0) <= now - MINUTE_MS) this.recent.delete(key);
  }
}
