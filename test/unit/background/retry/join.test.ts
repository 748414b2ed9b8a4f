// Tabs join and leave their origin's schedule (retry/join.ts): one schedule per origin, never a POST, the settings respected.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import {
  site,
  probed,
  ORIGIN,
  NOW,
  reloads,
  failingTab,
  advance,
  retry,
  handleFrameResponse,
  handleTabRemoved,
  handleTabChange,
  useRetryWorld,
} from '../../helpers/fake-retry';
import { incidentItem } from '../../../../src/core/incident/stored';
import { retryItem } from '../../../../src/core/retry/stored';
import { settingsItem } from '../../../../src/core/settings/stored';
const store = await import('../../../../src/platform/store');
const { DEFAULT_SETTINGS } = await import('../../../../src/core/settings/settings');
const { syncTabView } = await import('../../../../src/background/tab/view');

useRetryWorld();

describe('joining and leaving an origin’s schedule', () => {
  it('shares one schedule between all tabs failing on an origin: ten tabs, one probe per step', async () => {
    const tabs: number[] = [];
    for (let i = 0; i < 10; i++) tabs.push(await failingTab(`${ORIGIN}/item/${i}`));
    expect(await store.readAll(retryItem)).toHaveLength(1);
    expect((await store.read(retryItem, ORIGIN))!.tabs).toEqual(tabs);
    await advance(5000);
    expect(probed).toHaveLength(1);
    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(probed).toHaveLength(2);
    expect(reloads.sort()).toEqual([...tabs].sort());
  });

  it('never schedules a POST', async () => {
    const tabId = await failingTab(`${ORIGIN}/checkout`, 502, { method: 'POST' });
    expect(await store.read(incidentItem, tabId)).toMatchObject({ method: 'POST', retryable: false });
    expect(await store.read(retryItem, ORIGIN)).toBeUndefined();
    await advance(10 * 60_000);
    expect(probed).toEqual([]);
    expect(reloads).toEqual([]);
    // "Retry now" on a failed POST does not resend it either
    expect(await retry.retryNow(tabId)).toBe(false);
    expect(reloads).toEqual([]);
  });

  it('does not probe before a 503 Retry-After has passed', async () => {
    await failingTab(`${ORIGIN}/`, 503, { headers: [{ name: 'Retry-After', value: '5' }] });
    expect((await store.read(retryItem, ORIGIN))!.schedule.nextAt).toBeGreaterThanOrEqual(NOW + 5000);
    await advance(4900);
    expect(probed).toEqual([]);
    await advance(2000);
    expect(probed).toHaveLength(1);
  });

  it('a closed tab leaves the schedule; the last one ends it', async () => {
    const a = await failingTab();
    const b = await failingTab(`${ORIGIN}/other`);
    await handleTabRemoved(a);
    expect((await store.read(retryItem, ORIGIN))!.tabs).toEqual([b]);
    await handleTabRemoved(b);
    expect(await store.read(retryItem, ORIGIN)).toBeUndefined();
    await advance(60_000);
    expect(probed).toEqual([]);
  });

  it('a tab navigated elsewhere leaves the schedule and loses its badge', async () => {
    const tabId = await failingTab();
    await handleTabChange(
      tabId,
      { url: 'https://elsewhere.example/', complete: false },
      { url: 'https://elsewhere.example/', incognito: false },
    );
    expect(await store.read(retryItem, ORIGIN)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');
  });

  it('respects "never auto-retry this site" and the global switch, unless the visitor asks', async () => {
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, neverRetry: ['shop.example'] });
    const tabId = await failingTab();
    expect(await store.read(retryItem, ORIGIN)).toBeUndefined();
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, autoRetry: false, alwaysRetry: ['shop.example'] });
    await failingTab(`${ORIGIN}/b`);
    expect(await store.read(retryItem, ORIGIN)).toBeDefined();
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, autoRetry: false });
    const other = await failingTab('https://news.example/');
    expect(await store.read(retryItem, 'https://news.example')).toBeUndefined();
    expect(await retry.joinSchedule(other, (await store.read(incidentItem, other))!, { force: true })).toBe(true);
    expect(await store.read(retryItem, 'https://news.example')).toBeDefined();
    expect(tabId).toBeGreaterThan(0);
  });

  it('a tab that waited after a GET failure and then failed a POST on the same origin leaves the schedule', async () => {
    const tabId = await failingTab(`${ORIGIN}/basket`);
    const other = await failingTab(`${ORIGIN}/other`);
    await handleFrameResponse({
      tabId,
      frame: 'main',
      url: `${ORIGIN}/checkout`,
      status: 502,
      method: 'POST',
      headers: [],
      time: Date.now(),
    });
    expect((await store.read(retryItem, ORIGIN))!.tabs).toEqual([other]);
    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads).toEqual([other]);
  });
});

describe('the incident the caller holds is passed, not read again', () => {
  /** The session reads of `incident:<tabId>` that `task` makes. */
  async function incidentReads(tabId: number, task: () => Promise<unknown>): Promise<number> {
    const get = vi.spyOn(fakeBrowser.storage.session, 'get');
    await task();
    const reads = get.mock.calls.filter(([keys]) => JSON.stringify(keys ?? null).includes(`"incident:${tabId}"`)).length;
    get.mockRestore();
    return reads;
  }

  it('joinSchedule and leaveSchedule neither read the incident nor draw; syncTabView draws from the incident it is given', async () => {
    const tabId = await failingTab();
    const incident = (await store.read(incidentItem, tabId))!;
    const drawn = vi.spyOn(fakeBrowser.action, 'setBadgeText');
    expect(await incidentReads(tabId, () => retry.joinSchedule(tabId, incident))).toBe(0);
    expect((await store.read(retryItem, ORIGIN))?.tabs).toEqual([tabId]);
    expect(await incidentReads(tabId, () => retry.leaveSchedule(tabId, ORIGIN))).toBe(0);
    expect(await store.read(retryItem, ORIGIN)).toBeUndefined();
    expect(drawn).not.toHaveBeenCalled();
    expect(await incidentReads(tabId, () => syncTabView(tabId, { incident }))).toBe(0);
    // The badge shows the incident, no longer waiting: the 502 as the page shows it.
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('502');
  });
});
