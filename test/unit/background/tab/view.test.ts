// The badge is drawn from what storage says. A schedule redraws its tabs outside their locks, so
// an incident can end between the read and the drawing: the badge must not outlive it.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import type { Incident } from '../../../../src/model/incident';
import { incidentItem } from '../../../../src/core/incident/stored';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
const { syncTabView } = await import('../../../../src/background/tab/view');
const store = await import('../../../../src/platform/store');

const { classify } = await import('../../../../src/core/incident/classify');
const refused = classify({
  kind: 'network',
  url: 'https://shop.example/cart',
  error: 'net::ERR_CONNECTION_REFUSED',
  method: 'GET',
  time: 1_790_000_000_000,
}) as Incident;

beforeEach(() => {
  fakeBrowser.reset();
  fakeBrowser.i18n.getMessage = ((key: string) => key) as typeof fakeBrowser.i18n.getMessage;
});

describe('syncTabView', () => {
  it('draws the incident, and clears the badge of a tab without one', async () => {
    const tab = await fakeBrowser.tabs.create({ url: refused.url });
    await store.write(incidentItem, refused, tab.id!);
    expect(await store.read(incidentItem, tab.id!)).toBeDefined();
    await syncTabView(tab.id!);
    expect(await fakeBrowser.action.getBadgeText({ tabId: tab.id! })).toMatch(/REF$/);
    await store.remove(incidentItem, tab.id!);
    await syncTabView(tab.id!);
    expect(await fakeBrowser.action.getBadgeText({ tabId: tab.id! })).toBe('');
  });

  it('an incident that ends while its badge is being drawn leaves no badge behind', async () => {
    const tab = await fakeBrowser.tabs.create({ url: refused.url });
    const tabId = tab.id!;
    await store.write(incidentItem, refused, tabId);
    const setBadgeText = fakeBrowser.action.setBadgeText.bind(fakeBrowser.action);
    let ended = false;
    vi.spyOn(fakeBrowser.action, 'setBadgeText').mockImplementation(async (details) => {
      if (!ended && details.text) {
        // The page came back meanwhile: its incident ended and its (empty) badge was drawn first.
        ended = true;
        await store.remove(incidentItem, tabId);
        await setBadgeText({ tabId, text: '' });
      }
      return setBadgeText(details);
    });
    await syncTabView(tabId);
    expect(ended).toBe(true);
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');
  });
});
