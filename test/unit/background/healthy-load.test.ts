// What the Firefox build's worker does while a healthy page loads (the healthy-page cost): once it knows a
// tab, a load's response and tab updates read and write nothing in storage and ask nothing of the tab,
// and the memory that saves it never hides a failure, its end or a soft error.
import { beforeAll, describe, expect, it, vi } from 'vitest';

const { webRequest, fakeBrowser } = await vi.hoisted(async () => {
  const { fakeBrowser } = await import('@webext-core/fake-browser');
  // fake-browser leaves webRequest unmocked; the Firefox build detects with it.
  const event = () => {
    const listeners = new Set<(...args: unknown[]) => unknown>();
    return {
      addListener: (l: (...args: unknown[]) => unknown) => void listeners.add(l),
      removeListener: (l: (...args: unknown[]) => unknown) => void listeners.delete(l),
      hasListener: (l: (...args: unknown[]) => unknown) => listeners.has(l),
      hasListeners: () => listeners.size > 0,
      count: () => listeners.size,
      trigger: (...args: unknown[]) => [...listeners].map((l) => l(...args)),
    };
  };
  return { webRequest: { onResponseStarted: event(), onErrorOccurred: event() }, fakeBrowser };
});

const firefox = new Proxy(fakeBrowser, {
  get: (target, key, receiver) => (key === 'webRequest' ? webRequest : Reflect.get(target, key, receiver)),
});
vi.mock('webextension-polyfill', () => ({ default: firefox }));
vi.mock('../native-api', () => ({ browser: firefox, IS_FIREFOX: true }));
vi.mock('../../../src/platform/browser', async (original) => ({
  ...(await original<typeof import('../../../src/platform/browser')>()),
  DETECTION: 'webRequest',
}));
vi.mock('../../../src/background/diagnosis/diagnose', () => ({
  diagnoseTab: vi.fn(async () => undefined),
  diagnoseHost: vi.fn(async () => ({ started: true })),
  dropDiagnosis: vi.fn(async () => undefined),
}));
// fake-browser has no omnibox or context menus; they never fire during a page load anyway.
vi.mock('../../../src/platform/entry-points', () => ({ onOmniboxEntered: () => undefined, onCheckMenuClicked: () => undefined }));
vi.mock('../../../src/platform/probe', () => ({ probe: vi.fn(async () => ({ status: 502, ms: 1 })) }));

const errors = vi.spyOn(console, 'error');
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** What each tab shows (fake-browser's tabs.update would also activate the tab: a real load does not). */
const shown = new Map<number, { url: string; title: string }>();
const getTab = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
const tabsGet = vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await getTab(id)), ...shown.get(id) }));

beforeAll(async () => {
  fakeBrowser.reset();
  fakeBrowser.i18n.getMessage = ((key: string) => key) as typeof fakeBrowser.i18n.getMessage;
  await import('../../../src/background/index');
  await settle();
});

/** One page load as Firefox tells it: the response's first byte, then the tab's updates. */
async function load(tabId: number, url: string, status: number, title: string): Promise<void> {
  await webRequest.onResponseStarted.trigger({
    tabId,
    type: 'main_frame',
    url,
    statusCode: status,
    method: 'GET',
    ip: '203.0.113.7',
    fromCache: false,
    responseHeaders: [{ name: 'Server', value: 'nginx' }],
    timeStamp: Date.now(),
  });
  shown.set(tabId, { url, title });
  const tab = { ...(await getTab(tabId)), url, title };
  for (const change of [{ status: 'loading' as const }, { url }, { title }, { status: 'complete' as const }])
    await fakeBrowser.tabs.onUpdated.trigger(tabId, change, tab);
  await settle();
}

describe('a healthy page load in the Firefox build', () => {
  it('reads and writes nothing in storage and asks no tab, once the worker knows the tab', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://shop.example/', active: true });
    await load(tab.id!, 'https://shop.example/a', 200, 'Shop'); // the worker learns the tab has no incident
    // The site answered: noted for "am I online?" (by bucket), from the one response listener.
    expect(webRequest.onResponseStarted.count()).toBe(1);
    expect(Object.keys(await fakeBrowser.storage.session.get('reachability'))).toEqual(['reachability']);
    const calls: string[] = [];
    const spies = (['session', 'local'] as const).flatMap((area) =>
      (['get', 'set', 'remove'] as const).map((op) => {
        const original = fakeBrowser.storage[area][op].bind(fakeBrowser.storage[area]) as (...a: unknown[]) => unknown;
        return vi.spyOn(fakeBrowser.storage[area], op).mockImplementation(((...args: unknown[]) => {
          calls.push(`storage.${area}.${op}`);
          return original(...args);
        }) as never);
      }),
    );
    const asked = tabsGet.mock.calls.length;
    for (let i = 0; i < 5; i += 1) await load(tab.id!, `https://shop.example/p${i}`, 200, `Product ${i}`);
    for (const spy of spies) spy.mockRestore();
    expect(calls).toEqual([]);
    expect(tabsGet.mock.calls.length - asked).toBe(0);
    expect(errors).not.toHaveBeenCalled();
  });

  it('a 502 still becomes the incident, and the next healthy load still ends it', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://shop.example/', active: true });
    await load(tab.id!, 'https://shop.example/cart', 200, 'Cart');
    await load(tab.id!, 'https://shop.example/cart', 502, '502 Bad Gateway');
    expect((await fakeBrowser.storage.session.get(`incident:${tab.id}`))[`incident:${tab.id}`]).toMatchObject({ status: 502 });
    expect(await fakeBrowser.action.getBadgeText({ tabId: tab.id })).toContain('502');

    await load(tab.id!, 'https://shop.example/cart', 200, 'Cart');
    expect(await fakeBrowser.storage.session.get(`incident:${tab.id}`)).toEqual({});
    expect(await fakeBrowser.action.getBadgeText({ tabId: tab.id })).toBe('');
    expect(errors).not.toHaveBeenCalled();
  });

  it('a page served with 200 but titled like a gateway error is still judged a soft error, from the response in memory', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://app.example/', active: true });
    await load(tab.id!, 'https://app.example/home', 200, 'Home');
    await load(tab.id!, 'https://app.example/dash', 200, '502 Bad Gateway');
    // The title waits for its page's response (SOFT_SETTLE_MS) before it is judged.
    await settle(700);
    expect((await fakeBrowser.storage.session.get(`incident:${tab.id}`))[`incident:${tab.id}`]).toMatchObject({ kind: 'soft' });
    // Stored once the title needed it, for a worker stopped while the title settles.
    expect((await fakeBrowser.storage.session.get(`response:${tab.id}`))[`response:${tab.id}`]).toMatchObject({
      url: 'https://app.example/dash',
      status: 200,
    });
    expect(errors).not.toHaveBeenCalled();
  });

  it('a closed tab leaves nothing stored and nothing remembered', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://gone.example/', active: true });
    await load(tab.id!, 'https://gone.example/x', 200, 'X');
    await load(tab.id!, 'https://gone.example/y', 502, 'Bad Gateway');
    await load(tab.id!, 'https://gone.example/x', 200, 'X');
    await fakeBrowser.tabs.onRemoved.trigger(tab.id!, { windowId: tab.windowId!, isWindowClosing: false });
    await settle();
    const left = Object.keys(await fakeBrowser.storage.session.get(null)).filter((k) => k.endsWith(`:${tab.id}`));
    expect(left).toEqual([]);
    const { rememberedStatus } = await import('../../../src/background/incident/judge-soft-error');
    expect(await rememberedStatus(tab.id!, 'https://gone.example/x', Date.now())).toBeUndefined();
    expect(errors).not.toHaveBeenCalled();
  });
});
