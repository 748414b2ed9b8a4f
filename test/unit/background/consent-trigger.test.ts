import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
const diagnoseTab = vi.fn(async () => undefined);
vi.mock('../../../src/background/diagnose', () => ({ diagnoseTab }));
/** The tab the visitor is looking at. */
let active: { id: number; url: string } | undefined;
vi.mock('../../../src/platform/tabs', () => ({ activeTab: async () => active }));

const { consentChanged } = await import('../../../src/background/consent-trigger');
const { writeIncident, writeDiagnosis } = await import('../../../src/platform/storage');
const { classify } = await import('../../../src/core/classify');

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
    await writeIncident(tab.id, incident);
    expect(await consentChanged(none, { ...none, dns: true })).toBe(true);
    expect(diagnoseTab).toHaveBeenCalledWith(tab.id, incident, { outside: true });
  });

  it('does nothing when nothing was newly allowed, without an incident, or when the popup already asked outside', async () => {
    const tab = (active = { id: 8, url: 'https://shop.example/' });
    expect(await consentChanged({ ...none, dns: true }, { ...none, dns: true })).toBe(false);
    expect(await consentChanged({ ...none, dns: true }, none)).toBe(false);
    expect(await consentChanged(none, { ...none, vantage: true })).toBe(false); // no incident in the tab
    await writeIncident(tab.id, incident);
    await writeDiagnosis(tab.id, {
      host: 'shop.example',
      incidentTime: 1000,
      startedAt: 1000,
      outside: true,
      evidence: [],
      verdict: { kind: 'cant-tell', confidence: 'low', reasons: [] },
      done: false,
    });
    expect(await consentChanged(none, { ...none, archive: true })).toBe(false);
    expect(diagnoseTab).not.toHaveBeenCalled();
  });
});
