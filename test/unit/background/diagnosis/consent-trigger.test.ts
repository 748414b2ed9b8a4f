import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { consentItem } from '../../../../src/core/settings/stored';
import { incidentItem } from '../../../../src/core/incident/stored';
import { diagnosisItem } from '../../../../src/core/diagnosis/stored';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
const diagnoseTab = vi.fn(async () => undefined);
vi.mock('../../../../src/background/diagnosis/diagnose', () => ({ diagnoseTab }));
const clearCrowdCache = vi.fn();
vi.mock('../../../../src/platform/crowd-client', () => ({ clearCrowdCache }));
/** The tab the visitor is looking at. */
let active: { id: number; url: string } | undefined;
/** Tabs shown in their window, and private (incognito) ones. */
let shown = new Set<number>();
let incognito = new Set<number>();
vi.mock('../../../../src/platform/tabs', () => ({ isTabActive: async (id: number) => shown.has(id) }));
vi.mock('../../../../src/platform/tab-info', () => ({
  activeTab: async () => active,
  getTab: async (id: number) => ({ url: 'https://shop.example/', incognito: incognito.has(id) }),
}));

const { consentChanged, crowdChanged, diagnoseNewIncident, tabLookedAt } =
  await import('../../../../src/background/diagnosis/consent-trigger');
const store = await import('../../../../src/platform/store');
const { classify } = await import('../../../../src/core/incident/classify');

const none = { connectivity: false, dns: false, vantage: false, statusPage: false, archive: false };
const incident = classify({
  kind: 'http',
  url: 'https://shop.example/',
  status: 502,
  headers: [{ name: 'server', value: 'nginx' }],
  time: 1000,
})!;

describe('checks run by themselves once consent is given', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    diagnoseTab.mockClear();
  });

  it('runs the outside checks for the incident in the active tab when a source is newly allowed', async () => {
    const tab = (active = { id: 7, url: 'https://shop.example/' });
    await store.write(incidentItem, incident, tab.id);
    expect(await consentChanged(none, { ...none, dns: true })).toBe(true);
    expect(diagnoseTab).toHaveBeenCalledWith(tab.id, incident, { outside: true });
  });

  it('does nothing when nothing was newly allowed, without an incident, or when the popup already asked outside', async () => {
    const tab = (active = { id: 8, url: 'https://shop.example/' });
    expect(await consentChanged({ ...none, dns: true }, { ...none, dns: true })).toBe(false);
    expect(await consentChanged({ ...none, dns: true }, none)).toBe(false);
    expect(await consentChanged(none, { ...none, vantage: true })).toBe(false); // no incident in the tab
    await store.write(incidentItem, incident, tab.id);
    await store.write(
      diagnosisItem,
      {
        host: 'shop.example',
        incidentTime: 1000,
        startedAt: 1000,
        outside: true,
        evidence: [],
        verdict: { kind: 'cant-tell', confidence: 'low', reasons: [] },
        done: false,
      },
      tab.id,
    );
    expect(await consentChanged(none, { ...none, archive: true })).toBe(false);
    expect(diagnoseTab).not.toHaveBeenCalled();
  });
});

describe('once a source that asks about the site is allowed, checks run by themselves for the tab looked at', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    diagnoseTab.mockClear();
    shown = new Set();
    incognito = new Set();
  });

  it('a new incident: outside too in the tab looked at, with consent; otherwise local only', async () => {
    shown = new Set([1]);
    await diagnoseNewIncident(1, incident, false);
    expect(diagnoseTab).toHaveBeenLastCalledWith(1, incident, { outside: false }); // no consent yet
    await store.write(consentItem, { ...none, connectivity: true });
    await diagnoseNewIncident(1, incident, false);
    expect(diagnoseTab).toHaveBeenLastCalledWith(1, incident, { outside: false }); // the baseline asks nothing about the site
    await store.write(consentItem, { ...none, vantage: true });
    await diagnoseNewIncident(1, incident, false);
    expect(diagnoseTab).toHaveBeenLastCalledWith(1, incident, { outside: true });
    await diagnoseNewIncident(2, incident, false);
    expect(diagnoseTab).toHaveBeenLastCalledWith(2, incident, { outside: false }); // a background tab
    shown.add(3);
    await diagnoseNewIncident(3, incident, true);
    expect(diagnoseTab).toHaveBeenLastCalledWith(3, incident, { outside: false }); // a private window
    const local = classify({ kind: 'http', url: 'http://192.168.1.1/', status: 502, headers: [], time: 1000 })!;
    await diagnoseNewIncident(1, local, false);
    expect(diagnoseTab).toHaveBeenLastCalledWith(1, local, { outside: false }); // a private host
  });

  it('switching to a failing tab runs the outside checks it has not had yet', async () => {
    await store.write(consentItem, { ...none, dns: true });
    expect(await tabLookedAt(4)).toBe(false); // no incident
    await store.write(incidentItem, incident, 4);
    expect(await tabLookedAt(4)).toBe(true);
    expect(diagnoseTab).toHaveBeenLastCalledWith(4, incident, { outside: true });
    await store.write(
      diagnosisItem,
      {
        host: 'shop.example',
        incidentTime: incident.time,
        startedAt: 1000,
        outside: true,
        evidence: [],
        verdict: { kind: 'cant-tell', confidence: 'low', reasons: [] },
        done: true,
      },
      4,
    );
    diagnoseTab.mockClear();
    expect(await tabLookedAt(4)).toBe(false); // already asked outside
    incognito.add(5);
    await store.write(incidentItem, incident, 5);
    expect(await tabLookedAt(5)).toBe(false); // a private window
    await store.write(consentItem, none);
    await store.write(incidentItem, incident, 6);
    expect(await tabLookedAt(6)).toBe(false); // consent withdrawn
    expect(diagnoseTab).not.toHaveBeenCalled();
  });

  it('a page that failed on DNS (an intranet name after a VPN drop): outside checks wait for the click, whatever the path', async () => {
    const intranet = classify({
      kind: 'network',
      url: 'https://wiki.corp.example.com/page',
      error: 'net::ERR_NAME_NOT_RESOLVED',
      time: 1000,
    })!;
    expect(intranet.netError).toBe('dns');
    await store.write(consentItem, { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true });
    shown = new Set([9]);
    await diagnoseNewIncident(9, intranet, false);
    expect(diagnoseTab).toHaveBeenLastCalledWith(9, intranet, { outside: false });
    await store.write(incidentItem, intranet, 9);
    expect(await tabLookedAt(9)).toBe(false);
    active = { id: 9, url: intranet.url };
    expect(await consentChanged(none, { ...none, vantage: true })).toBe(false);
    expect(diagnoseTab).not.toHaveBeenCalledWith(9, intranet, { outside: true });
  });
});

describe('the crowd opt-in just given', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    diagnoseTab.mockClear();
  });
  const off = { optIn: false, serviceUrl: null };
  const on = { optIn: true, serviceUrl: null };

  it('forgets the service’s answers held in memory when withdrawn or given for another address, not otherwise', async () => {
    clearCrowdCache.mockClear();
    await crowdChanged(on, off);
    expect(clearCrowdCache).toHaveBeenCalledTimes(1);
    await crowdChanged(on, { optIn: true, serviceUrl: 'https://crowd.example/' });
    expect(clearCrowdCache).toHaveBeenCalledTimes(2);
    await crowdChanged(on, on);
    expect(clearCrowdCache).toHaveBeenCalledTimes(2);
  });

  it('looks again at the active tab’s incident, keeping whether it spoke from outside', async () => {
    const tab = (active = { id: 21, url: 'https://shop.example/' });
    await store.write(incidentItem, incident, tab.id);
    expect(await crowdChanged(off, on)).toBe(true);
    expect(diagnoseTab).toHaveBeenCalledWith(tab.id, incident, { outside: false });
  });

  it('does nothing when it was already on, is turned off, without an incident, or when the row is already there', async () => {
    const tab = (active = { id: 22, url: 'https://shop.example/' });
    expect(await crowdChanged(off, on)).toBe(false); // no incident
    await store.write(incidentItem, incident, tab.id);
    expect(await crowdChanged(on, on)).toBe(false);
    expect(await crowdChanged(on, off)).toBe(false);
    const summary = { key: 'crowdTooFew' };
    await store.write(
      diagnosisItem,
      {
        host: 'shop.example',
        incidentTime: 1000,
        startedAt: 1000,
        outside: true,
        evidence: [{ check: 'crowd', outcome: { kind: 'none', reason: 'network' }, summary, ms: 1 }],
        verdict: { kind: 'cant-tell', confidence: 'low', reasons: [] },
        done: true,
      },
      tab.id,
    );
    expect(await crowdChanged(off, on)).toBe(false);
    expect(diagnoseTab).not.toHaveBeenCalled();
  });
});
