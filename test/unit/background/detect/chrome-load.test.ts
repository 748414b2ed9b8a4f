// Chrome builds detect with a status read in every top-level page once it has loaded (detect/chrome-load.ts): 5xx, healthy pages, titles.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { timersPending } from '../../../../src/core/async/timers';
import {
  pageStatus,
  pageTitle,
  statusReads,
  commits,
  headerProbes,
  world,
  NGINX,
  newTab,
  loaded,
  reported,
  useChromeWorld,
} from '../../helpers/fake-chrome';
import { incidentItem } from '../../../../src/core/incident/stored';

const { handleSameDocumentChange, handleTitleChanged, TITLE_AGAIN_MS } = await import('../../../../src/background/detect/chrome-load');
const store = await import('../../../../src/platform/store');
const { DETECTION } = await import('../../../../src/platform/web-request');

useChromeWorld();
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
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('a 502 page, whatever its title: headers from one re-probe of the same page, classified as nginx', async () => {
    const tabId = await newTab('https://shop.example/cart#items');
    await reported(tabId, 502, 'https://shop.example/cart#items');
    expect(headerProbes).toEqual(['https://shop.example/cart']); // never the fragment
    const incident = await store.read(incidentItem, tabId);
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
    world.siteAnswer = {
      status: 200,
      headers: [
        { name: 'server', value: 'cloudflare' },
        { name: 'cf-ray', value: '8f1a2b3c4d5e6f70-FRA' },
      ],
      redirected: false,
    };
    await reported(tabId, 504);
    expect(await store.read(incidentItem, tabId)).toMatchObject({
      status: 504,
      platform: { id: 'cloudflare', pop: 'FRA' },
      reprobe: { status: 200 },
    });
  });

  it('a 503 is recorded at once, re-probed only after 5 s of quiet, then keeps the Retry-After it brought back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const tabId = await newTab();
    world.siteAnswer = { status: 503, headers: [...NGINX, { name: 'retry-after', value: '120' }], redirected: false };
    const pendingBefore = timersPending();
    await reported(tabId, 503);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 503, badge: '503' });
    expect(headerProbes).toEqual([]);
    expect(timersPending()).toBe(pendingBefore + 1); // the delayed re-probe, counted while it waits
    await vi.advanceTimersByTimeAsync(4_900);
    expect(headerProbes).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(headerProbes).toEqual(['https://shop.example/cart']);
    const completed = { status: 503, retryAfter: '120', platform: { id: 'nginx' } };
    await vi.waitFor(async () => expect(await store.read(incidentItem, tabId)).toMatchObject(completed));
    const history = (await fakeBrowser.storage.local.get('history')).history as unknown[];
    expect(history).toHaveLength(1); // completed, not recorded twice
    expect(timersPending()).toBe(pendingBefore);
  });

  it('a form submission is taken as a possible POST: the re-probe asks the site’s root, and nothing is retried', async () => {
    const tabId = await newTab('https://shop.example/checkout/pay');
    commits.set(tabId, 'POST');
    await reported(tabId, 502, 'https://shop.example/checkout/pay');
    expect(headerProbes).toEqual(['https://shop.example/']);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 502, method: 'POST', retryable: false });
    expect(await fakeBrowser.storage.session.get('retry:https://shop.example')).toEqual({});
  });

  it('a 404 or a 200 page is no incident', async () => {
    const tabId = await newTab();
    await reported(tabId, 404);
    await reported(tabId, 200);
    expect(headerProbes).toEqual([]);
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
  });

  it('in a tab with an incident, a completed page whose status cannot be read leaves the tab as it was', async () => {
    const tabId = await newTab();
    await reported(tabId, 502);
    pageStatus.clear();
    await loaded(tabId);
    expect(statusReads).toHaveLength(2);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 502 });
  });

  it('a failed page that comes back (200, or a 404) ends its incident', async () => {
    const tabId = await newTab();
    await reported(tabId, 502);
    pageStatus.set('https://shop.example/cart', 404);
    await loaded(tabId);
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');

    await reported(tabId, 502);
    pageStatus.set('https://shop.example/cart', 200);
    await loaded(tabId);
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
  });

  it('a failed page that fails again keeps its incident and gets its badge back on completion', async () => {
    const tabId = await newTab();
    await reported(tabId, 502);
    await fakeBrowser.action.setBadgeText({ tabId, text: '' }); // what the browser does on commit
    pageStatus.set('https://shop.example/cart', 502);
    await loaded(tabId);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 502 });
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toMatch(/502$/);
  });

  it('a tab that moved on while the re-probe was out records nothing', async () => {
    const tabId = await newTab();
    world.duringProbe = async () => {
      await fakeBrowser.tabs.update(tabId, { url: 'https://elsewhere.example/' });
    };
    await reported(tabId, 502);
    expect(headerProbes).toHaveLength(1);
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
  });

  it('a tab already on its way to another page (its pendingUrl) records nothing; one reloading the same page does', async () => {
    const real = fakeBrowser.tabs.get;
    let pendingUrl = 'https://elsewhere.example/';
    const spy = vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await real(id)), pendingUrl }));
    try {
      const leaving = await newTab();
      await reported(leaving, 502);
      expect(await store.read(incidentItem, leaving)).toBeUndefined();
      pendingUrl = 'https://shop.example/cart#again';
      const reloading = await newTab();
      await reported(reloading, 502);
      expect(await store.read(incidentItem, reloading)).toMatchObject({ kind: 'http', status: 502 });
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
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'soft', status: 502 });
    expect(headerProbes).toEqual([]); // a 200 is not re-probed
    // Loaded again, still soft: the incident stays.
    await loaded(tabId, { url: 'https://blog.example/post' });
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'soft', status: 502 });
  });

  it('a title set after the load (an app whose data failed) is judged when the page tells of it', async () => {
    const tabId = await newTab('https://app.example/');
    pageStatus.set('https://app.example/', 200);
    pageTitle.set('https://app.example/', 'Loading…');
    await fakeBrowser.tabs.update(tabId, { title: 'Loading…' } as never);
    await loaded(tabId, { url: 'https://app.example/' });
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    // The page sets its title; the status read's title watch (platform/navigation.ts readInPage) sends it.
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    expect(await handleTitleChanged(tabId, 'https://app.example/', '502 Bad Gateway')).toBe(true);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'soft', status: 502 });
  });

  it('a title change from a page the tab has left, from no tab, or an empty title is not judged', async () => {
    const tabId = await newTab('https://app.example/next');
    pageStatus.set('https://app.example/', 200);
    expect(await handleTitleChanged(tabId, 'https://app.example/', '502 Bad Gateway')).toBe(false);
    expect(await handleTitleChanged(-1, 'https://app.example/next', '502 Bad Gateway')).toBe(false);
    expect(await handleTitleChanged(tabId, 'https://app.example/next', '')).toBe(false);
    expect(await handleTitleChanged(9_999, 'https://app.example/next', '502 Bad Gateway')).toBe(false);
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
  });

  it('a title change to an ordinary title is judged at once, without asking the browser anything', async () => {
    const tabId = await newTab('https://app.example/');
    const tabsGet = vi.spyOn(fakeBrowser.tabs, 'get');
    expect(await handleTitleChanged(tabId, 'https://app.example/', '(3) Inbox')).toBe(true);
    expect(tabsGet).not.toHaveBeenCalled();
    tabsGet.mockRestore();
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
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
      if ((await store.read(incidentItem, tabId))?.kind === 'soft') recorded += 1;
    }
    expect(recorded).toBe(3);
    const history = (await fakeBrowser.storage.local.get('history')).history as unknown[];
    expect(history).toHaveLength(3);
    // A real failure in the same tab is never limited.
    await reported(tabId, 502, 'https://blog.example/post?page=7');
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'http', status: 502 });
  });

  it('a tab whose address moves away from its failing page without a new document ends its incident; a fragment does not', async () => {
    const tabId = await newTab();
    await reported(tabId, 502);
    await fakeBrowser.tabs.update(tabId, { url: 'https://shop.example/cart#top' });
    await handleSameDocumentChange(tabId, 'https://shop.example/cart#top');
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 502 });
    await fakeBrowser.tabs.update(tabId, { url: 'https://shop.example/other' });
    await handleSameDocumentChange(tabId, 'https://shop.example/other');
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');
  });

  it('a 502 page titled like one is the 502, not a soft error, now or when its title changes', async () => {
    const tabId = await newTab();
    pageTitle.set('https://shop.example/cart', '502 Bad Gateway');
    await fakeBrowser.tabs.update(tabId, { title: '502 Bad Gateway' } as never);
    await reported(tabId, 502);
    await handleTitleChanged(tabId, 'https://shop.example/cart', '502 Bad Gateway — retry');
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'http', status: 502 });
  });
});
