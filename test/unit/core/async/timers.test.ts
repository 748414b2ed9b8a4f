// The worker's timers go through core/async/timers.ts, which counts those pending (the soak's
// "timers" column). Whatever becomes of a timer (it fires, is cancelled, throws), the count returns.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { after, cancel, sleep, timersPending } from '../../../../src/core/async/timers';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('timers pending', () => {
  it('counts a timer until it fires, and runs it once', async () => {
    const run = vi.fn();
    after(1_000, run);
    expect(timersPending()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(run).not.toHaveBeenCalled();
    expect(timersPending()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(timersPending()).toBe(0);
  });

  it('counts a cancelled timer no more, and never runs it; cancelling twice, late or nothing changes nothing', async () => {
    const run = vi.fn();
    const fired = vi.fn();
    const timer = after(1_000, run);
    const done = after(10, fired);
    await vi.advanceTimersByTimeAsync(10);
    expect(timersPending()).toBe(1);
    cancel(timer);
    expect(timersPending()).toBe(0);
    cancel(timer);
    cancel(done); // already fired
    cancel(undefined);
    expect(timersPending()).toBe(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(run).not.toHaveBeenCalled();
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('does not count a timer whose callback threw', () => {
    after(5, () => {
      throw new Error('boom');
    });
    expect(timersPending()).toBe(1);
    expect(() => vi.advanceTimersByTime(5)).toThrow('boom');
    expect(timersPending()).toBe(0);
  });

  it('counts a sleep until it resolves', async () => {
    let woke = false;
    void sleep(300).then(() => (woke = true));
    expect(timersPending()).toBe(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(woke).toBe(true);
    expect(timersPending()).toBe(0);
  });

  it('counts many timers at once, each by itself', async () => {
    const timers = Array.from({ length: 50 }, (_, i) => after(100 + i, () => undefined));
    expect(timersPending()).toBe(50);
    for (const timer of timers.slice(0, 20)) cancel(timer);
    expect(timersPending()).toBe(30);
    await vi.advanceTimersByTimeAsync(200);
    expect(timersPending()).toBe(0);
  });
});
