// Who may ask the worker what: extension pages anything; a content script in a tab's top frame
// (the panel, the status read's title watch) only the panel's requests and `page-title`, bound to
// the tab and address the browser names; anyone else gets no answer.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const page = vi.fn(async (_m: unknown) => 'page');
const panel = vi.fn(async (_m: unknown, _tabId: number) => 'panel');
const pageTitle = vi.fn(async (_tabId: number, _url: string, _title: string) => 'title');
const onMessage = fakeBrowser.runtime.onMessage as unknown as { trigger: (m: unknown, s: unknown) => Promise<unknown[]> };
const send = async (message: unknown, sender: object) => (await onMessage.trigger(message, sender)).filter((r) => r !== undefined);

const topFrame = { id: fakeBrowser.runtime.id, tab: { id: 7 }, frameId: 0, url: 'https://app.example/inbox' };

beforeAll(async () => {
  const { serveMessages } = await import('../../../src/platform/message-server');
  serveMessages({ page, panel, pageTitle });
});
beforeEach(() => {
  page.mockClear();
  panel.mockClear();
  pageTitle.mockClear();
});

describe('page-title', () => {
  it('from our content script in a top frame: the tab and address are the browser’s, the title the page’s', async () => {
    expect(await send({ type: 'page-title', title: '502 Bad Gateway' }, topFrame)).toEqual([{ ok: true, value: 'title' }]);
    expect(pageTitle).toHaveBeenCalledWith(7, 'https://app.example/inbox', '502 Bad Gateway');
  });

  it('from a sub-frame, another extension, a sender without a tab, or a page that is not a web page: no answer, no handler', async () => {
    const message = { type: 'page-title', title: '502 Bad Gateway' };
    for (const sender of [
      { ...topFrame, frameId: 3 },
      { ...topFrame, id: 'someone-else' },
      { ...topFrame, tab: undefined },
      { ...topFrame, url: 'file:///home/me/502.html' },
      { ...topFrame, url: undefined },
    ])
      expect(await send(message, sender)).toEqual([]);
    expect(pageTitle).not.toHaveBeenCalled();
    expect(page).not.toHaveBeenCalled();
  });

  it('a malformed one is refused; a content script cannot send a page’s request', async () => {
    expect(await send({ type: 'page-title', title: 'x'.repeat(2000) }, topFrame)).toEqual([{ ok: false, error: 'malformed message' }]);
    expect(await send({ type: 'retry-now', tabId: 7 }, topFrame)).toEqual([]);
    expect(pageTitle).not.toHaveBeenCalled();
    expect(page).not.toHaveBeenCalled();
  });

  it('from an extension page it goes to the page handler (which refuses it: titles come from pages)', async () => {
    const own = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') };
    await send({ type: 'page-title', title: 'x' }, own);
    expect(page).toHaveBeenCalledTimes(1);
    expect(pageTitle).not.toHaveBeenCalled();
  });
});

describe('the panel', () => {
  it('its requests are served for the tab the browser names', async () => {
    expect(await send({ type: 'panel-state' }, topFrame)).toEqual([{ ok: true, value: 'panel' }]);
    expect(panel).toHaveBeenCalledWith({ type: 'panel-state' }, 7);
    expect(await send({ type: 'panel-state' }, { ...topFrame, frameId: 2 })).toEqual([]);
  });
});
