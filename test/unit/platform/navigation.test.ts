// The webNavigation adapter of Chrome builds: which events become page loads and errors, what
// method a load is taken to have used, and what a status read accepts from the page.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { committedMethod, onPageLoaded, onNavigationError, pageAnswerOf, readPageAnswer, readPageStatus } =
  await import('../../../src/platform/navigation');

type Trigger = { trigger: (details: object) => Promise<unknown> };
const nav = fakeBrowser.webNavigation as unknown as Record<'onCommitted' | 'onCompleted' | 'onErrorOccurred', Trigger>;

const loads: unknown[] = [];
const errors: unknown[] = [];
let tabId = 0;

// Listeners are registered once, as the worker does at top level.
onPageLoaded((load) => loads.push(load));
onNavigationError((error) => errors.push(error));

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(async () => {
  loads.length = 0;
  errors.length = 0;
  const tab = await fakeBrowser.tabs.create({ url: 'https://shop.example/cart' });
  tabId = tab.id!;
  vi.restoreAllMocks();
  const real = fakeBrowser.tabs.get;
  vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await real(id)), title: '502 Bad Gateway' }));
});

describe('onPageLoaded', () => {
  it('a completed top-level load, GET for an ordinary navigation (no tab is looked up)', async () => {
    await nav.onCommitted.trigger({ tabId, frameId: 0, url: 'https://shop.example/cart', transitionType: 'link', timeStamp: 1 });
    await nav.onCompleted.trigger({ tabId, frameId: 0, url: 'https://shop.example/cart', timeStamp: 2 });
    await settle();
    expect(loads).toEqual([{ tabId, url: 'https://shop.example/cart', method: 'GET', time: 2 }]);
    expect(fakeBrowser.tabs.get).not.toHaveBeenCalled();
  });

  it('a form submission is taken as a possible POST, for that page only, until the tab commits another load', async () => {
    await nav.onCommitted.trigger({ tabId, frameId: 0, url: 'https://shop.example/pay', transitionType: 'form_submit', timeStamp: 1 });
    await nav.onCompleted.trigger({ tabId, frameId: 0, url: 'https://shop.example/pay', timeStamp: 2 });
    await nav.onCompleted.trigger({ tabId, frameId: 0, url: 'https://shop.example/other', timeStamp: 3 }); // not the committed page
    await settle();
    expect(loads.map((l) => (l as { method: string }).method)).toEqual(['POST', 'GET']);
    // The page's status report may come after its load completed: the method is still known.
    expect(await committedMethod(tabId, 'https://shop.example/pay#x')).toBe('POST');
    await nav.onCommitted.trigger({ tabId, frameId: 0, url: 'https://shop.example/pay', transitionType: 'reload', timeStamp: 4 });
    expect(await committedMethod(tabId, 'https://shop.example/pay')).toBe('GET');
  });

  it('remembers the commits of at most 200 tabs in memory: the oldest is forgotten, a form submission is still on record', async () => {
    await nav.onCommitted.trigger({ tabId, frameId: 0, url: 'https://shop.example/pay', transitionType: 'form_submit', timeStamp: 1 });
    await nav.onCommitted.trigger({ tabId: 9_999, frameId: 0, url: 'https://a.example/', transitionType: 'link', timeStamp: 1 });
    for (let other = 10_000; other < 10_200; other += 1)
      await nav.onCommitted.trigger({ tabId: other, frameId: 0, url: 'https://a.example/', transitionType: 'link', timeStamp: 1 });
    await nav.onCompleted.trigger({ tabId, frameId: 0, url: 'https://shop.example/pay', timeStamp: 2 });
    await nav.onCompleted.trigger({ tabId: 9_999, frameId: 0, url: 'https://a.example/', timeStamp: 2 });
    await settle();
    expect(loads).toEqual([expect.objectContaining({ tabId, method: 'POST' }), expect.objectContaining({ tabId: 9_999, method: 'GET' })]);
  });

  it('a form submission survives the worker being stopped (storage.session); ordinary loads write nothing', async () => {
    await fakeBrowser.storage.session.clear();
    const set = vi.spyOn(fakeBrowser.storage.session, 'set');
    const remove = vi.spyOn(fakeBrowser.storage.session, 'remove');
    await nav.onCommitted.trigger({ tabId, frameId: 0, url: 'https://shop.example/cart', transitionType: 'link', timeStamp: 1 });
    await nav.onCommitted.trigger({ tabId, frameId: 0, url: 'https://shop.example/cart', transitionType: 'reload', timeStamp: 2 });
    await settle();
    expect(set).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
    await nav.onCommitted.trigger({ tabId, frameId: 0, url: 'https://shop.example/pay', transitionType: 'form_submit', timeStamp: 3 });
    await settle();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({ [`form-commit:${tabId}`]: 'https://shop.example/pay' });
    // A new worker: its memory is empty, the record is not.
    vi.resetModules();
    const fresh = await import('../../../src/platform/navigation');
    expect(await fresh.committedMethod(tabId, 'https://shop.example/pay')).toBe('POST');
    expect(await fresh.committedMethod(tabId, 'https://shop.example/other')).toBe('GET');
    // The tab's next commit removes it; closing the tab forgets it too.
    await nav.onCommitted.trigger({ tabId, frameId: 0, url: 'https://shop.example/done', transitionType: 'link', timeStamp: 4 });
    await settle();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    expect(await fresh.committedMethod(tabId, 'https://shop.example/pay')).toBe('GET');
    await nav.onCommitted.trigger({ tabId, frameId: 0, url: 'https://shop.example/pay', transitionType: 'form_submit', timeStamp: 5 });
    await settle();
    const store = await import('../../../src/platform/store');
    await store.forgetTab(tabId);
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('frames and prerendered pages are not page loads', async () => {
    await nav.onCompleted.trigger({ tabId, frameId: 3, url: 'https://ads.example/', timeStamp: 1 });
    await nav.onCompleted.trigger({ tabId, frameId: 0, url: 'https://shop.example/next', documentLifecycle: 'prerender', timeStamp: 1 });
    await settle();
    expect(loads).toEqual([]);
  });
});

describe('onNavigationError', () => {
  it('keeps Chrome’s error string and tells frames from the page; skips prerendering', async () => {
    await nav.onErrorOccurred.trigger({
      tabId,
      frameId: 0,
      url: 'https://shop.example/',
      error: 'net::ERR_NAME_NOT_RESOLVED',
      timeStamp: 5,
    });
    await nav.onErrorOccurred.trigger({
      tabId,
      frameId: 7,
      url: 'https://ads.example/',
      error: 'net::ERR_CONNECTION_REFUSED',
      timeStamp: 6,
    });
    await nav.onErrorOccurred.trigger({
      tabId,
      frameId: 0,
      url: 'https://shop.example/x',
      error: 'net::ERR_ABORTED',
      documentLifecycle: 'prerender',
      timeStamp: 7,
    });
    expect(errors).toEqual([
      { tabId, frame: 'main', url: 'https://shop.example/', error: 'net::ERR_NAME_NOT_RESOLVED', method: 'GET', time: 5 },
      { tabId, frame: 'sub', url: 'https://ads.example/', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: 6 },
    ]);
  });

  it('an event without an error string (as Firefox would send) gives an empty one, not a crash', async () => {
    await nav.onErrorOccurred.trigger({ tabId, frameId: 0, url: 'https://shop.example/', timeStamp: 5 });
    expect(errors).toEqual([expect.objectContaining({ error: '' })]);
  });
});

describe('readPageStatus', () => {
  const answer = (result: unknown) => {
    (fakeBrowser as unknown as { scripting: object }).scripting = { executeScript: vi.fn(async () => [{ frameId: 0, result }]) };
  };

  it('the status of the document the tab shows now, fragment aside', async () => {
    answer({ status: 502, href: 'https://shop.example/cart#top' });
    expect(await readPageStatus(tabId, 'https://shop.example/cart')).toBe(502);
  });

  it('undefined when the tab moved on, the browser does not tell, or the answer is odd', async () => {
    answer({ status: 502, href: 'https://elsewhere.example/' });
    expect(await readPageStatus(tabId, 'https://shop.example/cart')).toBeUndefined();
    for (const status of [undefined, 0, 99, 600, 502.5, '502', null]) {
      answer({ status, href: 'https://shop.example/cart' });
      expect(await readPageStatus(tabId, 'https://shop.example/cart')).toBeUndefined();
    }
    answer(undefined);
    expect(await readPageStatus(tabId, 'https://shop.example/cart')).toBeUndefined();
  });

  it('undefined when the page cannot be scripted (the browser’s own error page, a PDF)', async () => {
    (fakeBrowser as unknown as { scripting: object }).scripting = {
      executeScript: vi.fn(async () => {
        throw new Error('Cannot access contents of the page');
      }),
    };
    expect(await readPageStatus(tabId, 'https://shop.example/cart')).toBeUndefined();
  });
});

describe('readPageAnswer', () => {
  const URL = 'https://shop.example/cart';
  const NOW = 1_790_000_000_000;

  it('the status and when the answer arrived (the same at every read of one document, so history counts it once)', () => {
    expect(pageAnswerOf({ status: 502, time: NOW - 1234.6, href: URL }, URL, NOW)).toEqual({ status: 502, time: NOW - 1235 });
  });

  it('a time that is missing, in the future, or older than 10 minutes counts from the read', () => {
    for (const time of [undefined, NaN, '1', NOW + 60_000, NOW - 11 * 60_000, -1]) {
      expect(pageAnswerOf({ status: 503, time, href: URL }, URL, NOW)).toEqual({ status: 503, time: NOW });
    }
  });

  it('nothing for another document, an odd status, or an answer that is not an object', () => {
    expect(pageAnswerOf({ status: 502, time: NOW, href: 'https://elsewhere.example/' }, URL, NOW)).toBeUndefined();
    for (const value of [undefined, null, 502, 'x', [], { status: 502 }, { status: 1e9, href: URL }]) {
      expect(pageAnswerOf(value, URL, NOW)).toBeUndefined();
    }
  });

  it('a page that never answers the read (frozen in the background) is given up after the timeout', async () => {
    (fakeBrowser as unknown as { scripting: object }).scripting = { executeScript: vi.fn(() => new Promise(() => undefined)) };
    const started = Date.now();
    expect(await readPageAnswer(tabId, URL, { timeoutMs: 50 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
