// Chrome builds read a page's status with executeScript once it has loaded (detect/chrome-load.ts):
// nothing is declared for pages, and a report in the shape older builds' content script sent
// is no longer accepted from anyone.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

describe('a status report as older builds sent it', () => {
  it('is refused as malformed and reaches no handler, even from our own content script in a top frame', async () => {
    const { serveMessages } = await import('../../../src/platform/message-server');
    const page = vi.fn(async () => 'page');
    const panel = vi.fn(async () => 'panel');
    const pageTitle = vi.fn(async () => 'title');
    serveMessages({ page, panel, pageTitle });
    const onMessage = fakeBrowser.runtime.onMessage as unknown as { trigger: (m: unknown, s: unknown) => Promise<unknown[]> };
    const sender = {
      id: fakeBrowser.runtime.id,
      tab: { id: 7 },
      frameId: 0,
      url: 'https://shop.example/cart',
      documentLifecycle: 'active',
    };
    const replies = await onMessage.trigger({ type: 'page-status', status: 502, time: Date.now() }, sender);
    expect(replies.filter((r) => r !== undefined)).toEqual([{ ok: false, error: 'malformed message' }]);
    expect(page).not.toHaveBeenCalled();
    expect(panel).not.toHaveBeenCalled();
    expect(pageTitle).not.toHaveBeenCalled();
  });
});

describe('unregisterLegacyPageStatus', () => {
  // fake-browser has no scripting API: a small in-memory registry that behaves like Chrome's.
  const registry = new Map<string, { id: string; js?: string[] }>();
  const scripting = {
    getRegisteredContentScripts: async ({ ids }: { ids?: string[] } = {}) =>
      [...registry.values()].filter((s) => !ids || ids.includes(s.id)),
    registerContentScripts: async (scripts: Array<{ id: string; js?: string[] }>) => {
      for (const s of scripts) registry.set(s.id, s);
    },
    unregisterContentScripts: async ({ ids }: { ids: string[] }) => {
      for (const id of ids) {
        if (!registry.has(id)) throw new Error(`Nonexistent script ID '${id}'`);
        registry.delete(id);
      }
    },
  };
  (fakeBrowser as unknown as { scripting: typeof scripting }).scripting = scripting;

  it('removes the run-time registration an earlier build left, so no page runs the status read twice', async () => {
    const { unregisterLegacyPageStatus } = await import('../../../src/platform/page-status');
    registry.clear();
    await scripting.registerContentScripts([{ id: 'downcheck-page-status', js: ['src/platform/page-status.content.js'] }]);
    await scripting.registerContentScripts([{ id: 'someone-else', js: ['x.js'] }]);
    await unregisterLegacyPageStatus();
    expect([...registry.keys()]).toEqual(['someone-else']);
    // Every later worker start finds nothing to remove (and does not throw).
    await expect(unregisterLegacyPageStatus()).resolves.toBeUndefined();
  });
});
