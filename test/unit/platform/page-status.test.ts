// What the worker accepts as a report of the status read (page-status.content.ts): only our own
// content script, in a tab's top frame, in the document on screen, about a 5xx.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
const { pageStatusFrom } = await import('../../../src/platform/page-status-report');

const OWN = fakeBrowser.runtime.id;
const sender = (extra: object = {}) => ({
  id: OWN,
  tab: { id: 7 } as never,
  frameId: 0,
  url: 'https://shop.example/cart',
  documentLifecycle: 'active',
  ...extra,
});
const report = { type: 'page-status', status: 502 };

describe('pageStatusFrom', () => {
  it('takes the tab and the address from the sender, never from the message', () => {
    const forged = { ...report, url: 'https://evil.example/', tabId: 1 };
    expect(pageStatusFrom(forged, sender())).toMatchObject({ tabId: 7, url: 'https://shop.example/cart', status: 502 });
  });

  it('refuses other extensions, frames, prerendered documents, extension pages and tab-less senders', () => {
    expect(pageStatusFrom(report, sender({ id: 'another-extension' }))).toBeUndefined();
    expect(pageStatusFrom(report, sender({ frameId: 3 }))).toBeUndefined();
    expect(pageStatusFrom(report, sender({ documentLifecycle: 'prerender' }))).toBeUndefined();
    expect(pageStatusFrom(report, sender({ url: `chrome-extension://${OWN}/src/popup/index.html` }))).toBeUndefined();
    expect(pageStatusFrom(report, sender({ tab: undefined }))).toBeUndefined();
  });

  it('refuses anything but a 5xx status', () => {
    for (const status of [200, 404, 499, 600, 502.5, '502', null]) {
      expect(pageStatusFrom({ type: 'page-status', status }, sender())).toBeUndefined();
    }
    for (const message of [null, 'page-status', { type: 'panel-state' }, []]) expect(pageStatusFrom(message, sender())).toBeUndefined();
  });
});

describe('serveRequests and the status read', () => {
  it('a valid report goes to the strategy that asked for reports, answered once recorded; a forged one does not', async () => {
    const { serveRequests } = await import('../../../src/platform/messaging');
    const reports: unknown[] = [];
    const page = vi.fn(async () => 'page');
    serveRequests({ page, panel: vi.fn(async () => 'panel'), pageStatus: async (s) => void reports.push(s) });
    const onMessage = fakeBrowser.runtime.onMessage as unknown as { trigger: (m: unknown, s: unknown) => Promise<unknown[]> };
    const replies = await onMessage.trigger(report, sender());
    expect(reports).toEqual([expect.objectContaining({ tabId: 7, status: 502 })]);
    // The answer tells the status read it was recorded (a worker stopped first closes the channel instead: it sends again).
    expect(replies.filter((r) => r !== undefined)).toEqual([{ ok: true }]);
    await onMessage.trigger(report, sender({ frameId: 2 }));
    await onMessage.trigger(report, sender({ id: 'another-extension' }));
    expect(reports).toHaveLength(1);
    expect(page).not.toHaveBeenCalled();
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

describe('the time of a report', () => {
  it('is the page’s own when plausible, the time of receipt otherwise', async () => {
    const { reportedTime } = await import('../../../src/platform/page-status-report');
    const now = 1_700_000_000_000;
    expect(reportedTime(now - 1500.4, now)).toBe(now - 1500);
    expect(reportedTime(now, now)).toBe(now);
    for (const bad of [now + 1, now - 10 * 60_000 - 1, Number.NaN, Infinity, -Infinity, '1700000000000', null, undefined, {}])
      expect(reportedTime(bad, now)).toBe(now);
  });

  it('a report sent again carries the same time, so it is one failure', async () => {
    const time = Date.now() - 2000;
    expect(pageStatusFrom({ ...report, time }, sender())?.time).toBe(time);
  });
});

describe('a recording that failed', () => {
  it('is answered { ok: false }, so the status read sends it again', async () => {
    const { serveRequests } = await import('../../../src/platform/messaging');
    fakeBrowser.runtime.onMessage.removeAllListeners?.();
    serveRequests({
      page: vi.fn(async () => 'page'),
      panel: vi.fn(async () => 'panel'),
      pageStatus: async () => {
        throw new Error('QUOTA_BYTES quota exceeded');
      },
    });
    const onMessage = fakeBrowser.runtime.onMessage as unknown as { trigger: (m: unknown, s: unknown) => Promise<unknown[]> };
    const replies = await onMessage.trigger(report, sender());
    expect(replies.filter((r) => r !== undefined)).toEqual([{ ok: false, error: 'QUOTA_BYTES quota exceeded' }]);
  });
});
