// What pages and the worker hear of storage changes (platform/store-changes.ts), on the fake browser.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { incidentItem } from '../../../src/core/incident/stored';
import { diagnosisItem, evidenceCacheItem, limitsItem } from '../../../src/core/diagnosis/stored';
import { consentItem } from '../../../src/core/settings/stored';
import { crowdChoiceItem } from '../../../src/core/crowd/stored';
import { DEFAULT_CONSENT } from '../../../src/core/settings/consent';
import { classify } from '../../../src/core/incident/classify';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const store = await import('../../../src/platform/store');
const { onItemChanged, onItemsChanged, onKeysChanged, watchItem } = await import('../../../src/platform/store-changes');

const incidentAt = (i: number) =>
  classify({ kind: 'http', url: `https://s${i}.example/`, status: 502, method: 'GET', headers: [], time: 1_000_000 + i })!;

beforeEach(() => {
  fakeBrowser.reset();
});

describe('store-changes', () => {
  it('onKeysChanged tells a page about the keys it read, not about others (worker bookkeeping, other tabs)', async () => {
    const seen: string[][] = [];
    const stop = onKeysChanged(
      () => [incidentItem.key(3), diagnosisItem.key(3)],
      (keys) => seen.push(keys),
    );
    await store.write(limitsItem, { 'doh:Cloudflare': { tokens: 1, updatedAt: 1, blockedUntil: 2 } });
    await store.write(evidenceCacheItem, {}, false);
    await store.write(incidentItem, incidentAt(4), 4);
    await store.write(incidentItem, incidentAt(3), 3);
    stop();
    await store.remove(incidentItem, 3);
    expect(seen).toEqual([[incidentItem.key(3)]]);
  });

  it('onItemChanged gives the old and new value, validated (consent: its default for garbage)', async () => {
    const seen: unknown[] = [];
    const stop = onItemChanged(consentItem, (before, after) => seen.push([before?.dns, after.dns]));
    await store.write(consentItem, { ...DEFAULT_CONSENT, dns: true });
    await fakeBrowser.storage.local.set({ consent: 'garbage' });
    stop();
    expect(seen.at(-1)).toEqual([true, false]);
    expect(seen).toHaveLength(2);
  });

  it('onItemsChanged hears several items through one storage listener, each with its own values', async () => {
    const added = vi.spyOn(fakeBrowser.storage.onChanged, 'addListener');
    const seen: unknown[] = [];
    const stop = onItemsChanged([
      watchItem(consentItem, (_before, after) => seen.push(['consent', after.dns])),
      watchItem(crowdChoiceItem, (_before, after) => seen.push(['crowd', after.optIn])),
    ]);
    expect(added).toHaveBeenCalledTimes(1);
    await store.write(consentItem, { ...DEFAULT_CONSENT, dns: true });
    await store.write(crowdChoiceItem, { ...crowdChoiceItem.fallback, optIn: true });
    await store.write(incidentItem, incidentAt(1), 1);
    stop();
    await store.write(consentItem, DEFAULT_CONSENT);
    expect(seen).toEqual([
      ['consent', true],
      ['crowd', true],
    ]);
  });
});
