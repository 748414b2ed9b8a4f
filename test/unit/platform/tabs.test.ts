// Loading a failed page again: Chrome builds never fall back to tabs.reload,
// which would replay a form, not even for a URL with a fragment.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
const { reopenTab } = await import('../../../src/platform/tabs');

const realUpdate = fakeBrowser.tabs.update.bind(fakeBrowser.tabs);
const navigations: string[] = [];
const reloads: number[] = [];

beforeEach(() => {
  fakeBrowser.reset();
  navigations.length = 0;
  reloads.length = 0;
  (fakeBrowser.tabs as unknown as { reload: (id: number) => Promise<void> }).reload = async (id: number) => {
    reloads.push(id);
  };
  (fakeBrowser.tabs as unknown as { update: (id: number, props: { url?: string }) => Promise<unknown> }).update = async (id, props) => {
    const tab = await realUpdate(id, props);
    if (props.url !== undefined) {
      navigations.push(props.url);
      // The fresh page finishes loading a moment later.
      setTimeout(
        () => void fakeBrowser.tabs.onUpdated.trigger(id, { status: 'complete' }, { ...tab, url: props.url, status: 'complete' } as never),
        5,
      );
    }
    return tab;
  };
});

// The simulated "load complete" of one test must not reach the next.
afterEach(() => new Promise((resolve) => setTimeout(resolve, 20)));

describe('reopenTab (Chrome builds)', () => {
  it('loads the URL with a fresh GET navigation, never a reload', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://shop.example/cart' });
    expect(await reopenTab(tab.id!, 'https://shop.example/cart')).toBe(true);
    expect(navigations).toEqual(['https://shop.example/cart']);
    expect(reloads).toEqual([]);
  });

  it('a URL with a fragment: loads the page without it first (a same-page fragment would only scroll), then sets the fragment', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://shop.example/app#/orders/42' });
    expect(await reopenTab(tab.id!, 'https://shop.example/app#/orders/42')).toBe(true);
    expect(navigations).toEqual(['https://shop.example/app', 'https://shop.example/app#/orders/42']);
    expect(reloads).toEqual([]);
  });

  it('a tab that is gone is false, not an error', async () => {
    expect(await reopenTab(987654, 'https://shop.example/#x')).toBe(false);
    expect(reloads).toEqual([]);
  });
});
