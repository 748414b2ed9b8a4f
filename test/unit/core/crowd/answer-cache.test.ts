import { describe, expect, it } from 'vitest';
import { AnswerCache, MAX_CACHED_ANSWERS } from '../../../../src/core/crowd/answer-cache';

describe('AnswerCache', () => {
  it('reuses an answer until its freshUntil, then forgets it', () => {
    const cache = new AnswerCache<string>();
    cache.set('u', 'a', 1_000, 16_000);
    expect(cache.get('u', 1_000)).toEqual({ value: 'a', receivedAt: 1_000, freshUntil: 16_000 });
    expect(cache.get('u', 15_999)?.value).toBe('a');
    expect(cache.get('u', 16_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not keep an answer that may not be reused', () => {
    const cache = new AnswerCache<string>();
    cache.set('u', 'a', 1_000, 1_000);
    expect(cache.get('u', 1_000)).toBeUndefined();
    cache.set('u', 'a', 1_000, 16_000);
    cache.set('u', 'b', 2_000, 2_000); // a newer no-store answer replaces the cached one
    expect(cache.get('u', 2_000)).toBeUndefined();
  });

  it('does not trust an answer from the future (the clock was set back)', () => {
    const cache = new AnswerCache<string>();
    cache.set('u', 'a', 100_000, 115_000);
    expect(cache.get('u', 40_000)).toBeUndefined();
  });

  it('holds at most its bound, dropping the oldest first', () => {
    const cache = new AnswerCache<number>();
    for (let i = 0; i < MAX_CACHED_ANSWERS + 10; i += 1) cache.set(`u${i}`, i, 0, 60_000);
    expect(cache.size).toBe(MAX_CACHED_ANSWERS);
    expect(cache.get('u0', 1)).toBeUndefined();
    expect(cache.get('u9', 1)).toBeUndefined();
    expect(cache.get('u10', 1)?.value).toBe(10);
    expect(cache.get(`u${MAX_CACHED_ANSWERS + 9}`, 1)?.value).toBe(MAX_CACHED_ANSWERS + 9);
  });

  it('drops stale answers before the fresh ones when full', () => {
    const cache = new AnswerCache<number>(2);
    cache.set('stale', 1, 0, 1_000);
    cache.set('fresh', 2, 0, 60_000);
    cache.set('new', 3, 5_000, 60_000);
    expect(cache.get('fresh', 5_000)?.value).toBe(2);
    expect(cache.get('new', 5_000)?.value).toBe(3);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
