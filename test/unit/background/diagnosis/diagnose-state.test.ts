// A diagnosis's state: outside services' back-off and cache survive the worker, a refusing storage area does not stall it, private windows keep their own.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { requested, fakeFetch, failingTab, useDiagnosisWorld } from '../../helpers/fake-diagnosis';
import { consentItem } from '../../../../src/core/settings/stored';

const { diagnoseTab } = await import('../../../../src/background/diagnosis/diagnose');
const store = await import('../../../../src/platform/store');

useDiagnosisWorld();
describe('outside services state survives the worker', () => {
  /** A fresh worker: the module (and anything it kept in memory) loaded again, storage as it was. */
  async function restartedWorker(): Promise<typeof import('../../../../src/background/diagnosis/diagnose')> {
    vi.resetModules();
    return import('../../../../src/background/diagnosis/diagnose');
  }

  let asked = 0;
  const dohAsked = (): number => requested.filter((u) => new URL(u).hostname === 'cloudflare-dns.com').length;

  async function answer429ThenRestart(): Promise<typeof import('../../../../src/background/diagnosis/diagnose')> {
    await store.write(consentItem, { connectivity: false, dns: true, vantage: false, statusPage: false, archive: false });
    vi.stubGlobal(
      'fetch',
      vi.fn((input: RequestInfo | URL) =>
        new URL(String(input)).hostname === 'cloudflare-dns.com'
          ? (requested.push(String(input)), Promise.resolve(new Response('slow down', { status: 429, headers: { 'retry-after': '600' } })))
          : fakeFetch(input),
      ),
    );
    const worker = await restartedWorker();
    await worker.diagnoseHost('first.example');
    asked = dohAsked();
    expect(asked).toBeGreaterThan(0);
    vi.stubGlobal('fetch', vi.fn(fakeFetch));
    return restartedWorker();
  }

  it('a 429 back-off is kept in storage.session and honoured by the next worker', async () => {
    const worker = await answer429ThenRestart();
    const { limits } = await fakeBrowser.storage.session.get('limits');
    expect((limits as Record<string, { blockedUntil?: number }>)['doh:Cloudflare']?.blockedUntil).toBeGreaterThan(Date.now() + 590_000);
    await worker.diagnoseHost('second.example');
    expect(dohAsked()).toBe(asked); // nothing more to the service that said 429
    expect(requested.some((u) => new URL(u).hostname === 'dns.google')).toBe(true); // the other resolver still is
  });

  it('without the saved state the next worker would ask again (the test can fail)', async () => {
    const worker = await answer429ThenRestart();
    await fakeBrowser.storage.session.remove('limits');
    await worker.diagnoseHost('second.example');
    expect(dohAsked()).toBeGreaterThan(asked);
  });

  it('outside evidence is cached across a worker restart', async () => {
    await store.write(consentItem, { connectivity: false, dns: true, vantage: false, statusPage: false, archive: false });
    await (await restartedWorker()).diagnoseHost('shop.example');
    const before = requested.length;
    const record = await (await restartedWorker()).diagnoseHost('shop.example');
    expect(record?.evidence.find((e) => e.check === 'dns')).toMatchObject({ cached: true });
    expect(requested.slice(before).some((u) => u.includes('dns-query') || u.includes('dns.google'))).toBe(false);
  });
});

describe('a storage area that refuses writes', () => {
  it('does not stall the diagnosis: it still finishes with a verdict', async () => {
    const { tabId, incident } = await failingTab('https://shop.example/');
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const set = vi.spyOn(fakeBrowser.storage.session, 'set').mockRejectedValue(new Error('QUOTA_BYTES quota exceeded'));
    try {
      const record = await diagnoseTab(tabId, incident, { outside: false });
      expect(record).toMatchObject({ done: true, verdict: { kind: expect.any(String) } });
    } finally {
      set.mockRestore();
    }
  });
});

describe('private windows never share "check any site" or the evidence cache with normal ones', () => {
  const fresh = async (): Promise<typeof import('../../../../src/background/diagnosis/diagnose')> => {
    vi.resetModules();
    return import('../../../../src/background/diagnosis/diagnose');
  };
  const cachedHosts = async (key: string): Promise<string[]> =>
    Object.keys(((await fakeBrowser.storage.session.get(key))[key] ?? {}) as object).map((k) => k.split('|')[1]!);

  it('a check typed in a private window is shown only in private windows', async () => {
    const { popupState } = await import('../../../../src/background/pages/popup-state');
    await (await fresh()).diagnoseHost('clinic.example', { inPrivate: true });
    const keys = Object.keys(await fakeBrowser.storage.session.get(null));
    expect(keys).toContain('diagnosis:site-private');
    expect(keys).not.toContain('diagnosis:site');
    expect((await popupState(undefined, '', false)).siteCheck).toBeUndefined();
    expect((await popupState(undefined, '', true)).siteCheck?.host).toBe('clinic.example');
  });

  it("a private window's outside answers are cached apart: a normal window's check asks again", async () => {
    await store.write(consentItem, { connectivity: false, dns: true, vantage: false, statusPage: false, archive: false });
    await (await fresh()).diagnoseHost('clinic.example', { inPrivate: true });
    expect(await cachedHosts('evidence-cache-private')).toContain('clinic.example');
    expect(await cachedHosts('evidence-cache')).not.toContain('clinic.example');
    const before = requested.length;
    const normal = await (await fresh()).diagnoseHost('clinic.example');
    expect(normal?.evidence.find((e) => e.check === 'dns')).not.toMatchObject({ cached: true });
    expect(requested.slice(before).some((u) => u.includes('dns-query') || u.includes('dns.google'))).toBe(true);
  });

  it("a private tab's diagnosis uses the private cache", async () => {
    await store.write(consentItem, { connectivity: false, dns: true, vantage: false, statusPage: false, archive: false });
    const { tabId, incident } = await failingTab('https://clinic.example/appointments');
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: true }));
    await (await fresh()).diagnoseTab(tabId, incident, { outside: true });
    expect(await cachedHosts('evidence-cache-private')).toContain('clinic.example');
    expect(await cachedHosts('evidence-cache')).toEqual([]);
    vi.restoreAllMocks();
  });
});
