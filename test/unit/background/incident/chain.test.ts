// The incident chain runs its effects in one order, from one place (incident/chain.ts): the
// incident with its recording mark, history, schedule, badge, panel, and only then the mark goes.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { useFakeBackground } from '../../helpers/fake-background';

const { recordIncident } = await import('../../../../src/background/incident/chain');
const { classify } = await import('../../../../src/core/incident/classify');
const store = await import('../../../../src/platform/store');
const { DEFAULT_SETTINGS } = await import('../../../../src/core/settings/settings');
import type { Incident } from '../../../../src/model/incident';
import { settingsItem } from '../../../../src/core/settings/stored';
import { retryItem } from '../../../../src/core/retry/stored';
import { historyItem } from '../../../../src/core/present/stored';
import { incidentItem } from '../../../../src/core/incident/stored';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const URL_502 = 'https://shop.example/cart';
useFakeBackground({ now: NOW });

const keysOf = (items: unknown): string[] =>
  typeof items === 'string' ? [items] : Array.isArray(items) ? items.map(String) : Object.keys(items as object);

/** Every step of the chain, in the order the browser saw it. */
function watchSteps(tabId: number): string[] {
  const steps: string[] = [];
  const sessionSet = fakeBrowser.storage.session.set.bind(fakeBrowser.storage.session);
  vi.spyOn(fakeBrowser.storage.session, 'set').mockImplementation(async (items) => {
    for (const key of keysOf(items)) {
      if (key === `recording:${tabId}`) steps.push('recording mark');
      if (key.startsWith('retry:')) steps.push('schedule');
    }
    return sessionSet(items);
  });
  const sessionRemove = fakeBrowser.storage.session.remove.bind(fakeBrowser.storage.session);
  vi.spyOn(fakeBrowser.storage.session, 'remove').mockImplementation(async (keys) => {
    if (keysOf(keys).includes(`recording:${tabId}`)) steps.push('mark removed');
    return sessionRemove(keys);
  });
  const localSet = fakeBrowser.storage.local.set.bind(fakeBrowser.storage.local);
  vi.spyOn(fakeBrowser.storage.local, 'set').mockImplementation(async (items) => {
    if (keysOf(items).includes('history')) steps.push('history');
    return localSet(items);
  });
  const setBadgeText = fakeBrowser.action.setBadgeText.bind(fakeBrowser.action);
  vi.spyOn(fakeBrowser.action, 'setBadgeText').mockImplementation(async (details) => {
    steps.push(`badge ${details.text}`);
    return setBadgeText(details);
  });
  vi.spyOn(fakeBrowser.scripting, 'executeScript').mockImplementation(async () => {
    steps.push('panel');
    return [];
  });
  return steps;
}

describe('recordIncident', () => {
  it('a 502 on a retryable GET with auto-retry off: history, no schedule, one badge, the panel once loaded, then the mark goes', async () => {
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, autoRetry: false });
    const tab = await fakeBrowser.tabs.create({ url: URL_502 });
    const tabId = tab.id!;
    // The page has completed loading: the panel goes in without waiting for another "complete".
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), status: 'complete' }));
    const incident = classify({ kind: 'http', url: URL_502, status: 502, method: 'GET', headers: [], time: NOW }) as Incident;
    expect(incident.retryable).toBe(true);
    const steps = watchSteps(tabId);

    await recordIncident(tabId, incident, { url: URL_502, incognito: false }, 'if-loaded');

    expect(steps).toEqual(['recording mark', 'history', 'badge 502', 'panel', 'mark removed']);
    expect(fakeBrowser.action.setBadgeText).toHaveBeenCalledTimes(1);
    expect(await store.readAll(retryItem)).toEqual([]);
    expect(await store.read(historyItem)).toMatchObject([{ host: 'shop.example', time: NOW }]);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ url: URL_502, status: 502 });
    expect(await fakeBrowser.storage.session.get(`recording:${tabId}`)).toEqual({});
  });

  it('a page still loading gets no panel yet ("complete" brings it); a private tab gets no history entry', async () => {
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, autoRetry: false });
    const tab = await fakeBrowser.tabs.create({ url: URL_502 });
    const tabId = tab.id!;
    const incident = classify({ kind: 'http', url: URL_502, status: 502, method: 'GET', headers: [], time: NOW }) as Incident;
    const steps = watchSteps(tabId);

    await recordIncident(tabId, incident, { url: URL_502, incognito: true }, 'if-loaded');

    expect(steps).toEqual(['recording mark', 'badge 502', 'mark removed']);
    expect(await store.read(historyItem)).toEqual([]);
  });
});
