// Detection in Chrome builds: a status read in every top-level page that reports only 5xx,
// webNavigation for network errors and for the page that replaces a failed one, and one re-probe
// for a failed page's headers, after the site's quiet time. The page's status and the site's
// answers are stand-ins here; e2e proves the same against real nginx in real Chromium.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import en from '../../../public/_locales/en/messages.json';
import type { HeaderProbeResult } from '../../../src/platform/probe';
import { timersPending } from '../../../src/core/timers';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
vi.mock('../../../src/background/diagnose', () => ({
  diagnoseTab: vi.fn(async () => undefined),
  diagnoseHost: vi.fn(async () => undefined),
  dropDiagnosis: vi.fn(async () => undefined),
}));

/** What each page was served with, by URL (a missing one cannot be read: a browser error page, a PDF). */
const pageStatus = new Map<string, number>();
const statusReads: string[] = [];
/** Method of each tab's last committed load (form submissions: POST). */
const commits = new Map<number, 'GET' | 'POST'>();
vi.mock('../../../src/platform/navigation', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readPageStatus: vi.fn(async (_tabId: number, url: string) => {
    statusReads.push(url);
    return pageStatus.get(url);
  }),
  committedMethod: vi.fn((tabId: number) => commits.get(tabId) ?? 'GET'),
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
const { handlePageLoaded, handleNavigationError, handlePageStatus, navigationDetection } =
  await import('../../../src/background/detect-navigation');
const record = await import('../../../src/background/record');
const handleTabChange = (...args: [number, import('../../../src/platform/tabs').TabChange, import('../../../src/platform/tabs').TabInfo]) =>
  record.handleTabChange(...args, navigationDetection);
const inspectTab = navigationDetection.inspectTab;
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

const loaded = (tabId: number, extra: Partial<Parameters<typeof handlePageLoaded>[0]> = {}) =>
  handlePageLoaded({ tabId, url: 'https://shop.example/cart', method: 'GET', time: 1_790_000_000_000, ...extra });
/** The status read in the page reported a 5xx (sender checks: test/unit/platform/page-status.test.ts). */
const reported = (tabId: number, status: number, url = 'https://shop.example/cart') =>
  handlePageStatus({ tabId, url, status, time: Date.now() });

beforeEach(() => {
  fakeBrowser.reset();
  pageStatus.clear();
  statusReads.length = 0;
  headerProbes.length = 0;
  duringProbe = undefined;
  commits.clear();
  vi.useRealTimers();
  siteAnswer = { status: 502, headers: NGINX, redirected: false };
  fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
    const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
  }) as typeof fakeBrowser.i18n.getMessage;
});

describe('Chrome builds detect with a status read in every page', () => {
  it('is the detection of the build the unit tests see (Chrome)', () => {
    expect(DETECTION).toBe('webNavigation');
  });

  it('a healthy page reports nothing, and its completed load in a tab without incident reads nothing', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 200);
    await loaded(tabId);
    expect(statusReads).toEqual([]);
    expect(headerProbes).toEqual([]);
    expect(await readIncident(tabId)).toBeUndefined();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('a 502 page, whatever its title: headers from one re-probe of the same page, classified as nginx', async () => {
    const tabId = await newTab('https://shop.example/cart#items');
    await reported(tabId, 502, 'https://shop.example/cart#items');
    expect(headerProbes).toEqual(['https://shop.example/cart']); // never the fragment
    const incident = await readIncident(tabId);
    expect(incident).toMatchObject({
      kind: 'http',
      status: 502,
      method: 'GET',
      platform: { id: 'nginx' },
      reprobe: { status: 502, redirected: false },
    });
    expect(incident?.ip).toBeUndefined(); // Chrome builds do not see the address
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('↻502');
  });

  it('the status is the page’s own, even when the re-probe already gets another answer', async () => {
    const tabId = await newTab();
    siteAnswer = {
      status: 200,
      headers: [
        { name: 'server', value: 'cloudflare' },
        { name: 'cf-ray', value: '8f1a2b3c4d5e6f70-FRA' },
      ],
      redirected: false,
    };
    await reported(tabId, 504);
    expect(await readIncident(tabId)).toMatchObject({ status: 504, platform: { id: 'cloudflare', pop: 'FRA' }, reprobe: { status: 200 } });
  });

  it('a 503 is recorded at once, re-probed only after 5 s of quiet, then keeps the Retry-After it brought back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const tabId = await newTab();
    siteAnswer = { status: 503, headers: [...NGINX, { name: 'retry-after', value: '120' }], redirected: false };
    const pendingBefore = timersPending();
    await reported(tabId, 503);
    expect(await readIncident(tabId)).toMatchObject({ status: 503, badge: '503' });
    expect(headerProbes).toEqual([]);
    expect(timersPending()).toBe(pendingBefore + 1); // the delayed re-probe, counted while it waits
    await vi.advanceTimersByTimeAsync(4_900);
    expect(headerProbes).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(headerProbes).toEqual(['https://shop.example/cart']);
    const completed = { status: 503, retryAfter: '120', platform: { id: 'nginx' } };
    await vi.waitFor(async () => expect(await readIncident(tabId)).toMatchObject(completed));
    const history = (await fakeBrowser.storage.local.get('history')).history as unknown[];
    expect(history).toHaveLength(1); // completed, not recorded twice
    expect(timersPending()).toBe(pendingBefore);
  });

  it('a form submission is taken as a possible POST: the re-probe asks the site’s root, and nothing is retried', async () => {
    const tabId = await newTab('https://shop.example/checkout/pay');
    commits.set(tabId, 'POST');
    await reported(tabId, 502, 'https://shop.example/checkout/pay');
    expect(headerProbes).toEqual(['https://shop.example/']);
    expect(await readIncident(tabId)).toMatchObject({ status: 502, method: 'POST', retryable: false });
    expect(await fakeBrowser.storage.session.get('retry:https://shop.example')).toEqual({});
  });

  it('a report of a non-5xx status is refused', async () => {
    const tabId = await newTab();
    await reported(tabId, 404);
    await reported(tabId, 200);
    expect(headerProbes).toEqual([]);
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('in a tab with an incident, a completed page whose status cannot be read leaves the tab as it was', async () => {
    const tabId = await newTab();
    await reported(tabId, 502);
    await loaded(tabId);
    expect(statusReads).toHaveLength(1);
    expect(await readIncident(tabId)).toMatchObject({ status: 502 });
  });

  it('a failed page that comes back (200, or a 404) ends its incident', async () => {
    const tabId = await newTab();
    await reported(tabId, 502);
    pageStatus.set('https://shop.example/cart', 404);
    await loaded(tabId);
    expect(await readIncident(tabId)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');

    await reported(tabId, 502);
    pageStatus.set('https://shop.example/cart', 200);
    await loaded(tabId);
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('a failed page that fails again keeps its incident and gets its badge back on completion', async () => {
    const tabId = await newTab();
    await reported(tabId, 502);
    await fakeBrowser.action.setBadgeText({ tabId, text: '' }); // what the browser does on commit
    pageStatus.set('https://shop.example/cart', 502);
    await loaded(tabId);
    expect(await readIncident(tabId)).toMatchObject({ status: 502 });
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toMatch(/502$/);
  });

  it('a tab that moved on while the re-probe was out records nothing', async () => {
    const tabId = await newTab();
    duringProbe = async () => {
      await fakeBrowser.tabs.update(tabId, { url: 'https://elsewhere.example/' });
    };
    await reported(tabId, 502);
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
    await loaded(tabId, { url: 'https://blog.example/post' });
    expect(await readIncident(tabId)).toMatchObject({ kind: 'soft', status: 502 });
    expect(headerProbes).toEqual([]); // a 200 is not re-probed
  });

  it('a page rewriting its address under an error title records a few soft incidents, not one per rewrite', async () => {
    const tabId = await newTab('https://blog.example/post');
    let recorded = 0;
    for (let i = 0; i < 8; i += 1) {
      const url = `https://blog.example/post?page=${i}`;
      pageStatus.set(url, 200);
      await fakeBrowser.tabs.update(tabId, { url, title: '502 Bad Gateway' } as never);
      await handleTabChange(tabId, { url, title: '502 Bad Gateway', complete: false }, { url, incognito: false });
      if ((await readIncident(tabId))?.kind === 'soft') recorded += 1;
    }
    expect(recorded).toBe(3);
    const history = (await fakeBrowser.storage.local.get('history')).history as unknown[];
    expect(history).toHaveLength(3);
    // A real failure in the same tab is never limited.
    await reported(tabId, 502, 'https://blog.example/post?page=7');
    expect(await readIncident(tabId)).toMatchObject({ kind: 'http', status: 502 });
  });

  it('a soft-error title on a page served with a 502 is the 502, not a soft error', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 502);
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    const change = handleTabChange(
      tabId,
      { title: '502 Bad Gateway', complete: false },
      { url: 'https://shop.example/cart', incognito: false },
    );
    await reported(tabId, 502);
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

  it('a page loaded before the status read was registered is read now, and a failed one becomes the incident', async () => {
    const tabId = await newTab();
    complete();
    pageStatus.set('https://shop.example/cart', 500);
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
    await handleNavigationError({
      tabId,
      frame: 'main',
      url: 'https://shop.example/cart',
      error: 'net::ERR_CONNECTION_REFUSED',
      method: 'GET',
      time: 1,
    });
    complete();
    expect(await inspectTab(tabId)).toBe(true);
    expect(statusReads).toEqual([]);
  });
});
