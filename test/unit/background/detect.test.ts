import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import en from '../../../public/_locales/en/messages.json';
import { historyItem } from '../../../src/core/present/stored';
import { incidentItem } from '../../../src/core/incident/stored';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
// The diagnosis has its own tests; here it must never reach the network.
vi.mock('../../../src/background/diagnosis/diagnose', () => ({
  diagnoseTab: vi.fn(async () => undefined),
  diagnoseHost: vi.fn(async () => undefined),
  dropDiagnosis: vi.fn(async () => undefined),
}));
// Auto-retry probes are the retry tests' business; here they must never reach the network.
vi.mock('../../../src/platform/probe', () => ({ probe: vi.fn(async () => ({ status: 502, ms: 1 })) }));

// These are the webRequest strategy's paths (Firefox builds); detect/chrome-*.test.ts cover Chrome's.

const messages = en as Record<string, { message: string }>;
const record = {
  ...(await import('../../../src/background/incident/observe')),
  ...(await import('../../../src/background/incident/resume')),
};
const { webRequestDetection } = await import('../../../src/background/detect/firefox-webrequest');
type FrameResponse = import('../../../src/platform/web-request').FrameResponse;
// The webRequest strategy's path into the recorder (src/background/detect/firefox-webrequest.ts).
const handleFrameResponse = (r: FrameResponse) => record.recordHttpAnswer({ kind: 'http', ...r });
const handleFrameError = record.recordNetworkError;
const handleTabRemoved = record.handleTabRemoved;
const handleTabChange = (
  ...args: [number, import('../../../src/platform/tabs').TabChange, import('../../../src/platform/tab-info').TabInfo]
) => record.handleTabChange(...args, webRequestDetection);
const store = await import('../../../src/platform/store');

const NGINX_502 = [
  { name: 'Server', value: 'nginx/1.22.1' },
  { name: 'Date', value: 'Tue, 24 Nov 2026 14:00:00 GMT' },
  { name: 'Content-Type', value: 'text/html' },
  { name: 'Set-Cookie', value: 'session=secret' },
];

async function newTab(url = 'https://shop.example/cart'): Promise<number> {
  const tab = await fakeBrowser.tabs.create({ url });
  return tab.id!;
}

const response = (tabId: number, status: number, extra: Partial<Parameters<typeof handleFrameResponse>[0]> = {}) =>
  handleFrameResponse({
    tabId,
    frame: 'main',
    url: 'https://shop.example/cart',
    status,
    method: 'GET',
    ip: '203.0.113.7',
    headers: NGINX_502,
    time: 1_790_000_000_000,
    ...extra,
  });

beforeEach(() => {
  fakeBrowser.reset();
  fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
    const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
  }) as typeof fakeBrowser.i18n.getMessage;
});

describe('a main-frame 5xx response', () => {
  it('becomes the tab incident, with a badge, a tooltip in words and a history entry', async () => {
    const tabId = await newTab();
    await response(tabId, 502);

    const incident = await store.read(incidentItem, tabId);
    expect(incident).toMatchObject({ kind: 'http', status: 502, host: 'shop.example', method: 'GET', ip: '203.0.113.7' });
    expect(incident?.platform?.id).toBe('nginx');
    expect(incident?.headers).toEqual({ server: 'nginx/1.22.1', date: 'Tue, 24 Nov 2026 14:00:00 GMT' });
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('↻502'); // a retry is pending
    const title = await fakeBrowser.action.getTitle({ tabId });
    expect(title).not.toBe('');
    expect(title).not.toMatch(/^[a-z_]+$/); // a sentence, not an i18n key
    expect(await store.read(historyItem)).toHaveLength(1);
  });

  it('is cleared, badge and all, by the next healthy response of the tab', async () => {
    const tabId = await newTab();
    await response(tabId, 502);
    await response(tabId, 200, { headers: [] });
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');
    expect(await store.read(historyItem)).toHaveLength(1); // history keeps what happened
  });

  it('is not written to history for an incognito tab, but still shows on the tab', async () => {
    const tabId = await newTab();
    const real = fakeBrowser.tabs.get;
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await real(id)), incognito: true }));
    await response(tabId, 503);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 503 });
    expect(await store.read(historyItem)).toEqual([]);
    vi.restoreAllMocks();
  });

  it('from a sub-frame is recorded for the tab but never makes the page an incident', async () => {
    const tabId = await newTab();
    await response(tabId, 502, { frame: 'sub', url: 'https://ads.example/frame' });
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');
    const stored = await fakeBrowser.storage.session.get(`subframes:${tabId}`);
    expect(stored[`subframes:${tabId}`]).toMatchObject([{ url: 'https://ads.example/frame', status: 502 }]);
  });

  it('outside any tab (tabId -1) is ignored', async () => {
    await response(-1, 502);
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('for a tab closed mid-check leaves no trace', async () => {
    await response(9999, 502);
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    expect(await store.read(historyItem)).toEqual([]);
  });
});

describe('a main-frame network error', () => {
  it('Chrome and Firefox spellings of a DNS failure give the same incident', async () => {
    const a = await newTab('http://gone.invalid/');
    const b = await newTab('http://gone.invalid/');
    await handleFrameError({
      tabId: a,
      frame: 'main',
      url: 'http://gone.invalid/',
      error: 'net::ERR_NAME_NOT_RESOLVED',
      method: 'GET',
      time: 1,
    });
    await handleFrameError({
      tabId: b,
      frame: 'main',
      url: 'http://gone.invalid/',
      error: 'NS_ERROR_UNKNOWN_HOST',
      method: 'GET',
      time: 1,
    });
    const [ia, ib] = [await store.read(incidentItem, a), await store.read(incidentItem, b)];
    expect(ia).toMatchObject({ kind: 'network', netError: 'dns', badge: 'DNS' });
    expect({ ...ib, rawError: undefined }).toEqual({ ...ia, rawError: undefined });
    expect(await fakeBrowser.action.getBadgeText({ tabId: a })).toBe('↻DNS');
  });

  it('reached through a proxy (Firefox names it): the incident says so, with no address, answer or error alike', async () => {
    const a = await newTab();
    await response(a, 502, { ip: undefined, proxied: true });
    expect(await store.read(incidentItem, a)).toMatchObject({ status: 502, proxied: true });
    expect(await store.read(incidentItem, a)).not.toHaveProperty('ip');
    const b = await newTab('http://gone.example/');
    await handleFrameError({
      tabId: b,
      frame: 'main',
      url: 'http://gone.example/',
      error: 'NS_ERROR_NET_RESET',
      method: 'GET',
      proxied: true,
      time: 1,
    });
    expect(await store.read(incidentItem, b)).toMatchObject({ kind: 'network', netError: 'reset', proxied: true });
    const c = await newTab('http://gone.example/');
    await handleFrameError({ tabId: c, frame: 'main', url: 'http://gone.example/', error: 'NS_ERROR_NET_RESET', method: 'GET', time: 1 });
    expect(await store.read(incidentItem, c)).not.toHaveProperty('proxied');
  });

  it('Firefox giving up on showing an error answer it reported (NS_ERROR_NET_ERROR_RESPONSE) keeps that answer as the incident', async () => {
    const tabId = await newTab();
    await response(tabId, 500);
    await handleFrameError({
      tabId,
      frame: 'main',
      url: 'https://shop.example/cart',
      error: 'NS_ERROR_NET_ERROR_RESPONSE',
      method: 'GET',
      time: 2,
    });
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'http', status: 500 });
    // Without an answer seen first, it is a network failure like any other.
    const other = await newTab();
    await handleFrameError({
      tabId: other,
      frame: 'main',
      url: 'https://shop.example/cart',
      error: 'NS_ERROR_NET_ERROR_RESPONSE',
      method: 'GET',
      time: 2,
    });
    expect(await store.read(incidentItem, other)).toMatchObject({ kind: 'network' });
  });

  it('a user-aborted navigation is not an error and keeps what the tab had', async () => {
    const tabId = await newTab();
    await response(tabId, 502);
    for (const error of ['net::ERR_ABORTED', 'NS_BINDING_ABORTED']) {
      await handleFrameError({ tabId, frame: 'main', url: 'https://shop.example/next', error, method: 'GET', time: 2 });
    }
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 502 });
    expect(await store.read(historyItem)).toHaveLength(1);
  });
});

describe('tab changes', () => {
  it('a soft-error title on a healthy response is an incident (response first, as in Chrome)', async () => {
    const tabId = await newTab('https://blog.example/post');
    await response(tabId, 200, { url: 'https://blog.example/post', headers: [] });
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    await handleTabChange(tabId, { title: '502 Bad Gateway', complete: false }, { url: 'https://blog.example/post', incognito: false });
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'soft', status: 502, retryable: false });
    // Never retried automatically: the server says 200, so no probe could tell when it is fixed.
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('502');
    expect(await fakeBrowser.storage.session.get('retry:https://blog.example')).toEqual({});
  });

  it('a soft-error title before its 200 response (as in Firefox) is still an incident', async () => {
    const tabId = await newTab('https://blog.example/post');
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    const change = handleTabChange(
      tabId,
      { title: '502 Bad Gateway', complete: false },
      { url: 'https://blog.example/post', incognito: false },
    );
    await response(tabId, 200, { url: 'https://blog.example/post', headers: [] });
    await change;
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'soft', status: 502 });
  });

  it('an error page’s own title arriving before its 502 POST response is not a soft error, and nothing is retried', async () => {
    const tabId = await newTab('https://shop.example/cart');
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    const change = handleTabChange(
      tabId,
      { title: '502 Bad Gateway', complete: false },
      { url: 'https://shop.example/cart', incognito: false },
    );
    await response(tabId, 502, { method: 'POST' });
    await change;
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'http', status: 502, method: 'POST' });
    expect(await fakeBrowser.storage.session.get('retry:https://shop.example')).toEqual({});
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('502');
  });

  it('an ordinary title is nothing', async () => {
    const tabId = await newTab('https://blog.example/post');
    await handleTabChange(tabId, { title: 'Top 502 recipes', complete: false }, { url: 'https://blog.example/post', incognito: false });
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
  });

  it('a title does not overwrite a real HTTP incident', async () => {
    const tabId = await newTab();
    await response(tabId, 504);
    await handleTabChange(tabId, { title: '502 Bad Gateway', complete: false }, { url: 'https://shop.example/cart', incognito: false });
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'http', status: 504 });
  });

  it('leaving the failing page without a response (back/forward cache) clears it; a fragment change does not', async () => {
    const tabId = await newTab();
    await response(tabId, 502);
    await handleTabChange(
      tabId,
      { url: 'https://shop.example/cart#top', complete: false },
      { url: 'https://shop.example/cart#top', incognito: false },
    );
    expect(await store.read(incidentItem, tabId)).toBeDefined();
    await handleTabChange(tabId, { url: 'https://shop.example/', complete: false }, { url: 'https://shop.example/', incognito: false });
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');
  });

  it('re-applies the badge when the error page finishes loading (browsers reset it on commit)', async () => {
    const tabId = await newTab();
    await response(tabId, 502);
    await fakeBrowser.action.setBadgeText({ tabId, text: '' });
    await handleTabChange(tabId, { complete: true }, { url: 'https://shop.example/cart', incognito: false });
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('↻502');
  });

  it('closing the tab forgets its state', async () => {
    const tabId = await newTab();
    await response(tabId, 502);
    await response(tabId, 502, { frame: 'sub' });
    await handleTabRemoved(tabId);
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('concurrent events of one tab are applied in order', async () => {
    const tabId = await newTab();
    await Promise.all([response(tabId, 502), response(tabId, 200, { headers: [] }), response(tabId, 503)]);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 503 });
  });
});
