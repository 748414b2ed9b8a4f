// Detection in Chrome builds: webNavigation, a status read only for pages that look failed, and
// one re-probe for a failed page's headers (issue 2, point 10). The page's status and the site's
// answers are stand-ins here; e2e proves the same against real nginx in real Chromium.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import en from '../../../public/_locales/en/messages.json';
import type { HeaderProbeResult } from '../../../src/platform/probe';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
vi.mock('../../../src/background/diagnose', () => ({ diagnoseTab: vi.fn(async () => undefined), diagnoseHost: vi.fn(async () => undefined), dropDiagnosis: vi.fn(async () => undefined) }));

/** What each page was served with, by URL (a missing one cannot be read: a browser error page, a PDF). */
const pageStatus = new Map<string, number>();
const statusReads: string[] = [];
vi.mock('../../../src/platform/navigation', () => ({
  readPageStatus: vi.fn(async (_tabId: number, url: string) => {
    statusReads.push(url);
    return pageStatus.get(url);
  }),
}));

/** The site, as the header re-probe sees it. */
let siteAnswer: Omit<HeaderProbeResult, 'at'> = { status: 502, headers: [], redirected: false };
const headerProbes: string[] = [];
let duringProbe: (() => Promise<void>) | undefined;
vi.mock('../../../src/platform/probe', () => ({
  probe: vi.fn(async () => ({ status: 502, ms: 1 })),
  probeHeaders: vi.fn(async (url: string) => {
    headerProbes.push(url);
    await duringProbe?.();
    return { ...siteAnswer, at: Date.now() };
  }),
}));

const messages = en as Record<string, { message: string }>;
const { handlePageLoaded, handleNavigationError, handleTabChange, inspectTab } = await import('../../../src/background/detect');
const { readIncident } = await import('../../../src/platform/storage');
const { DETECTION } = await import('../../../src/platform/requests');

const NGINX = [
  { name: 'server', value: 'nginx/1.22.1' },
  { name: 'date', value: 'Wed, 25 Nov 2026 06:00:00 GMT' },
];

async function newTab(url = 'https://shop.example/cart'): Promise<number> {
  const tab = await fakeBrowser.tabs.create({ url });
  return tab.id!;
}

const loaded = (tabId: number, title: string | undefined, extra: Partial<Parameters<typeof handlePageLoaded>[0]> = {}) =>
  handlePageLoaded({ tabId, url: 'https://shop.example/cart', ...(title !== undefined ? { title } : {}), method: 'GET', time: 1_790_000_000_000, ...extra });

beforeEach(() => {
  fakeBrowser.reset();
  pageStatus.clear();
  statusReads.length = 0;
  headerProbes.length = 0;
  duringProbe = undefined;
  siteAnswer = { status: 502, headers: NGINX, redirected: false };
  fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
    const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
  }) as typeof fakeBrowser.i18n.getMessage;
});

describe('Chrome builds detect with webNavigation', () => {
  it('is the detection of the build the unit tests see (Chrome)', () => {
    expect(DETECTION).toBe('webNavigation');
  });

  it('a page that looks healthy is not read at all, and nothing is recorded', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 200);
    await loaded(tabId, 'Your cart – Shop');
    expect(statusReads).toEqual([]);
    expect(headerProbes).toEqual([]);
    expect(await readIncident(tabId)).toBeUndefined();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('a 502 page: status read from the page, headers from one re-probe of the same page, classified as nginx', async () => {
    const tabId = await newTab('https://shop.example/cart#items');
    pageStatus.set('https://shop.example/cart#items', 502);
    await loaded(tabId, '502 Bad Gateway', { url: 'https://shop.example/cart#items' });
    expect(statusReads).toEqual(['https://shop.example/cart#items']);
    expect(headerProbes).toEqual(['https://shop.example/cart']); // never the fragment
    const incident = await readIncident(tabId);
    expect(incident).toMatchObject({ kind: 'http', status: 502, method: 'GET', platform: { id: 'nginx' }, reprobe: { status: 502, redirected: false } });
    expect(incident?.ip).toBeUndefined(); // Chrome builds do not see the address
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('↻502');
  });

  it('the status is the page’s own, even when the re-probe already gets another answer', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 504);
    siteAnswer = { status: 200, headers: [{ name: 'server', value: 'cloudflare' }, { name: 'cf-ray', value: '8f1a2b3c4d5e6f70-FRA' }], redirected: false };
    await loaded(tabId, '504 Gateway Time-out');
    expect(await readIncident(tabId)).toMatchObject({ status: 504, platform: { id: 'cloudflare', pop: 'FRA' }, reprobe: { status: 200 } });
  });

  it('a 503 keeps the Retry-After the re-probe brought back', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 503);
    siteAnswer = { status: 503, headers: [...NGINX, { name: 'retry-after', value: '120' }], redirected: false };
    await loaded(tabId, '503 Service Temporarily Unavailable');
    expect(await readIncident(tabId)).toMatchObject({ status: 503, retryAfter: '120' });
  });

  it('a form submission is taken as a possible POST: the re-probe asks the site’s root, and nothing is retried', async () => {
    const tabId = await newTab('https://shop.example/checkout/pay');
    pageStatus.set('https://shop.example/checkout/pay', 502);
    await loaded(tabId, '502 Bad Gateway', { url: 'https://shop.example/checkout/pay', method: 'POST' });
    expect(headerProbes).toEqual(['https://shop.example/']);
    expect(await readIncident(tabId)).toMatchObject({ status: 502, method: 'POST', retryable: false });
    expect(await fakeBrowser.storage.session.get('retry:https://shop.example')).toEqual({});
  });

  it('a page whose status cannot be read leaves the tab as it was', async () => {
    const tabId = await newTab();
    await loaded(tabId, '502 Bad Gateway');
    expect(statusReads).toHaveLength(1);
    expect(headerProbes).toEqual([]);
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('a 404 titled "Error" is no incident; a failed page that comes back healthy ends its incident', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 502);
    await loaded(tabId, '502 Bad Gateway');
    expect(await readIncident(tabId)).toBeDefined();
    pageStatus.set('https://shop.example/cart', 404);
    await loaded(tabId, 'Error – page not found');
    expect(await readIncident(tabId)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');

    await loaded(tabId, '502 Bad Gateway', { url: 'https://shop.example/cart' });
    pageStatus.set('https://shop.example/cart', 200);
    await loaded(tabId, 'Your cart – Shop');
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('a tab that moved on while the re-probe was out records nothing', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 502);
    duringProbe = async () => {
      await fakeBrowser.tabs.update(tabId, { url: 'https://elsewhere.example/' });
    };
    await loaded(tabId, '502 Bad Gateway');
    expect(headerProbes).toHaveLength(1);
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('a soft error: a 200 page titled like a gateway error, confirmed by its own status, and not undone when the load completes later', async () => {
    const tabId = await newTab('https://blog.example/post');
    pageStatus.set('https://blog.example/post', 200);
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    // The title arrives first; the page's load completes after the soft error was confirmed.
    await handleTabChange(tabId, { title: '502 Bad Gateway', complete: false }, { url: 'https://blog.example/post', incognito: false });
    expect(await readIncident(tabId)).toMatchObject({ kind: 'soft', status: 502 });
    await loaded(tabId, '502 Bad Gateway', { url: 'https://blog.example/post' });
    expect(await readIncident(tabId)).toMatchObject({ kind: 'soft', status: 502 });
    expect(headerProbes).toEqual([]); // a 200 is not re-probed
  });

  it('a soft-error title on a page served with a 502 is the 502, not a soft error', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 502);
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    const change = handleTabChange(tabId, { title: '502 Bad Gateway', complete: false }, { url: 'https://shop.example/cart', incognito: false });
    await loaded(tabId, '502 Bad Gateway');
    await change;
    expect(await readIncident(tabId)).toMatchObject({ kind: 'http', status: 502 });
  });
});

describe('Chrome builds: network errors from webNavigation', () => {
  const navError = (tabId: number, error: string, frame: 'main' | 'sub' = 'main', url = 'https://shop.example/cart') =>
    handleNavigationError({ tabId, frame, url, error, method: 'GET', time: 1_790_000_000_000 });

  it('a DNS failure is an incident as with webRequest, without any request', async () => {
    const tabId = await newTab();
    await navError(tabId, 'net::ERR_NAME_NOT_RESOLVED');
    expect(await readIncident(tabId)).toMatchObject({ kind: 'network', netError: 'dns', badge: 'DNS' });
    expect(headerProbes).toEqual([]);
  });

  it('the badge the error page’s commit reset comes back when that page completes', async () => {
    const tabId = await newTab();
    await navError(tabId, 'net::ERR_NAME_NOT_RESOLVED');
    await fakeBrowser.action.setBadgeText({ tabId, text: '' }); // what the browser does on commit
    await handleTabChange(tabId, { complete: true }, { url: 'https://shop.example/cart', incognito: false });
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toMatch(/DNS$/);
  });

  it('an aborted navigation is nothing', async () => {
    const tabId = await newTab();
    await navError(tabId, 'net::ERR_ABORTED');
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('an empty 5xx (ERR_HTTP_RESPONSE_CODE_FAILURE) gets its status and headers from the re-probe', async () => {
    const tabId = await newTab();
    await navError(tabId, 'net::ERR_HTTP_RESPONSE_CODE_FAILURE');
    expect(headerProbes).toEqual(['https://shop.example/cart']);
    expect(await readIncident(tabId)).toMatchObject({ kind: 'http', status: 502, platform: { id: 'nginx' } });
  });

  it('an empty error answer that is fine again by the re-probe is nothing to report', async () => {
    const tabId = await newTab();
    siteAnswer = { status: 200, headers: [], redirected: false };
    await navError(tabId, 'net::ERR_HTTP_RESPONSE_CODE_FAILURE');
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('a frame’s failure is recorded but is not the page’s incident', async () => {
    const tabId = await newTab();
    await navError(tabId, 'net::ERR_CONNECTION_REFUSED', 'sub', 'https://ads.example/frame');
    expect(await readIncident(tabId)).toBeUndefined();
    expect(Object.keys(await fakeBrowser.storage.session.get(null)).some((k) => k.startsWith('subframes:'))).toBe(true);
  });
});

describe('Chrome builds: the popup opened on a page without an incident', () => {
  const withStatus = (status: 'loading' | 'complete') => {
    vi.restoreAllMocks();
    const real = fakeBrowser.tabs.get;
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await real(id)), status }));
  };
  const complete = () => withStatus('complete');

  it('an error page titled like any page is read now, and becomes the incident', async () => {
    const tabId = await newTab();
    complete();
    pageStatus.set('https://shop.example/cart', 500);
    await loaded(tabId, 'Acme Shop');
    expect(statusReads).toEqual([]); // not on load: the title looks healthy
    expect(await inspectTab(tabId)).toBe(true);
    expect(statusReads).toEqual(['https://shop.example/cart']);
    expect(await readIncident(tabId)).toMatchObject({ kind: 'http', status: 500, platform: { id: 'nginx' } });
  });

  it('a healthy page stays without incident; a page still loading is not read', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 200);
    withStatus('loading');
    expect(await inspectTab(tabId)).toBe(false);
    expect(statusReads).toEqual([]);
    complete();
    expect(await inspectTab(tabId)).toBe(false);
    expect(await readIncident(tabId)).toBeUndefined();
    expect(headerProbes).toEqual([]);
  });

  it('a tab that already has its incident is not read again', async () => {
    const tabId = await newTab();
    await handleNavigationError({ tabId, frame: 'main', url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: 1 });
    complete();
    expect(await inspectTab(tabId)).toBe(true);
    expect(statusReads).toEqual([]);
  });
});
