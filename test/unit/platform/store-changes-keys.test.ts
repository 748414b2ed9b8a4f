// Pages redraw on the storage keys they drew from, in either area, and on nothing else.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { onKeysChanged } = await import('../../../src/platform/store-changes');

beforeEach(() => fakeBrowser.reset());

describe('onKeysChanged', () => {
  it('reports changes to the keys asked for, in the session and local areas, and stops when told', async () => {
    const seen: string[][] = [];
    const stop = onKeysChanged(
      () => ['incident:3', 'consent'],
      (keys) => seen.push(keys),
    );
    await fakeBrowser.storage.session.set({ 'incident:3': 1, 'incident:4': 1 });
    await fakeBrowser.storage.session.set({ 'retry:https://a.example': 1 });
    await fakeBrowser.storage.local.set({ consent: {}, history: [] });
    await fakeBrowser.storage.sync.set({ consent: {} });
    stop();
    await fakeBrowser.storage.session.set({ 'incident:3': 2 });
    expect(seen).toEqual([['incident:3'], ['consent']]);
  });

  it('asks for the keys at each change: what a page reads changes as it redraws', async () => {
    let keys = ['incident:3'];
    const seen: string[][] = [];
    onKeysChanged(
      () => keys,
      (changed) => seen.push(changed),
    );
    keys = ['retry:https://a.example'];
    await fakeBrowser.storage.session.set({ 'incident:3': 1, 'retry:https://a.example': 1 });
    expect(seen).toEqual([['retry:https://a.example']]);
  });

  it('before a first read, every session change counts but the worker bookkeeping', async () => {
    const seen: string[][] = [];
    onKeysChanged(
      () => undefined,
      (keys) => seen.push(keys),
    );
    await fakeBrowser.storage.session.set({ limits: {}, 'evidence-cache': {} });
    await fakeBrowser.storage.local.set({ history: [] });
    await fakeBrowser.storage.session.set({ 'diagnosis:site': 1, limits: {} });
    expect(seen).toEqual([['diagnosis:site']]);
  });
});
