// What wakes the background worker while a healthy page loads (the healthy-cost target).
// Chrome builds listen to one webNavigation commit during a load and read the page after it; they
// hold no tabs.onUpdated listener, which Chrome cannot filter (a handful of events per load).
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
// fake-browser has no omnibox or context menus; they never fire during a page load anyway.
vi.mock('../../../src/platform/entry-points', () => ({ onOmniboxEntered: () => undefined, onCheckMenuClicked: () => undefined }));

describe('the worker’s listeners in a Chrome build', () => {
  it('nothing listens to tab updates; webNavigation gives commits, completions, errors and same-document changes', async () => {
    const { DETECTION } = await import('../../../src/platform/web-request');
    expect(DETECTION).toBe('webNavigation');
    await import('../../../src/background/index');
    expect(fakeBrowser.tabs.onUpdated.hasListeners()).toBe(false);
    expect(fakeBrowser.webNavigation.onCommitted.hasListeners()).toBe(true);
    expect(fakeBrowser.webNavigation.onCompleted.hasListeners()).toBe(true);
    expect(fakeBrowser.webNavigation.onErrorOccurred.hasListeners()).toBe(true);
    expect(fakeBrowser.webNavigation.onHistoryStateUpdated.hasListeners()).toBe(true);
    expect(fakeBrowser.webNavigation.onReferenceFragmentUpdated.hasListeners()).toBe(true);
  });
});
