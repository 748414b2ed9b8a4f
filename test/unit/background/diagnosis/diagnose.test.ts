// What a diagnosis asks, and of whom: the site itself first, outside services only with consent, never for a private host.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { requested, fakeFetch, failingTab, useDiagnosisWorld } from '../../helpers/fake-diagnosis';
import { appendEntry, historyItem } from '../../../../src/core/present/stored';
import { incidentItem } from '../../../../src/core/incident/stored';
import { consentItem } from '../../../../src/core/settings/stored';

const { diagnoseTab, diagnoseHost, dropDiagnosis } = await import('../../../../src/background/diagnosis/diagnose');
const store = await import('../../../../src/platform/store');
const { noteSiteAnswered } = await import('../../../../src/platform/reachability');

useDiagnosisWorld();
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
    await store.write(consentItem, { connectivity: false, dns: true, vantage: false, statusPage: false, archive: true });
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
    await store.write(consentItem, { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true });
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
    await store.write(consentItem, { connectivity: true, dns: false, vantage: false, statusPage: false, archive: false });
    const { tabId, incident } = await failingTab('https://shop.example/orders/42?token=SECRET');
    const record = await diagnoseTab(tabId, incident, { outside: true });
    expect(new Set(requested.map((u) => new URL(u).hostname))).toEqual(new Set(['shop.example', 'www.gstatic.com', 'cloudflare.com']));
    for (const u of requested.filter((x) => !x.includes('shop.example'))) expect(u).not.toMatch(/shop|SECRET|orders/);
    expect(record?.evidence.find((e) => e.check === 'connectivity')?.outcome).toMatchObject({ kind: 'online' });
  });

  it('the automatic run after an incident is local only, whatever was consented', async () => {
    await store.write(consentItem, { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true });
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
    await store.update(historyItem, (list) => appendEntry(list, other));
    await store.update(historyItem, (list) => appendEntry(list, incident));
    const local = await diagnoseTab(tabId, incident, { outside: false });
    const entry = async (time: number) => (await store.read(historyItem)).find((e) => e.time === time);
    // Local checks alone never say "for everyone": the entry keeps what the visitor was told.
    expect(local!.verdict.kind).toBe('down-for-everyone');
    expect((await entry(incident.time))?.verdict).toBe('site-failing');
    await store.write(consentItem, { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true });
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
        if (new URL(String(input)).hostname === 'shop.example') await store.write(incidentItem, newer, tabId); // the tab failed again meanwhile
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
    await store.write(consentItem, { connectivity: true, dns: false, vantage: false, statusPage: false, archive: false });
    expect((await diagnoseHost('shop.example'))?.outside).toBe(false); // the baseline asks nothing about the site
    await store.write(consentItem, { connectivity: false, dns: false, vantage: true, statusPage: false, archive: false });
    expect((await diagnoseHost('shop.example'))?.outside).toBe(true);
  });

  it('"check any site" refuses what is not a host name', async () => {
    await expect(diagnoseHost('')).rejects.toThrow();
    await expect(diagnoseHost('http://')).rejects.toThrow();
  });
});
