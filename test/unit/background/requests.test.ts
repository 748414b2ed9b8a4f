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
