import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { diagnoseTab, diagnoseHost, dropDiagnosis } = await import('../../../../src/background/diagnosis/diagnose');
const { appendHistory, readHistory, writeIncident } = await import('../../../../src/platform/storage');
const { writeConsent } = await import('../../../../src/platform/consent');
const { noteSiteAnswered } = await import('../../../../src/platform/reachability');
const { classify } = await import('../../../../src/core/incident/classify');
type Incident = import('../../../../src/model/incident').Incident;

/** Every request the worker makes, answered like a world where the site is down and everything else works. */
let requested: string[] = [];
function fakeFetch(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(String(input));
  requested.push(url.href);
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  if (url.hostname === 'www.gstatic.com') return Promise.resolve(new Response(null, { status: 204 }));
  if (url.hostname === 'cloudflare.com') return Promise.resolve(new Response('fl=1\nvisit_scheme=https\n', { status: 200 }));
  if (url.hostname === 'cloudflare-dns.com' || url.hostname === 'dns.google')
    return Promise.resolve(json({ Status: 0, Answer: [{ name: 'shop.example.', type: 1, TTL: 60, data: '93.184.216.34' }] }));
  if (url.hostname === 'archive.org') return Promise.resolve(json({ archived_snapshots: {} }));
  return Promise.resolve(new Response('bad gateway', { status: 502 }));
}

/** A tab whose page failed with a 502, and its incident as detection stored it. */
async function failingTab(url: string): Promise<{ tabId: number; incident: Incident }> {
  const tab = await fakeBrowser.tabs.create({ url });
  const incident = classify({
    kind: 'http',
    url,
    status: 502,
    headers: [{ name: 'server', value: 'nginx' }],
    ip: '93.184.216.34',
    time: Date.now(),
  })!;
  await writeIncident(tab.id!, incident);
  return { tabId: tab.id!, incident };
}

// Connectivity evidence is shared by every host for 30 s (checks/run.ts): each test starts a minute later.
let clock = Date.UTC(2026, 10, 26, 9, 0, 0);

afterEach(() => {
  vi.useRealTimers();
});

beforeEach(() => {
  clock += 61_000;
  vi.useFakeTimers({ toFake: ['Date'], now: clock });
  fakeBrowser.reset();
  requested = [];
  vi.stubGlobal('fetch', vi.fn(fakeFetch));
});

describe('diagnosis privacy', () => {
  it('before any consent, only the site itself is asked', async () => {
    const { tabId, incident } = await failingTab('https://shop.example/orders/42?token=SECRET');
    const record = await diagnoseTab(tabId, incident, { outside: true });
    const hosts = new Set(requested.map((u) => new URL(u).hostname));
    expect([...hosts].sort()).toEqual(['shop.example']);
    expect(record?.evidence.find((e) => e.check === 'connectivity')?.outcome).toMatchObject({ kind: 'none', reason: 'not-consented' });
    const toOthers = requested.filter((u) => new URL(u).hostname !== 'shop.example').join(' ');
    expect(toOthers).not.toContain('SECRET');
    expect(toOthers).not.toContain('/orders');
    // The site itself is asked for the failing page again (not just its home page), never its query (a one-time token).
    expect(requested).toContain('https://shop.example/orders/42');
    expect(requested.join(' ')).not.toContain('SECRET');
    expect(record?.evidence.find((e) => e.check === 'dns')?.outcome).toMatchObject({ kind: 'none', reason: 'not-consented' });
    expect(record?.done).toBe(true);
  });

  it('with consent for DNS and the archive, those are asked with the host name only', async () => {
    await writeConsent({ connectivity: false, dns: true, vantage: false, statusPage: false, archive: true });
    const { tabId, incident } = await failingTab('https://shop.example/orders/42?token=SECRET');
    await diagnoseTab(tabId, incident, { outside: true });
    const outside = requested.filter(
      (u) => !/shop\.example|gstatic|cloudflare\.com\/cdn-cgi/.test(new URL(u).hostname + new URL(u).pathname),
    );
    expect(outside.length).toBeGreaterThan(0);
    for (const u of outside) {
      expect(u).not.toContain('SECRET');
      expect(u).not.toContain('orders');
    }
    expect(outside.some((u) => u.includes('cloudflare-dns.com') && u.includes('name=shop.example'))).toBe(true);
    expect(requested.some((u) => u.includes('check-host') || u.includes('globalping'))).toBe(false);
  });

  it('a private host never leaves the browser, even with every consent given', async () => {
    await writeConsent({ connectivity: true, dns: true, vantage: true, statusPage: true, archive: true });
    const { tabId, incident } = await failingTab('http://192.168.1.20:8080/admin');
    await diagnoseTab(tabId, incident, { outside: true });
    const hosts = new Set(requested.map((u) => new URL(u).hostname));
    expect([...hosts].sort()).toEqual(['192.168.1.20']);
  });

  it('online, from another site the browser loaded a moment ago: nobody else is asked', async () => {
    await noteSiteAnswered('https://news.example/today', Date.now() - 20_000);
    await noteSiteAnswered('https://shop.example/', Date.now() - 1_000); // the failing site's own loads do not count
    const { tabId, incident } = await failingTab('https://shop.example/cart');
    const record = await diagnoseTab(tabId, incident, { outside: true });
    const online = record?.evidence.find((e) => e.check === 'online');
    expect(online?.outcome).toMatchObject({ kind: 'online' });
    expect((online?.outcome as { agoMs: number }).agoMs).toBeGreaterThanOrEqual(20_000);
    expect(online?.summary).toEqual({ key: 'check_online_recent', subs: [expect.stringMatching(/^2\d$/)] });
    expect(new Set(requested.map((u) => new URL(u).hostname))).toEqual(new Set(['shop.example']));
    const stored = await fakeBrowser.storage.session.get('reachability');
    expect(JSON.stringify(stored)).not.toMatch(/news|shop/); // buckets, never names
  });

  // Each write reads the record and writes it back: two pages answering moments apart (a start page,
  // then the page that fails) both read the old record, and the second write dropped the first site.
  it('two sites answering at the same moment are both kept (the failing one does not overwrite the other)', async () => {
    await Promise.all([noteSiteAnswered('https://news.example/today', Date.now() - 500), noteSiteAnswered('https://shop.example/cart')]);
    const { tabId, incident } = await failingTab('https://shop.example/cart');
    const record = await diagnoseTab(tabId, incident, { outside: false });
    expect(record?.evidence.find((e) => e.check === 'online')?.outcome).toMatchObject({ kind: 'online' });
  });

  it('no other site answered lately: the browser has nothing to say, and still nobody is asked', async () => {
    await noteSiteAnswered('https://news.example/today', Date.now() - 61_000);
    const { tabId, incident } = await failingTab('https://shop.example/cart');
    const record = await diagnoseTab(tabId, incident, { outside: true });
    expect(record?.evidence.find((e) => e.check === 'online')?.outcome).toEqual({ kind: 'none', reason: 'not-applicable' });
    expect(new Set(requested.map((u) => new URL(u).hostname))).toEqual(new Set(['shop.example']));
  });

  it('with consent to the connectivity test, the baseline endpoints are asked, and nothing about the site', async () => {
    await writeConsent({ connectivity: true, dns: false, vantage: false, statusPage: false, archive: false });
    const { tabId, incident } = await failingTab('https://shop.example/orders/42?token=SECRET');
    const record = await diagnoseTab(tabId, incident, { outside: true });
    expect(new Set(requested.map((u) => new URL(u).hostname))).toEqual(new Set(['shop.example', 'www.gstatic.com', 'cloudflare.com']));
    for (const u of requested.filter((x) => !x.includes('shop.example'))) expect(u).not.toMatch(/shop|SECRET|orders/);
    expect(record?.evidence.find((e) => e.check === 'connectivity')?.outcome).toMatchObject({ kind: 'online' });
  });

  it('the automatic run after an incident is local only, whatever was consented', async () => {
    await writeConsent({ connectivity: true, dns: true, vantage: true, statusPage: true, archive: true });
    const { tabId, incident } = await failingTab('https://shop.example/');
    await diagnoseTab(tabId, incident, { outside: false });
    expect(requested.some((u) => /dns|check-host|globalping|archive|status\./.test(u))).toBe(false);
  });

  it('keeps progress in storage.session and drops it when the tab recovers', async () => {
    const { tabId, incident } = await failingTab('https://shop.example/');
    await diagnoseTab(tabId, incident, { outside: false });
    const key = `diagnosis:${tabId}`;
    expect((await fakeBrowser.storage.session.get(key))[key]).toMatchObject({
      host: 'shop.example',
      done: true,
      verdict: { kind: expect.any(String) },
    });
    await dropDiagnosis(tabId);
    expect((await fakeBrowser.storage.session.get(key))[key]).toBeUndefined();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({}); // nothing on disk
  });

  it("the incident's history entry keeps the verdict of its latest diagnosis; others are left alone", async () => {
    const { tabId, incident } = await failingTab('https://shop.example/');
    const other = { ...incident, time: incident.time - 60_000 };
    await appendHistory(other);
    await appendHistory(incident);
    const local = await diagnoseTab(tabId, incident, { outside: false });
    const entry = async (time: number) => (await readHistory()).find((e) => e.time === time);
    // Local checks alone never say "for everyone": the entry keeps what the visitor was told.
    expect(local!.verdict.kind).toBe('down-for-everyone');
    expect((await entry(incident.time))?.verdict).toBe('site-failing');
    await writeConsent({ connectivity: true, dns: true, vantage: true, statusPage: true, archive: true });
    const outside = await diagnoseTab(tabId, incident, { outside: true });
    expect(outside!.outside).toBe(true);
    expect((await entry(incident.time))?.verdict).toBe(outside!.verdict.kind);
    expect((await entry(other.time))?.verdict).toBeUndefined();
  });

  it("a newer incident recorded while the checks wait on the network: the old one's result is not saved over it", async () => {
    const { tabId, incident } = await failingTab('https://shop.example/');
    const newer = { ...incident, status: 504, time: incident.time + 1 };
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        if (new URL(String(input)).hostname === 'shop.example') await writeIncident(tabId, newer); // the tab failed again meanwhile
        return fakeFetch(input);
      }),
    );
    expect(await diagnoseTab(tabId, incident, { outside: false })).toMatchObject({ done: true, incidentTime: incident.time });
    const key = `diagnosis:${tabId}`;
    const stored = (await fakeBrowser.storage.session.get(key))[key] as { done?: boolean } | undefined;
    expect(stored?.done).not.toBe(true);
  });

  it('"check any site" speaks from outside only when a source that asks about the site is allowed', async () => {
    expect((await diagnoseHost('shop.example'))?.outside).toBe(false); // no consent: local checks only
    await writeConsent({ connectivity: true, dns: false, vantage: false, statusPage: false, archive: false });
    expect((await diagnoseHost('shop.example'))?.outside).toBe(false); // the baseline asks nothing about the site
    await writeConsent({ connectivity: false, dns: false, vantage: true, statusPage: false, archive: false });
    expect((await diagnoseHost('shop.example'))?.outside).toBe(true);
  });

  it('"check any site" refuses what is not a host name', async () => {
    await expect(diagnoseHost('')).rejects.toThrow();
    await expect(diagnoseHost('http://')).rejects.toThrow();
  });
});

describe('outside services state survives the worker', () => {
  /** A fresh worker: the module (and anything it kept in memory) loaded again, storage as it was. */
  async function restartedWorker(): Promise<typeof import('../../../../src/background/diagnosis/diagnose')> {
    vi.resetModules();
    return import('../../../../src/background/diagnosis/diagnose');
  }

  let asked = 0;
  const dohAsked = (): number => requested.filter((u) => new URL(u).hostname === 'cloudflare-dns.com').length;

  async function answer429ThenRestart(): Promise<typeof import('../../../../src/background/diagnosis/diagnose')> {
    await writeConsent({ connectivity: false, dns: true, vantage: false, statusPage: false, archive: false });
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
    await writeConsent({ connectivity: false, dns: true, vantage: false, statusPage: false, archive: false });
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
    await writeConsent({ connectivity: false, dns: true, vantage: false, statusPage: false, archive: false });
    await (await fresh()).diagnoseHost('clinic.example', { inPrivate: true });
    expect(await cachedHosts('evidence-cache-private')).toContain('clinic.example');
    expect(await cachedHosts('evidence-cache')).not.toContain('clinic.example');
    const before = requested.length;
    const normal = await (await fresh()).diagnoseHost('clinic.example');
    expect(normal?.evidence.find((e) => e.check === 'dns')).not.toMatchObject({ cached: true });
    expect(requested.slice(before).some((u) => u.includes('dns-query') || u.includes('dns.google'))).toBe(true);
  });

  it("a private tab's diagnosis uses the private cache", async () => {
    await writeConsent({ connectivity: false, dns: true, vantage: false, statusPage: false, archive: false });
    const { tabId, incident } = await failingTab('https://clinic.example/appointments');
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: true }));
    await (await fresh()).diagnoseTab(tabId, incident, { outside: true });
    expect(await cachedHosts('evidence-cache-private')).toContain('clinic.example');
    expect(await cachedHosts('evidence-cache')).toEqual([]);
    vi.restoreAllMocks();
  });
});
