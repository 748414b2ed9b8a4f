// The visitor's controls (Stop, Retry now), connectivity, and the worker start (retry/controls.ts).
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { site, probed, ORIGIN, reloads, failingTab, advance, retry, useRetryWorld } from '../../helpers/fake-retry';
import { retryItem } from '../../../../src/core/retry/stored';
const store = await import('../../../../src/platform/store');
const { RESUME_SPREAD_PER_SCHEDULE_MS } = await import('../../../../src/core/retry/schedule');

useRetryWorld();

describe('the visitor’s controls, connectivity and worker starts', () => {
  it('Stop retrying removes the tab; Retry now probes at once', async () => {
    const tabId = await failingTab();
    await retry.retryNow(tabId);
    expect(probed).toHaveLength(1);
    expect(await retry.stopRetry(tabId)).toBe(true);
    expect(await store.read(retryItem, ORIGIN)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('502');
  });

  it('pauses while offline and probes at once when back online', async () => {
    await failingTab();
    site.online = false;
    await retry.connectivityChanged(false);
    expect(await store.read(retryItem, ORIGIN)).toMatchObject({ state: 'offline' });
    await advance(10 * 60_000);
    expect(probed).toEqual([]);
    site.online = true;
    await retry.connectivityChanged(true);
    await advance(RESUME_SPREAD_PER_SCHEDULE_MS, 50); // one schedule resumes within 0.4 s
    expect(probed).toHaveLength(1);
  });

  it('notices being back online even when no online event arrives (Chromium workers)', async () => {
    await failingTab();
    site.online = false;
    await retry.connectivityChanged(false);
    await advance(10_000);
    expect(probed).toEqual([]);
    site.online = true; // no event
    await advance(3000);
    expect(probed).toHaveLength(1);
    expect(await store.read(retryItem, ORIGIN)).toMatchObject({ state: 'waiting' });
  });

  it('resumes after the worker was stopped: timers are gone, storage and alarm are not', async () => {
    await failingTab();
    vi.clearAllTimers(); // what a stopped worker loses
    await retry.resumeRetries();
    await advance(5000);
    expect(probed).toHaveLength(1);
  });

  it('"Retry now" without an incident loads nothing (the method of the page on screen is unknown)', async () => {
    const tab = await fakeBrowser.tabs.create({ url: `${ORIGIN}/thanks` });
    expect(await retry.retryNow(tab.id!)).toBe(false);
    expect(reloads).toEqual([]);
  });
});

describe('resuming many schedules at once', () => {
  it('sixteen overdue schedules are spread out when the worker starts, not probed in the same instant', async () => {
    for (let i = 0; i < 16; i += 1) await failingTab(`https://site${i}.example/`);
    vi.clearAllTimers();
    await vi.advanceTimersByTimeAsync(60_000); // every probe is overdue now
    let draws = 0;
    vi.spyOn(Math, 'random').mockImplementation(() => ((draws += 1) * 0.37) % 1);
    const times = (await store.readAll(retryItem)).map((r) => r.schedule.nextAt);
    expect(times.every((t) => t <= Date.now())).toBe(true);
    await retry.resumeRetries();
    const spread = (await store.readAll(retryItem)).map((r) => r.schedule.nextAt - Date.now());
    expect(Math.max(...spread)).toBeGreaterThan(1000);
    expect(Math.max(...spread)).toBeLessThanOrEqual(16 * RESUME_SPREAD_PER_SCHEDULE_MS);
    expect(new Set(spread).size).toBeGreaterThan(1);
  });
});
