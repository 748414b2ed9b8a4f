// "Clear this site's data" loads the page again only when its request may be repeated.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { incidentItem } from '../../../../src/core/incident/stored';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
vi.mock('../../../../src/background/diagnosis/diagnose', () => ({
  diagnoseTab: vi.fn(async () => undefined),
  diagnoseHost: vi.fn(async () => undefined),
  dropDiagnosis: vi.fn(async () => undefined),
}));
vi.mock('../../../../src/platform/site-data', () => ({
  clearSiteData: vi.fn(async () => ({ cleared: ['cache'], cacheLimitedToSite: true })),
  openUrl: vi.fn(async () => undefined),
}));

const { handleMessage } = await import('../../../../src/background/pages/message-handlers');
const store = await import('../../../../src/platform/store');
const { classify } = await import('../../../../src/core/incident/classify');

const loads: string[] = [];
const realUpdate = fakeBrowser.tabs.update.bind(fakeBrowser.tabs);

beforeEach(() => {
  fakeBrowser.reset();
  loads.length = 0;
  (fakeBrowser.tabs as unknown as { reload: (id: number) => Promise<void> }).reload = async (id: number) => {
    loads.push(`reload ${id}`);
  };
  (fakeBrowser.tabs as unknown as { update: (id: number, props: { url?: string }) => Promise<unknown> }).update = async (id, props) => {
    if (props.url !== undefined) loads.push(`navigate ${props.url}`);
    return realUpdate(id, props);
  };
});

async function tabWith(method: string | undefined): Promise<number> {
  const url = 'https://shop.example/checkout';
  const tab = await fakeBrowser.tabs.create({ url });
  if (method)
    await store.write(incidentItem, classify({ kind: 'http', url, status: 502, headers: [], method, time: Date.now() })!, tab.id!);
  return tab.id!;
}

describe('clear-site-data', () => {
  it('a GET page is reloaded bypassing the cache (its files come from the server again)', async () => {
    const tabId = await tabWith('GET');
    expect(await handleMessage({ type: 'clear-site-data', tabId, cookies: false })).toMatchObject({
      reloaded: true,
      needsConfirmation: false,
    });
    expect(loads).toEqual(['reload 1']);
  });

  it("a form's answer is not loaded again: the visitor confirms sending it again", async () => {
    const tabId = await tabWith('POST');
    expect(await handleMessage({ type: 'clear-site-data', tabId, cookies: true })).toMatchObject({
      reloaded: false,
      needsConfirmation: true,
      cleared: ['cache'],
    });
    expect(loads).toEqual([]);
  });

  it('a page whose method is unknown (no incident) is not loaded again either', async () => {
    const tabId = await tabWith(undefined);
    expect(await handleMessage({ type: 'clear-site-data', tabId, cookies: false })).toMatchObject({
      reloaded: false,
      needsConfirmation: true,
    });
    expect(loads).toEqual([]);
  });
});

/**
 * The real tabs.get, bound while the file is loaded and nothing is spied yet: a test that spies on
 * tabs.get and binds it inside the test could bind an earlier spy that calls itself (a stack
 * overflow in a rejected promise, printed in every unit run).
 */
const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);

describe("clear this site's data in a private window", () => {
  it('is refused for a tab in a private window: browsingData could reach the regular profile', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://shop.example/' });
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: true }));
    const { clearSiteData } = await import('../../../../src/platform/site-data');
    vi.mocked(clearSiteData).mockClear();
    await expect(handleMessage({ type: 'clear-site-data', tabId: tab.id!, cookies: true } as never)).rejects.toThrow(/private window/);
    expect(clearSiteData).not.toHaveBeenCalled();
  });
});

describe('"don\'t show on this site" from a private window', () => {
  it('closes the panel but writes nothing that outlives the session', async () => {
    const { handlePanelRequest } = await import('../../../../src/background/in-page/panel');
    const url = 'https://secret-clinic.example/';
    const tab = await fakeBrowser.tabs.create({ url });
    await store.write(incidentItem, classify({ kind: 'http', url, status: 502, headers: [], time: Date.now() })!, tab.id!);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: true }));
    expect(await handlePanelRequest({ type: 'panel-hide-site' } as never, tab.id!)).toEqual({ hidden: true });
    const kept = JSON.stringify([await fakeBrowser.storage.sync.get(null), await fakeBrowser.storage.local.get(null)]);
    expect(kept).not.toContain('secret-clinic');
  });
});

describe('"always / never retry on this site" from a private window', () => {
  const host = 'secret-clinic.example';
  const kept = async (): Promise<string> =>
    JSON.stringify([await fakeBrowser.storage.sync.get(null), await fakeBrowser.storage.local.get(null)]);
  // Earlier tests leave tabs.get spied: a fresh, real one for each of these.
  beforeEach(() => vi.restoreAllMocks());

  it('is not saved when the tab is in a private window', async () => {
    const tab = await fakeBrowser.tabs.create({ url: `https://${host}/` });
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: true }));
    for (const policy of ['always', 'never'] as const)
      expect(await handleMessage({ type: 'site-policy', host, policy, tabId: tab.id! })).toEqual({ policy, saved: false });
    expect(await kept()).not.toContain('secret-clinic');
    vi.restoreAllMocks();
  });

  it('is saved from a regular window, and without a tab (the settings page)', async () => {
    const tab = await fakeBrowser.tabs.create({ url: `https://${host}/` });
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: false }));
    expect(await handleMessage({ type: 'site-policy', host, policy: 'never', tabId: tab.id! })).toEqual({ policy: 'never', saved: true });
    expect(await kept()).toContain(host);
    vi.restoreAllMocks();
    expect(await handleMessage({ type: 'site-policy', host: 'other.example', policy: 'always' })).toEqual({
      policy: 'always',
      saved: true,
    });
    expect(await kept()).toContain('other.example');
  });

  it('is not saved when the tab is gone (cannot tell it was not private)', async () => {
    expect(await handleMessage({ type: 'site-policy', host, policy: 'always', tabId: 987654 })).toEqual({ policy: 'always', saved: false });
    expect(await kept()).not.toContain('secret-clinic');
  });
});

describe('worker stats (the soak reads them from an extension page)', () => {
  it('answers the timers pending in the worker', async () => {
    const { after, cancel, timersPending } = await import('../../../../src/core/async/timers');
    const before = timersPending();
    const timer = after(60_000, () => undefined);
    expect(await handleMessage({ type: 'worker-stats' })).toEqual({ timersPending: before + 1 });
    cancel(timer);
    expect(await handleMessage({ type: 'worker-stats' })).toEqual({ timersPending: before });
  });
});
