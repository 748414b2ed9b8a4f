// Detection in Chrome builds: a status read (executeScript) in every top-level page once it has
// loaded, webNavigation for network errors, a reconciliation at worker start, and one re-probe
// for a failed page's headers, after the site's quiet time. The page's status and the site's
// answers are stand-ins here; e2e proves the same against real nginx in real Chromium.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import en from '../../../../public/_locales/en/messages.json';
import type { HeaderProbeResult } from '../../../../src/platform/probe';
import { timersPending } from '../../../../src/core/async/timers';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
vi.mock('../../../../src/background/diagnosis/diagnose', () => ({
  diagnoseTab: vi.fn(async () => undefined),
  diagnoseHost: vi.fn(async () => undefined),
  dropDiagnosis: vi.fn(async () => undefined),
}));

/** What each page was served with, by URL (a missing one cannot be read: a browser error page, a PDF). */
const pageStatus = new Map<string, number>();
/** Each page's document.title as the status read returns it. */
const pageTitle = new Map<string, string>();
const statusReads: string[] = [];
/** When the page's answer arrived, as its status read says; the time of the read when unset. */
let answeredAt: number | undefined;
/** Method of each tab's last committed load (form submissions: POST). */
const commits = new Map<number, 'GET' | 'POST'>();
vi.mock('../../../../src/platform/navigation', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readPageStatus: vi.fn(async (_tabId: number, url: string) => {
    statusReads.push(url);
    return pageStatus.get(url);
  }),
  readPageAnswer: vi.fn(async (_tabId: number, url: string) => {
    statusReads.push(url);
    const status = pageStatus.get(url);
    const title = pageTitle.get(url);
    return status === undefined ? undefined : { status, time: answeredAt ?? Date.now(), ...(title ? { title } : {}) };
  }),
  showsErrorPage: vi.fn(async (tabId: number) => errorPages.has(tabId)),
}));
/** Tabs whose top frame shows Chrome's own error page (webNavigation.getFrame's errorOccurred). */
const errorPages = new Set<number>();
/** The open web tabs as tabs.query lists them (fake-browser keeps no titles or load status). */
const webTabList: Array<import('../../../../src/platform/tabs').WebTab> = [];
vi.mock('../../../../src/platform/tabs', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  webTabs: vi.fn(async () => webTabList),
}));

/** The site, as the header re-probe sees it. */
let siteAnswer: Omit<HeaderProbeResult, 'at'> = { status: 502, headers: [], redirected: false };
const headerProbes: string[] = [];
let duringProbe: (() => Promise<void>) | undefined;
vi.mock('../../../../src/platform/probe', () => ({
  probe: vi.fn(async () => ({ status: 502, ms: 1 })),
  probeHeaders: vi.fn(async (url: string) => {
    headerProbes.push(url);
    await duringProbe?.();
    return { ...siteAnswer, at: Date.now() };
  }),
}));

const messages = en as Record<string, { message: string }>;
const { handlePageLoaded, handleNavigationError, handleSameDocumentChange, handleTitleChanged, navigationDetection, TITLE_AGAIN_MS } =
  await import('../../../../src/background/detect/navigation');
const inspectTab = navigationDetection.inspectTab;
const { noteFailure, readIncident } = await import('../../../../src/platform/storage');
const { DETECTION } = await import('../../../../src/platform/web-request');

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
/** A page served with `status` finished loading (its committed load's method, GET unless a form submission). */
const reported = (tabId: number, status: number, url = 'https://shop.example/cart') => {
  pageStatus.set(url, status);
  return handlePageLoaded({ tabId, url, method: commits.get(tabId) ?? 'GET', time: Date.now() });
};

beforeEach(() => {
  fakeBrowser.reset();
  pageStatus.clear();
  pageTitle.clear();
  statusReads.length = 0;
  answeredAt = undefined;
  headerProbes.length = 0;
  duringProbe = undefined;
  commits.clear();
  errorPages.clear();
  webTabList.length = 0;
  vi.useRealTimers();
  siteAnswer = { status: 502, headers: NGINX, redirected: false };
  fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
    const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
  }) as typeof fakeBrowser.i18n.getMessage;
});

describe('Chrome builds detect with a status read in every page once it has loaded', () => {
  it('is the detection of the build the unit tests see (Chrome)', () => {
    expect(DETECTION).toBe('webNavigation');
  });

  it('a healthy page is read once it has loaded, and nothing else happens: no request, nothing stored', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 200);
    await loaded(tabId);
    expect(statusReads).toEqual(['https://shop.example/cart']);
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

  it('a 404 or a 200 page is no incident', async () => {
    const tabId = await newTab();
    await reported(tabId, 404);
    await reported(tabId, 200);
    expect(headerProbes).toEqual([]);
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('in a tab with an incident, a completed page whose status cannot be read leaves the tab as it was', async () => {
    const tabId = await newTab();
    await reported(tabId, 502);
    pageStatus.clear();
    await loaded(tabId);
    expect(statusReads).toHaveLength(2);
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

  it('a tab already on its way to another page (its pendingUrl) records nothing; one reloading the same page does', async () => {
    const real = fakeBrowser.tabs.get;
    let pendingUrl = 'https://elsewhere.example/';
    const spy = vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await real(id)), pendingUrl }));
    try {
      const leaving = await newTab();
      await reported(leaving, 502);
      expect(await readIncident(leaving)).toBeUndefined();
      pendingUrl = 'https://shop.example/cart#again';
      const reloading = await newTab();
      await reported(reloading, 502);
      expect(await readIncident(reloading)).toMatchObject({ kind: 'http', status: 502 });
    } finally {
      spy.mockRestore();
    }
  });

  it('a soft error: a 200 page titled like a gateway error, read with its status once it loaded', async () => {
    const tabId = await newTab('https://blog.example/post');
    pageStatus.set('https://blog.example/post', 200);
    pageTitle.set('https://blog.example/post', '502 Bad Gateway');
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    await loaded(tabId, { url: 'https://blog.example/post' });
    expect(await readIncident(tabId)).toMatchObject({ kind: 'soft', status: 502 });
    expect(headerProbes).toEqual([]); // a 200 is not re-probed
    // Loaded again, still soft: the incident stays.
    await loaded(tabId, { url: 'https://blog.example/post' });
    expect(await readIncident(tabId)).toMatchObject({ kind: 'soft', status: 502 });
  });

  it('a title set after the load (an app whose data failed) is judged when the page tells of it', async () => {
    const tabId = await newTab('https://app.example/');
    pageStatus.set('https://app.example/', 200);
    pageTitle.set('https://app.example/', 'Loading…');
    await fakeBrowser.tabs.update(tabId, { title: 'Loading…' } as never);
    await loaded(tabId, { url: 'https://app.example/' });
    expect(await readIncident(tabId)).toBeUndefined();
    // The page sets its title; the status read's title watch (platform/navigation.ts readInPage) sends it.
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    expect(await handleTitleChanged(tabId, 'https://app.example/', '502 Bad Gateway')).toBe(true);
    expect(await readIncident(tabId)).toMatchObject({ kind: 'soft', status: 502 });
  });

  it('a title change from a page the tab has left, from no tab, or an empty title is not judged', async () => {
    const tabId = await newTab('https://app.example/next');
    pageStatus.set('https://app.example/', 200);
    expect(await handleTitleChanged(tabId, 'https://app.example/', '502 Bad Gateway')).toBe(false);
    expect(await handleTitleChanged(-1, 'https://app.example/next', '502 Bad Gateway')).toBe(false);
    expect(await handleTitleChanged(tabId, 'https://app.example/next', '')).toBe(false);
    expect(await handleTitleChanged(9_999, 'https://app.example/next', '502 Bad Gateway')).toBe(false);
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('a title change to an ordinary title is judged at once, without asking the browser anything', async () => {
    const tabId = await newTab('https://app.example/');
    const tabsGet = vi.spyOn(fakeBrowser.tabs, 'get');
    expect(await handleTitleChanged(tabId, 'https://app.example/', '(3) Inbox')).toBe(true);
    expect(tabsGet).not.toHaveBeenCalled();
    tabsGet.mockRestore();
    expect(await readIncident(tabId)).toBeUndefined();
  });

  it('a healthy page with an ordinary title: one status read that watches the title, no timer, no later look, nothing stored', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const tabId = await newTab('https://blog.example/post');
    pageStatus.set('https://blog.example/post', 200);
    pageTitle.set('https://blog.example/post', 'Top 502 recipes');
    await fakeBrowser.tabs.update(tabId, { title: 'Top 502 recipes' } as never);
    const pendingBefore = timersPending();
    const tabsGet = vi.spyOn(fakeBrowser.tabs, 'get');
    await loaded(tabId, { url: 'https://blog.example/post' });
    expect(timersPending()).toBe(pendingBefore);
    await vi.advanceTimersByTimeAsync(TITLE_AGAIN_MS + 1_000);
    expect(tabsGet).not.toHaveBeenCalled();
    tabsGet.mockRestore();
    expect(statusReads).toEqual(['https://blog.example/post']);
    const { readPageAnswer } = await import('../../../../src/platform/navigation');
    expect(vi.mocked(readPageAnswer)).toHaveBeenLastCalledWith(tabId, 'https://blog.example/post', { watchTitle: true });
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('a page rewriting its address under an error title records a few soft incidents, not one per rewrite', async () => {
    const tabId = await newTab('https://blog.example/post');
    let recorded = 0;
    for (let i = 0; i < 8; i += 1) {
      const url = `https://blog.example/post?page=${i}`;
      pageStatus.set(url, 200);
      await fakeBrowser.tabs.update(tabId, { url, title: '502 Bad Gateway' } as never);
      await handleSameDocumentChange(tabId, url);
      if ((await readIncident(tabId))?.kind === 'soft') recorded += 1;
    }
    expect(recorded).toBe(3);
    const history = (await fakeBrowser.storage.local.get('history')).history as unknown[];
    expect(history).toHaveLength(3);
    // A real failure in the same tab is never limited.
    await reported(tabId, 502, 'https://blog.example/post?page=7');
    expect(await readIncident(tabId)).toMatchObject({ kind: 'http', status: 502 });
  });

  it('a tab whose address moves away from its failing page without a new document ends its incident; a fragment does not', async () => {
    const tabId = await newTab();
    await reported(tabId, 502);
    await fakeBrowser.tabs.update(tabId, { url: 'https://shop.example/cart#top' });
    await handleSameDocumentChange(tabId, 'https://shop.example/cart#top');
    expect(await readIncident(tabId)).toMatchObject({ status: 502 });
    await fakeBrowser.tabs.update(tabId, { url: 'https://shop.example/other' });
    await handleSameDocumentChange(tabId, 'https://shop.example/other');
    expect(await readIncident(tabId)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');
  });

  it('a 502 page titled like one is the 502, not a soft error, now or when its title changes', async () => {
    const tabId = await newTab();
    pageTitle.set('https://shop.example/cart', '502 Bad Gateway');
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    await reported(tabId, 502);
    await handleTitleChanged(tabId, 'https://shop.example/cart', '502 Bad Gateway — retry');
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

describe('Chrome builds: a worker stopped while recording a network error', () => {
  // Chrome sends no event again to a worker it stopped while that event's handler was running: the
  // failure is noted before anything is awaited, and the next worker records what is still noted.
  const failureKeys = async () => Object.keys(await fakeBrowser.storage.session.get(null)).filter((k) => k.startsWith('failure:'));
  const T = 1_790_000_000_000;

  it('the failure is written before the first await, and forgotten once recorded', async () => {
    const tabId = await newTab();
    const set = vi.spyOn(fakeBrowser.storage.session, 'set');
    set.mockClear();
    const handling = handleNavigationError({
      tabId,
      frame: 'main',
      url: 'https://shop.example/cart',
      error: 'net::ERR_CONNECTION_REFUSED',
      method: 'GET',
      time: T,
    });
    expect(set.mock.calls[0]?.[0]).toEqual({
      [`failure:${tabId}`]: { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: T },
    });
    await handling;
    expect(await readIncident(tabId)).toMatchObject({ kind: 'network', netError: 'refused' });
    expect(await failureKeys()).toEqual([]);
  });

  it('aborted navigations and frames are not noted', async () => {
    const tabId = await newTab();
    const set = vi.spyOn(fakeBrowser.storage.session, 'set');
    set.mockClear();
    await handleNavigationError({
      tabId,
      frame: 'main',
      url: 'https://shop.example/cart',
      error: 'net::ERR_ABORTED',
      method: 'GET',
      time: T,
    });
    await handleNavigationError({
      tabId,
      frame: 'sub',
      url: 'https://ads.example/f',
      error: 'net::ERR_CONNECTION_REFUSED',
      method: 'GET',
      time: T,
    });
    expect(set.mock.calls.flatMap((c) => Object.keys(c[0] as object)).filter((k) => k.startsWith('failure:'))).toEqual([]);
  });

  it('the next worker records a noted failure its tab still shows, with schedule and badge', async () => {
    const tabId = await newTab();
    await noteFailure(tabId, { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: T });
    await navigationDetection.resume!();
    expect(await readIncident(tabId)).toMatchObject({ kind: 'network', netError: 'refused', url: 'https://shop.example/cart' });
    expect(await fakeBrowser.storage.session.get('retry:https://shop.example')).toHaveProperty(['retry:https://shop.example']);
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toMatch(/REF$/);
    expect(await failureKeys()).toEqual([]);
  });

  it('an empty 5xx noted the same way gets its status from the re-probe', async () => {
    const tabId = await newTab();
    await noteFailure(tabId, { url: 'https://shop.example/cart', error: 'net::ERR_HTTP_RESPONSE_CODE_FAILURE', method: 'GET', time: T });
    await navigationDetection.resume!();
    expect(await readIncident(tabId)).toMatchObject({ kind: 'http', status: 502 });
  });

  it('a note whose tab moved on, closed, or holds a newer incident of that page is dropped without recording', async () => {
    const movedOn = await newTab('https://shop.example/elsewhere');
    await noteFailure(movedOn, { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: T });
    await noteFailure(999_999, { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: T });
    const recorded = await newTab();
    await handleNavigationError({
      tabId: recorded,
      frame: 'main',
      url: 'https://shop.example/cart',
      error: 'net::ERR_NAME_NOT_RESOLVED',
      method: 'GET',
      time: T + 5,
    });
    await noteFailure(recorded, { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: T });
    await navigationDetection.resume!();
    expect(await readIncident(movedOn)).toBeUndefined();
    expect(await readIncident(recorded)).toMatchObject({ netError: 'dns' });
    expect(await failureKeys()).toEqual([]);
  });

  it('a garbled note is dropped', async () => {
    const tabId = await newTab();
    await fakeBrowser.storage.session.set({ [`failure:${tabId}`]: { url: 'javascript:alert(1)', error: '<b>', method: 'PUT', time: -1 } });
    await navigationDetection.resume!();
    expect(await readIncident(tabId)).toBeUndefined();
    expect(await failureKeys()).toEqual([]);
  });
});

describe('Chrome builds: events lost while the worker was stopped (reconciled at start)', () => {
  const URL = 'https://shop.example/cart';
  /** An open tab as tabs.query lists it. */
  async function listedTab(
    title: string | undefined,
    { status = 'complete', url = URL, lastAccessed = 0, discarded = false } = {},
  ): Promise<number> {
    const tabId = await newTab(url);
    webTabList.push({
      id: tabId,
      url,
      incognito: false,
      status,
      lastAccessed,
      ...(title ? { title } : {}),
      ...(discarded ? { discarded } : {}),
    });
    return tabId;
  }
  const refused = { headers: [], redirected: false, error: 'TypeError' };

  it('a tab on Chrome’s error page without an incident, whose site still fails, is recorded once, with its schedule', async () => {
    siteAnswer = refused;
    const tabId = await listedTab('shop.example');
    errorPages.add(tabId);
    await navigationDetection.resume!();
    expect(await readIncident(tabId)).toMatchObject({ kind: 'network', netError: 'other', url: URL });
    expect(Object.keys(await fakeBrowser.storage.session.get(null))).toContain('retry:https://shop.example');
    expect(headerProbes).toEqual([URL]);
  });

  it('one whose site answers with a 5xx is that HTTP failure', async () => {
    const tabId = await listedTab('shop.example');
    errorPages.add(tabId);
    await navigationDetection.resume!();
    expect(await readIncident(tabId)).toMatchObject({ kind: 'http', status: 502, platform: { id: 'nginx' } });
  });

  it('one whose site answers is left alone, and not asked about again at the next start', async () => {
    siteAnswer = { status: 200, headers: [], redirected: false };
    const tabId = await listedTab('shop.example');
    errorPages.add(tabId);
    await navigationDetection.resume!();
    await navigationDetection.resume!();
    expect(await readIncident(tabId)).toBeUndefined();
    expect(headerProbes).toEqual([URL]);
  });

  it('a tab titled otherwise, still loading, or whose last navigation did not fail is not asked about', async () => {
    siteAnswer = refused;
    const titled = await listedTab('Your cart · Shop');
    const loading = await listedTab('shop.example', { status: 'loading' });
    const fine = await listedTab('shop.example', { url: 'https://shop.example/other' });
    errorPages.add(titled).add(loading);
    await navigationDetection.resume!();
    for (const tabId of [titled, loading, fine]) expect(await readIncident(tabId)).toBeUndefined();
    expect(headerProbes).toEqual([]);
  });

  it('a loaded page whose load event was lost is read: a 5xx becomes its incident, dated by its own answer; a healthy one is only read', async () => {
    answeredAt = Date.now() - 40_000;
    const failed = await listedTab('Acme Store', { url: 'https://acme.example/' });
    const healthy = await listedTab('News', { url: 'https://news.example/' });
    pageStatus.set('https://acme.example/', 502).set('https://news.example/', 200);
    await navigationDetection.resume!();
    expect(await readIncident(failed)).toMatchObject({ kind: 'http', status: 502, time: answeredAt, platform: { id: 'nginx' } });
    expect(await fakeBrowser.action.getBadgeText({ tabId: failed })).toMatch(/502$/);
    expect(await readIncident(healthy)).toBeUndefined();
    expect(statusReads.sort()).toEqual(['https://acme.example/', 'https://news.example/']);
    expect(headerProbes).toEqual(['https://acme.example/']); // the failed page's headers; nothing to the healthy site
  });

  it('a form’s 5xx answer whose load event died with the worker is recorded with the recorded method: a possible POST, never retried', async () => {
    // The form's commit was recorded (form-commit), then the worker stopped before the page's answer was.
    const pay = 'https://shop.example/checkout/pay';
    const tabId = await listedTab('Payment failed', { url: pay });
    await fakeBrowser.storage.session.set({ [`form-commit:${tabId}`]: pay });
    pageStatus.set(pay, 502);
    await navigationDetection.resume!();
    expect(await readIncident(tabId)).toMatchObject({ status: 502, method: 'POST', retryable: false });
    expect(headerProbes).toEqual(['https://shop.example/']); // the site's root: the form's address is not asked again
    expect(Object.keys(await fakeBrowser.storage.session.get(null)).filter((k) => k.startsWith('retry:'))).toEqual([]);
  });

  it('a form’s answer shown as Chrome’s error page at worker start keeps the recorded method too', async () => {
    const pay = 'https://shop.example/checkout/pay';
    const tabId = await listedTab('shop.example', { url: pay });
    errorPages.add(tabId);
    await fakeBrowser.storage.session.set({ [`form-commit:${tabId}`]: pay });
    await navigationDetection.resume!();
    expect(await readIncident(tabId)).toMatchObject({ status: 502, method: 'POST', retryable: false });
    expect(headerProbes).toEqual(['https://shop.example/']);
    expect(Object.keys(await fakeBrowser.storage.session.get(null)).filter((k) => k.startsWith('retry:'))).toEqual([]);
  });

  it('tabs still loading or unloaded by the browser are not read; at most 32 are, the most recently seen first', async () => {
    await listedTab('Loading', { url: 'https://loading.example/', status: 'loading' });
    await listedTab('Asleep', { url: 'https://asleep.example/', discarded: true });
    for (let i = 0; i < 40; i += 1) await listedTab(`Page ${i}`, { url: `https://site${i}.example/`, lastAccessed: 1_000 + i });
    await navigationDetection.resume!();
    expect(statusReads).toHaveLength(32);
    expect(statusReads).not.toContain('https://loading.example/');
    expect(statusReads).not.toContain('https://asleep.example/');
    expect(statusReads).toContain('https://site39.example/');
    expect(statusReads).not.toContain('https://site7.example/'); // among the 8 least recently seen
  });

  it('an incident whose page is healthy again, or whose tab shows another page now, ends; a page still failing gets its badge back', async () => {
    const healthy = await listedTab('Your cart · Shop');
    const failing = await listedTab('502 Bad Gateway');
    for (const tabId of [healthy, failing]) await reported(tabId, 502);
    const movedUrl = 'https://shop.example/elsewhere';
    const moved = await newTab(URL);
    await reported(moved, 502);
    await fakeBrowser.tabs.update(moved, { url: movedUrl });
    webTabList.push({ id: moved, url: movedUrl, incognito: false, status: 'complete', title: 'Elsewhere' });
    pageStatus.set(URL, 200);
    // only the healthy tab's page reads 200: the failing one reads 502
    const { readPageStatus } = await import('../../../../src/platform/navigation');
    vi.mocked(readPageStatus).mockImplementation(async (tabId: number) => (tabId === healthy ? 200 : 502));
    await fakeBrowser.action.setBadgeText({ tabId: failing, text: '' }); // what the page's commit did
    await navigationDetection.resume!();
    expect(await readIncident(healthy)).toBeUndefined();
    expect(await readIncident(moved)).toBeUndefined();
    expect(await readIncident(failing)).toMatchObject({ status: 502 });
    expect(await fakeBrowser.action.getBadgeText({ tabId: failing })).toMatch(/502$/);
    vi.mocked(readPageStatus).mockImplementation(async (_tabId: number, url: string) => {
      statusReads.push(url);
      return pageStatus.get(url);
    });
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

  it('a form’s answer read now keeps the recorded method (form-commit): a possible POST', async () => {
    const pay = 'https://shop.example/checkout/pay';
    const tabId = await newTab(pay);
    complete();
    await fakeBrowser.storage.session.set({ [`form-commit:${tabId}`]: pay });
    pageStatus.set(pay, 500);
    expect(await inspectTab(tabId)).toBe(true);
    expect(await readIncident(tabId)).toMatchObject({ status: 500, method: 'POST', retryable: false });
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
