// Chrome builds: network errors from webNavigation, failures noted before a stopped worker, and the popup looking at a tab (detect/chrome-failed-page.ts).
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { pageStatus, statusReads, headerProbes, world, newTab, useChromeWorld } from '../../helpers/fake-chrome';
import { failureItem, incidentItem } from '../../../../src/core/incident/stored';

const { handleNavigationError, inspectTab } = await import('../../../../src/background/detect/chrome-failed-page');
const { navigationDetection } = await import('../../../../src/background/detect/chrome');
const store = await import('../../../../src/platform/store');

useChromeWorld();
describe('Chrome builds: network errors from webNavigation', () => {
  const navError = (tabId: number, error: string, frame: 'main' | 'sub' = 'main', url = 'https://shop.example/cart') =>
    handleNavigationError({ tabId, frame, url, error, method: 'GET', time: 1_790_000_000_000 });

  it('a DNS failure is an incident as with webRequest, without any request', async () => {
    const tabId = await newTab();
    await navError(tabId, 'net::ERR_NAME_NOT_RESOLVED');
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'network', netError: 'dns', badge: 'DNS' });
    expect(headerProbes).toEqual([]);
  });

  it('an aborted navigation is nothing', async () => {
    const tabId = await newTab();
    await navError(tabId, 'net::ERR_ABORTED');
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
  });

  it('an empty 5xx (ERR_HTTP_RESPONSE_CODE_FAILURE) gets its status and headers from the re-probe', async () => {
    const tabId = await newTab();
    await navError(tabId, 'net::ERR_HTTP_RESPONSE_CODE_FAILURE');
    expect(headerProbes).toEqual(['https://shop.example/cart']);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'http', status: 502, platform: { id: 'nginx' } });
  });

  it('an empty error answer that is fine again by the re-probe is nothing to report', async () => {
    const tabId = await newTab();
    world.siteAnswer = { status: 200, headers: [], redirected: false };
    await navError(tabId, 'net::ERR_HTTP_RESPONSE_CODE_FAILURE');
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
  });

  it('a frame’s failure is recorded but is not the page’s incident', async () => {
    const tabId = await newTab();
    await navError(tabId, 'net::ERR_CONNECTION_REFUSED', 'sub', 'https://ads.example/frame');
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
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
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'network', netError: 'refused' });
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
    await store.write(
      failureItem,
      { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: T },
      tabId,
    );
    await navigationDetection.resume!();
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'network', netError: 'refused', url: 'https://shop.example/cart' });
    expect(await fakeBrowser.storage.session.get('retry:https://shop.example')).toHaveProperty(['retry:https://shop.example']);
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toMatch(/REF$/);
    expect(await failureKeys()).toEqual([]);
  });

  it('an empty 5xx noted the same way gets its status from the re-probe', async () => {
    const tabId = await newTab();
    await store.write(
      failureItem,
      { url: 'https://shop.example/cart', error: 'net::ERR_HTTP_RESPONSE_CODE_FAILURE', method: 'GET', time: T },
      tabId,
    );
    await navigationDetection.resume!();
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'http', status: 502 });
  });

  it('a note whose tab moved on, closed, or holds a newer incident of that page is dropped without recording', async () => {
    const movedOn = await newTab('https://shop.example/elsewhere');
    await store.write(
      failureItem,
      { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: T },
      movedOn,
    );
    await store.write(
      failureItem,
      { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: T },
      999_999,
    );
    const recorded = await newTab();
    await handleNavigationError({
      tabId: recorded,
      frame: 'main',
      url: 'https://shop.example/cart',
      error: 'net::ERR_NAME_NOT_RESOLVED',
      method: 'GET',
      time: T + 5,
    });
    await store.write(
      failureItem,
      { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: T },
      recorded,
    );
    await navigationDetection.resume!();
    expect(await store.read(incidentItem, movedOn)).toBeUndefined();
    expect(await store.read(incidentItem, recorded)).toMatchObject({ netError: 'dns' });
    expect(await failureKeys()).toEqual([]);
  });

  it('a garbled note is dropped', async () => {
    const tabId = await newTab();
    await fakeBrowser.storage.session.set({ [`failure:${tabId}`]: { url: 'javascript:alert(1)', error: '<b>', method: 'PUT', time: -1 } });
    await navigationDetection.resume!();
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(await failureKeys()).toEqual([]);
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
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'http', status: 500, platform: { id: 'nginx' } });
  });

  it('a healthy page stays without incident; a page still loading is not read', async () => {
    const tabId = await newTab();
    pageStatus.set('https://shop.example/cart', 200);
    withStatus('loading');
    expect(await inspectTab(tabId)).toBe(false);
    expect(statusReads).toEqual([]);
    complete();
    expect(await inspectTab(tabId)).toBe(false);
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(headerProbes).toEqual([]);
  });

  it('a form’s answer read now keeps the recorded method (form-commit): a possible POST', async () => {
    const pay = 'https://shop.example/checkout/pay';
    const tabId = await newTab(pay);
    complete();
    await fakeBrowser.storage.session.set({ [`form-commit:${tabId}`]: pay });
    pageStatus.set(pay, 500);
    expect(await inspectTab(tabId)).toBe(true);
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 500, method: 'POST', retryable: false });
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
