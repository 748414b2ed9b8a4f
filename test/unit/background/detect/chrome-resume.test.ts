// Chrome builds at worker start: events lost while the worker was stopped are reconciled (detect/chrome-resume.ts).
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import {
  pageStatus,
  statusReads,
  errorPages,
  webTabList,
  headerProbes,
  world,
  newTab,
  reported,
  useChromeWorld,
} from '../../helpers/fake-chrome';
import { incidentItem } from '../../../../src/core/incident/stored';

const { navigationDetection } = await import('../../../../src/background/detect/chrome');
const store = await import('../../../../src/platform/store');

useChromeWorld();
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
    world.siteAnswer = refused;
    const tabId = await listedTab('shop.example');
    errorPages.add(tabId);
    await navigationDetection.resume!();
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'network', netError: 'other', url: URL });
    expect(Object.keys(await fakeBrowser.storage.session.get(null))).toContain('retry:https://shop.example');
    expect(headerProbes).toEqual([URL]);
  });

  it('one whose site answers with a 5xx is that HTTP failure', async () => {
    const tabId = await listedTab('shop.example');
    errorPages.add(tabId);
    await navigationDetection.resume!();
    expect(await store.read(incidentItem, tabId)).toMatchObject({ kind: 'http', status: 502, platform: { id: 'nginx' } });
  });

  it('one whose site answers is left alone, and not asked about again at the next start', async () => {
    world.siteAnswer = { status: 200, headers: [], redirected: false };
    const tabId = await listedTab('shop.example');
    errorPages.add(tabId);
    await navigationDetection.resume!();
    await navigationDetection.resume!();
    expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(headerProbes).toEqual([URL]);
  });

  it('a tab titled otherwise, still loading, or whose last navigation did not fail is not asked about', async () => {
    world.siteAnswer = refused;
    const titled = await listedTab('Your cart · Shop');
    const loading = await listedTab('shop.example', { status: 'loading' });
    const fine = await listedTab('shop.example', { url: 'https://shop.example/other' });
    errorPages.add(titled).add(loading);
    await navigationDetection.resume!();
    for (const tabId of [titled, loading, fine]) expect(await store.read(incidentItem, tabId)).toBeUndefined();
    expect(headerProbes).toEqual([]);
  });

  it('a loaded page whose load event was lost is read: a 5xx becomes its incident, dated by its own answer; a healthy one is only read', async () => {
    world.answeredAt = Date.now() - 40_000;
    const failed = await listedTab('Acme Store', { url: 'https://acme.example/' });
    const healthy = await listedTab('News', { url: 'https://news.example/' });
    pageStatus.set('https://acme.example/', 502).set('https://news.example/', 200);
    await navigationDetection.resume!();
    expect(await store.read(incidentItem, failed)).toMatchObject({
      kind: 'http',
      status: 502,
      time: world.answeredAt,
      platform: { id: 'nginx' },
    });
    expect(await fakeBrowser.action.getBadgeText({ tabId: failed })).toMatch(/502$/);
    expect(await store.read(incidentItem, healthy)).toBeUndefined();
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
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 502, method: 'POST', retryable: false });
    expect(headerProbes).toEqual(['https://shop.example/']); // the site's root: the form's address is not asked again
    expect(Object.keys(await fakeBrowser.storage.session.get(null)).filter((k) => k.startsWith('retry:'))).toEqual([]);
  });

  it('a form’s answer shown as Chrome’s error page at worker start keeps the recorded method too', async () => {
    const pay = 'https://shop.example/checkout/pay';
    const tabId = await listedTab('shop.example', { url: pay });
    errorPages.add(tabId);
    await fakeBrowser.storage.session.set({ [`form-commit:${tabId}`]: pay });
    await navigationDetection.resume!();
    expect(await store.read(incidentItem, tabId)).toMatchObject({ status: 502, method: 'POST', retryable: false });
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
    expect(await store.read(incidentItem, healthy)).toBeUndefined();
    expect(await store.read(incidentItem, moved)).toBeUndefined();
    expect(await store.read(incidentItem, failing)).toMatchObject({ status: 502 });
    expect(await fakeBrowser.action.getBadgeText({ tabId: failing })).toMatch(/502$/);
    vi.mocked(readPageStatus).mockImplementation(async (_tabId: number, url: string) => {
      statusReads.push(url);
      return pageStatus.get(url);
    });
  });
});
