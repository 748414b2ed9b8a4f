import { describe, expect, it } from 'vitest';
import { concurrencyLimit, keyedLock } from '../../../../src/core/async/concurrency';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('concurrencyLimit', () => {
  it('never runs more than its limit at once, and runs everything in arrival order', async () => {
    const limit = concurrencyLimit(4);
    const started: number[] = [];
    const release: Array<() => void> = [];
    const tasks = Array.from({ length: 16 }, (_, i) =>
      limit.run(
        () =>
          new Promise<number>((resolve) => {
            started.push(i);
            release.push(() => resolve(i));
          }),
      ),
    );
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limit.active).toBe(4);
    expect(limit.queued).toBe(12);
    while (release.length) {
      release.shift()!();
      await tick();
      expect(limit.active).toBeLessThanOrEqual(4);
    }
    expect(await Promise.all(tasks)).toEqual([...Array(16).keys()]);
    expect(started).toEqual([...Array(16).keys()]);
    expect(limit.peak).toBe(4);
    expect(limit.active).toBe(0);
  });

  it('a task that throws frees its slot, and its error reaches its caller only', async () => {
    const limit = concurrencyLimit(1);
    const failed = limit.run(async () => {
      throw new Error('boom');
    });
    const next = limit.run(async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('ok');
    expect(limit.active).toBe(0);
  });

  it('a nonsensical limit means one at a time', async () => {
    for (const max of [0, -3, Number.NaN, 2.5]) {
      const limit = concurrencyLimit(max);
      await Promise.all([limit.run(async () => tick()), limit.run(async () => tick())]);
      expect(limit.peak).toBe(1);
    }
  });
});

describe('keyedLock', () => {
  it('runs the tasks of one key one after another, in order, and other keys alongside', async () => {
    const lock = keyedLock<string>();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([lock('a', task('a1', 20)), lock('a', task('a2', 1)), lock('b', task('b1', 5))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a2 start')).toBeGreaterThan(log.indexOf('a1 end'));
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
  });

  it('a failing task fails its caller only; the next one for that key still runs', async () => {
    const lock = keyedLock<number>();
    const failed = lock(1, async () => {
      throw new Error('boom');
    });
    const next = lock(1, async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
