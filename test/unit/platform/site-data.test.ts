// Clearing one site's data: `browsingData` is optional, asked for in the visitor's click; without
// the grant nothing is cleared. The permission prompt itself is the browser's: e2e clicks through it.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import source from '../../../manifest.json';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const granted = new Set<string>();
const removed: unknown[][] = [];
const api = fakeBrowser as unknown as Record<string, unknown>;
api.permissions = {
  contains: vi.fn(async ({ permissions = [] }: { permissions?: string[] }) => permissions.every((p) => granted.has(p))),
  request: vi.fn(async ({ permissions = [] }: { permissions?: string[] }) => {
    if (answer === 'refuse') return false;
    for (const p of permissions) granted.add(p);
    return true;
  }),
};
api.browsingData = { remove: vi.fn(async (...args: unknown[]) => void removed.push(args)) };
let answer: 'grant' | 'refuse' = 'grant';

const { clearSiteData, NO_CLEARING_PERMISSION } = await import('../../../src/platform/site-data');
const { requestClearingPermission, hasClearingPermission } = await import('../../../src/platform/clearing-permission');

beforeEach(() => {
  granted.clear();
  removed.length = 0;
  answer = 'grant';
});

describe('the browsingData permission', () => {
  it('is optional in the manifest, never required at install', () => {
    expect(source.permissions).not.toContain('browsingData');
    expect(source.optional_permissions).toEqual(['browsingData']);
  });

  it('without it nothing is cleared: the worker refuses', async () => {
    await expect(clearSiteData('https://shop.example', { cookies: true })).rejects.toThrow(NO_CLEARING_PERMISSION);
    expect(removed).toEqual([]);
  });

  it('asked for and refused: still not granted, nothing cleared', async () => {
    answer = 'refuse';
    expect(await requestClearingPermission()).toBe(false);
    expect(await hasClearingPermission()).toBe(false);
    await expect(clearSiteData('https://shop.example', { cookies: false })).rejects.toThrow(NO_CLEARING_PERMISSION);
  });

  it('asked for and granted: the one site is cleared (Chrome build: by origin)', async () => {
    expect(await requestClearingPermission()).toBe(true);
    expect(await clearSiteData('https://shop.example', { cookies: false })).toEqual({
      cleared: ['cache', 'cacheStorage', 'serviceWorkers'],
      cacheLimitedToSite: true,
    });
    expect(removed).toEqual([[{ origins: ['https://shop.example'] }, { cache: true, cacheStorage: true, serviceWorkers: true }]]);
  });

  it('a request that throws (no user action) counts as refused', async () => {
    vi.mocked((api.permissions as { request: () => Promise<boolean> }).request).mockImplementationOnce(() => {
      throw new Error('permissions.request may only be called from a user input handler');
    });
    expect(await requestClearingPermission()).toBe(false);
  });
});
