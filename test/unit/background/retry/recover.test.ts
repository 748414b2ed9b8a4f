// Bringing the tabs back once a probe finds the origin back (retry/recover.ts): every waiting GET, never a form, history ended, one notification.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { site, ORIGIN, NOW, reloads, failingTab, advance, retry, useRetryWorld } from '../../helpers/fake-retry';
import { incidentItem } from '../../../../src/core/incident/stored';
import { retryItem } from '../../../../src/core/retry/stored';
import { historyItem } from '../../../../src/core/present/stored';
import { settingsItem } from '../../../../src/core/settings/stored';
const store = await import('../../../../src/platform/store');
const { DEFAULT_SETTINGS } = await import('../../../../src/core/settings/settings');

useRetryWorld();

describe('a form is never loaded again by itself', () => {
  it('a tab that moved on to another page, or is on its way to one, is not loaded again', async () => {
    // Chrome builds learn that a tab left its failing page only once the new page has loaded.
    const moved = await failingTab();
    const leaving = await failingTab(`${ORIGIN}/account`);
    const staying = await failingTab(`${ORIGIN}/orders#latest`);
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    const get = vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => {
      const tab = await realGet(id);
      if (id === moved) return { ...tab, url: 'https://elsewhere.example/' };
      if (id === leaving) return { ...tab, pendingUrl: 'https://elsewhere.example/' } as typeof tab;
      return tab;
    });
    try {
      site.answers = [{ status: 200, ms: 5 }];
      await advance(60_000);
      expect(reloads).toEqual([staying]);
    } finally {
      get.mockRestore();
    }
  });

  it('even if the record still lists it, a tab whose current incident is a POST is not loaded again', async () => {
    const tabId = await failingTab(`${ORIGIN}/basket`);
    const incident = (await store.read(incidentItem, tabId))!;
    await store.write(incidentItem, { ...incident, url: `${ORIGIN}/checkout`, method: 'POST', retryable: false }, tabId);
    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads).toEqual([]);
  });
});

describe('notifications', () => {
  it('notifies when a background tab comes back', async () => {
    const tabId = await failingTab();
    await fakeBrowser.tabs.create({ url: 'https://other.example/', active: true });
    await fakeBrowser.tabs.update(tabId, { active: false });
    site.answers = [{ status: 200, ms: 5 }];
    await advance(5000);
    const all = await fakeBrowser.notifications.getAll();
    expect(Object.keys(all)).toEqual([`recovered:${tabId}`]);
  });

  it("a private window's tab that comes back is notified without its site's name", async () => {
    const tabId = await failingTab();
    await fakeBrowser.tabs.create({ url: 'https://other.example/', active: true });
    await fakeBrowser.tabs.update(tabId, { active: false });
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: id === tabId }));
    const created = vi.spyOn(fakeBrowser.notifications, 'create');
    site.answers = [{ status: 200, ms: 5 }];
    await advance(5000);
    expect(created.mock.calls.map((c) => c[0])).toEqual([`recovered:${tabId}`]);
    const shown = JSON.stringify(created.mock.calls);
    expect(created.mock.calls[0]?.[1]).not.toMatchObject({ title: expect.stringContaining('shop') });
    expect(shown, shown).not.toContain(new URL(ORIGIN).hostname);
  });
});

describe('every waiting tab comes back', () => {
  it('one tab that cannot be loaded again does not keep the others waiting', async () => {
    const tabs: number[] = [];
    for (let i = 0; i < 8; i += 1) tabs.push(await failingTab(`${ORIGIN}/item/${i}`));
    const update = fakeBrowser.tabs.update.bind(fakeBrowser.tabs);
    (fakeBrowser.tabs as unknown as { update: typeof update }).update = (async (id: number, props: object) => {
      if (id === tabs[2]) throw new Error('No tab with id');
      return update(id, props);
    }) as typeof update;
    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads.sort()).toEqual(tabs.filter((id) => id !== tabs[2]).sort());
    expect((await store.read(retryItem, ORIGIN))!.tabs).toEqual([]);
  });

  it('tabs that joined at every stage of the backoff come back with the one probe that finds the site back', async () => {
    const tabs: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      tabs.push(await failingTab(`${ORIGIN}/late/${i}`));
      await advance(4000);
    }
    site.answers = [{ status: 200, ms: 5 }];
    await advance(5 * 60_000, 1000);
    expect(reloads.sort()).toEqual([...tabs].sort());
  });

  it('a worker stopped while loading the tabs again finishes the job when it starts', async () => {
    const tabs = [await failingTab(`${ORIGIN}/a`), await failingTab(`${ORIGIN}/b`)];
    // What a worker stopped halfway leaves: the origin recovered, its tabs still listed.
    const record = (await store.read(retryItem, ORIGIN))!;
    await store.write(retryItem, { ...record, state: 'recovered', recoveries: 1, recoveredAt: Date.now() });
    vi.clearAllTimers();
    await retry.resumeRetries();
    expect(reloads.sort()).toEqual([...tabs].sort());
    expect((await store.read(retryItem, ORIGIN))!.tabs).toEqual([]);
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
  });
});

describe('history records how the incident ended', () => {
  const ended = async () => (await store.read(historyItem)).map((e) => ({ host: e.host, time: e.time, end: e.end }));

  it('came back by itself: when the auto-retry found it back', async () => {
    await failingTab();
    expect(await ended()).toEqual([{ host: 'shop.example', time: NOW, end: undefined }]);
    await advance(5000);
    site.answers = [{ status: 200, ms: 5 }];
    const before = Date.now();
    await advance(60_000);
    const [entry] = await ended();
    expect(entry!.end?.how).toBe('came-back');
    expect(entry!.end!.at).toBeGreaterThan(before);
    expect(entry!.end!.at - NOW).toBeLessThan(65_000);
  });

  it('retried by hand: when "retry now" found it back', async () => {
    const tabId = await failingTab();
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    site.answers = [{ status: 200, ms: 5 }];
    expect(await retry.retryNow(tabId)).toBe(true);
    expect((await ended())[0]!.end).toEqual({ how: 'retried', at: NOW + 4 * 60_000 });
  });

  it('gave up: and a later recovery does not rewrite the ending', async () => {
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, giveUpMinutes: 5 });
    const tabId = await failingTab();
    await advance(6 * 60_000, 5000);
    expect(await store.read(retryItem, ORIGIN)).toMatchObject({ state: 'gave-up' });
    const end = (await ended())[0]!.end;
    expect(end?.how).toBe('gave-up');
    expect(end!.at - NOW).toBeGreaterThanOrEqual(5 * 60_000);
    site.answers = [{ status: 200, ms: 5 }];
    await retry.retryNow(tabId);
    expect((await ended())[0]!.end).toEqual(end);
  });

  it('still down: no ending while it waits', async () => {
    await failingTab();
    await advance(60_000);
    expect((await ended())[0]!.end).toBeUndefined();
  });
});
