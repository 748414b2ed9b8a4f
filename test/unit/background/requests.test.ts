import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { handleRequest } = await import('../../../src/background/requests');

beforeEach(() => fakeBrowser.reset());

describe("clear this site's data", () => {
  it('is refused for a tab in a private window: browsingData could reach the regular profile', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://shop.example/' });
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: true }));
    const removed = vi.spyOn(fakeBrowser.browsingData, 'remove');
    await expect(handleRequest({ type: 'clear-site-data', tabId: tab.id!, cookies: true } as never)).rejects.toThrow(/private window/);
    expect(removed).not.toHaveBeenCalled();
  });
});

describe('"don\'t show on this site" from a private window', () => {
  it('closes the panel but writes nothing that outlives the session', async () => {
    const { handlePanelRequest } = await import('../../../src/background/panel');
    const { writeIncident } = await import('../../../src/platform/storage');
    const { classify } = await import('../../../src/core/classify');
    const url = 'https://secret-clinic.example/';
    const tab = await fakeBrowser.tabs.create({ url });
    await writeIncident(tab.id!, classify({ kind: 'http', url, status: 502, headers: [], time: Date.now() })!);
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: true }));
    expect(await handlePanelRequest({ type: 'panel-hide-site' } as never, tab.id!)).toEqual({ hidden: true });
    const kept = JSON.stringify([await fakeBrowser.storage.sync.get(null), await fakeBrowser.storage.local.get(null)]);
    expect(kept).not.toContain('secret-clinic');
  });
});
