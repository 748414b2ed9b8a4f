import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deadline, readLimited, TooLarge } from '../../../../src/core/net/deadline';

const stream = (...chunks: number[]): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const size of chunks) controller.enqueue(new Uint8Array(size).fill(7));
      controller.close();
    },
  });
const never = new Promise<never>(() => undefined);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('deadline', () => {
  it('stops a promise that ignores its signal when the time is up, and says why', async () => {
    const limit = deadline(undefined, 1000);
    const guarded = limit.guard(never);
    const settled = expect(guarded).rejects.toThrow();
    expect(limit.cause()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    await settled;
    expect(limit.cause()).toBe('timeout');
    expect(limit.signal.aborted).toBe(true);
  });

  it('follows its parent: a parent abort is "aborted", not "timeout"', async () => {
    const parent = new AbortController();
    const limit = deadline(parent.signal, 1000);
    const settled = expect(limit.guard(never)).rejects.toThrow();
    parent.abort();
    await settled;
    await vi.advanceTimersByTimeAsync(2000);
    expect(limit.cause()).toBe('aborted');
  });

  it('lets a fast answer through; dispose stops the timer and releases the signal', async () => {
    const limit = deadline(undefined, 1000);
    await expect(limit.guard(Promise.resolve(42))).resolves.toBe(42);
    limit.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(limit.signal.aborted).toBe(true);
    expect(limit.cause()).toBeUndefined();
  });
});

describe('readLimited', () => {
  const pass = <X>(p: Promise<X>) => p;

  it('reads the whole body up to the limit, joined in order', async () => {
    const bytes = await readLimited(stream(3, 4), 7, pass);
    expect(bytes).toHaveLength(7);
    expect(await readLimited(null, 7, pass)).toHaveLength(0);
  });

  it('refuses a longer body, or keeps its first bytes with truncate', async () => {
    await expect(readLimited(stream(5, 5), 7, pass)).rejects.toBeInstanceOf(TooLarge);
    expect(await readLimited(stream(5, 5), 7, pass, true)).toHaveLength(7);
  });
});
