// Firefox for Android: no context menus, no address-bar keyword, no keyboard shortcuts, no windows.
// The worker of the Firefox build must start there without an error, leave those entry points out,
// and still detect, badge, retry, answer its pages and bring a tab back to the front.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const { android, webRequest, fakeBrowser } = await vi.hoisted(async () => {
  const { fakeBrowser } = await import('@webext-core/fake-browser');
  // fake-browser leaves webRequest unmocked; the Firefox build detects with it.
  const event = () => {
    const listeners = new Set<(...args: unknown[]) => unknown>();
    return {
      addListener: (l: (...args: unknown[]) => unknown) => void listeners.add(l),
      removeListener: (l: (...args: unknown[]) => unknown) => void listeners.delete(l),
      hasListener: (l: (...args: unknown[]) => unknown) => listeners.has(l),
      hasListeners: () => listeners.size > 0,
      trigger: (...args: unknown[]) => [...listeners].map((l) => l(...args)),
    };
  };
  const webRequest = { onResponseStarted: event(), onErrorOccurred: event() };
  // What Firefox for Android does not have (MDN browser-compat-data: firefox_android false).
  const MISSING = new Set<PropertyKey>(['contextMenus', 'menus', 'omnibox', 'commands', 'windows']);
  const android = new Proxy(fakeBrowser, {
    get: (target, key, receiver) => (MISSING.has(key) ? undefined : key === 'webRequest' ? webRequest : Reflect.get(target, key, receiver)),
    has: (target, key) => !MISSING.has(key) && key in target,
  });
  return { android, webRequest, fakeBrowser };
});

vi.mock('webextension-polyfill', () => ({ default: android }));
vi.mock('../native-api', () => ({ browser: android, IS_FIREFOX: true }));
vi.mock('../../../src/platform/browser', async (original) => ({
  ...(await original<typeof import('../../../src/platform/browser')>()),
  DETECTION: 'webRequest',
}));
// The diagnosis and the retry probe have their own tests; here they must never reach the network.
vi.mock('../../../src/background/diagnosis/diagnose', () => ({
  diagnoseTab: vi.fn(async () => undefined),
  diagnoseHost: vi.fn(async () => ({ started: true })),
  dropDiagnosis: vi.fn(async () => undefined),
}));
vi.mock('../../../src/platform/probe', () => ({ probe: vi.fn(async () => ({ status: 502, ms: 1 })) }));

const errors = vi.spyOn(console, 'error');
const opened: string[] = [];

beforeAll(async () => {
  fakeBrowser.reset();
  const create = fakeBrowser.tabs.create.bind(fakeBrowser.tabs);
  vi.spyOn(fakeBrowser.tabs, 'create').mockImplementation(async (props) => {
    opened.push(props.url ?? '');
    return create(props);
  });
  fakeBrowser.i18n.getMessage = ((key: string) => key) as typeof fakeBrowser.i18n.getMessage;
  await import('../../../src/background/index');
});
afterAll(() => vi.restoreAllMocks());

const settle = () => new Promise((r) => setTimeout(r, 50));
const fromPopup = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('src/popup/index.html') };
// Typed as Firefox's (message, sender): fake-browser's own types add Chrome's sendResponse.
const onMessage = fakeBrowser.runtime.onMessage as unknown as { trigger(message: unknown, sender: object): Promise<unknown[]> };
const ask = async (message: object): Promise<unknown> => (await onMessage.trigger(message, fromPopup))[0];

describe('the worker on Firefox for Android (no context menus, keyword, shortcuts or windows)', () => {
  it('starts without an error, every listener but the missing entry points in place', async () => {
    await settle();
    expect(errors).not.toHaveBeenCalled();
    expect(webRequest.onResponseStarted.hasListeners()).toBe(true);
    expect(webRequest.onErrorOccurred.hasListeners()).toBe(true);
    for (const e of [
      fakeBrowser.runtime.onMessage,
      fakeBrowser.runtime.onInstalled,
      fakeBrowser.tabs.onRemoved,
      fakeBrowser.tabs.onActivated,
      fakeBrowser.alarms.onAlarm,
      fakeBrowser.notifications.onClicked,
      fakeBrowser.storage.onChanged,
    ])
      expect(e.hasListeners()).toBe(true);
  });

  it('installing opens the welcome page, and no menu is made (nor an error logged)', async () => {
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' });
    await settle();
    expect(opened.some((u) => u.includes('src/options/index.html?welcome=1'))).toBe(true);
    expect(errors).not.toHaveBeenCalled();
  });

  it('a 502 is detected: incident, badge, history and a retry scheduled; the popup gets its state', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://shop.example/cart', active: true });
    await Promise.all(
      webRequest.onResponseStarted.trigger({
        tabId: tab.id,
        type: 'main_frame',
        url: 'https://shop.example/cart',
        statusCode: 502,
        method: 'GET',
        ip: '203.0.113.7',
        responseHeaders: [{ name: 'Server', value: 'nginx' }],
        timeStamp: Date.now(),
      }),
    );
    await settle();
    const session = await fakeBrowser.storage.session.get(`incident:${tab.id}`);
    expect(session[`incident:${tab.id}`]).toMatchObject({ status: 502, host: 'shop.example' });
    expect(await fakeBrowser.action.getBadgeText({ tabId: tab.id })).toContain('502');
    expect((await fakeBrowser.alarms.getAll()).length).toBeGreaterThan(0);
    const { history } = await fakeBrowser.storage.local.get('history');
    expect(history).toHaveLength(1);
    const state = (await ask({ type: 'popup-state', tabId: tab.id })) as { ok: boolean; value: { incident?: { status: number } } };
    expect(state).toMatchObject({ ok: true, value: { incident: { status: 502 } } });
    expect(errors).not.toHaveBeenCalled();
  });

  it('"check any site" from the popup still works (the only way in without the keyword or menu)', async () => {
    expect(await ask({ type: 'check-site', host: 'shop.example' })).toMatchObject({ ok: true });
    expect(errors).not.toHaveBeenCalled();
  });

  it('without windows, the active tab counts as in front, and a "site is back" click brings its tab forward', async () => {
    const { isTabInForeground } = await import('../../../src/platform/tabs');
    const front = await fakeBrowser.tabs.create({ url: 'https://front.example/', active: true });
    expect(await isTabInForeground(front.id!)).toBe(true);
    const back = await fakeBrowser.tabs.create({ url: 'https://back.example/', active: false });
    expect(await isTabInForeground(back.id!)).toBe(false);
    await fakeBrowser.notifications.onClicked.trigger(`recovered:${back.id}`);
    await settle();
    expect((await fakeBrowser.tabs.get(back.id!)).active).toBe(true);
    expect(errors).not.toHaveBeenCalled();
  });
});
