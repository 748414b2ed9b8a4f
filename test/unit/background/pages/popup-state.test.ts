// The popup's state comes from the worker in one request (the popup loads no storage layer):
// each record read and validated there, as the popup used to read them one by one.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import type { PopupState } from '../../../../src/protocol/messages';
import { incidentItem } from '../../../../src/core/incident/stored';
import { diagnosisItem } from '../../../../src/core/diagnosis/stored';
import { consentAskedItem, consentItem, settingsItem } from '../../../../src/core/settings/stored';
import { watchItem } from '../../../../src/core/retry/stored';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { handleMessage } = await import('../../../../src/background/pages/message-handlers');
const store = await import('../../../../src/platform/store');
const { classify } = await import('../../../../src/core/incident/classify');
const { startWatch } = await import('../../../../src/core/retry/watch');
const { withSitePolicy, DEFAULT_SETTINGS } = await import('../../../../src/core/settings/settings');

const NOW = 1_700_000_000_000;
const URL_502 = 'https://shop.example/cart';
const incident = classify({ kind: 'http', url: URL_502, status: 502, headers: [], method: 'GET', time: NOW })!;
const diagnosis = (host: string, incidentTime?: number) => ({
  host,
  ...(incidentTime !== undefined ? { incidentTime } : {}),
  startedAt: NOW,
  outside: false,
  evidence: [],
  verdict: { kind: 'cant-tell' as const, confidence: 'low' as const, reasons: [] },
  done: true,
});
const popupState = async (body: { tabId?: number; checked?: string; private?: boolean }): Promise<PopupState> =>
  (await handleMessage({ type: 'popup-state', ...body })) as PopupState;

beforeEach(() => fakeBrowser.reset());

describe('popup-state', () => {
  it('a tab with nothing stored: defaults, no incident', async () => {
    expect(await popupState({ tabId: 4 })).toEqual({
      consent: { connectivity: false, dns: false, vantage: false, statusPage: false, archive: false },
      policy: 'default',
      consentDeclined: false,
      guideMarks: {},
      readFrom: ['consent', 'diagnosis:site', 'incident:4', 'recovered:4', 'diagnosis:4', 'consent-asked:4', 'guide:4'],
    });
  });

  it("a tab's incident with its retry, diagnosis, site policy and the consent question's answer", async () => {
    await store.write(incidentItem, incident, 4);
    await store.write(diagnosisItem, diagnosis('shop.example', NOW), 4);
    await store.write(consentAskedItem, NOW, 4);
    await store.write(settingsItem, withSitePolicy({ ...DEFAULT_SETTINGS }, 'shop.example', 'never'));
    await store.write(consentItem, { connectivity: true, dns: false, vantage: false, statusPage: false, archive: false });
    const state = await popupState({ tabId: 4 });
    expect(state).toMatchObject({
      incident: { host: 'shop.example', status: 502 },
      diagnosis: { host: 'shop.example', incidentTime: NOW },
      policy: 'never',
      consentDeclined: true,
      consent: { connectivity: true, dns: false },
    });
    // Another tab: none of it.
    expect(await popupState({ tabId: 5 })).toMatchObject({ policy: 'default', consentDeclined: false });
    expect(await popupState({ tabId: 5 })).not.toHaveProperty('incident');
  });

  it("an earlier incident's diagnosis and 'not now' are not this incident's", async () => {
    await store.write(incidentItem, incident, 4);
    await store.write(diagnosisItem, diagnosis('shop.example', NOW - 60_000), 4);
    await store.write(consentAskedItem, NOW - 60_000, 4);
    const state = await popupState({ tabId: 4 });
    expect(state).not.toHaveProperty('diagnosis');
    expect(state.consentDeclined).toBe(false);
  });

  it('what storage holds is validated: a malformed incident is absent', async () => {
    await fakeBrowser.storage.session.set({ 'incident:4': { url: 'javascript:alert(1)', status: 'x' } });
    expect(await popupState({ tabId: 4 })).not.toHaveProperty('incident');
  });

  it('the watch shown is the one of the site checked, as it was typed (scheme and port kept)', async () => {
    await store.write(diagnosisItem, diagnosis('127.0.0.1'), 'site');
    const watch = startWatch({ url: 'http://127.0.0.1:8080/', host: '127.0.0.1', now: NOW, online: true, random: () => 0.5 });
    await store.write(watchItem, watch);
    expect(await popupState({ checked: 'http://127.0.0.1:8080' })).toMatchObject({ siteCheck: { host: '127.0.0.1' }, watch });
    // Typed as the bare host: https on the default port, not that watch.
    expect(await popupState({ checked: '127.0.0.1' })).not.toHaveProperty('watch');
  });
});

/** The session and local keys the worker reads while answering `body`. */
async function keysRead(body: { tabId?: number; checked?: string; private?: boolean }): Promise<{ read: string[]; state: PopupState }> {
  const read: string[] = [];
  for (const area of [fakeBrowser.storage.session, fakeBrowser.storage.local]) {
    const get = area.get.bind(area);
    vi.spyOn(area, 'get').mockImplementation((keys) => {
      read.push(...(typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys ?? {})));
      return get(keys);
    });
  }
  const state = await popupState(body);
  vi.restoreAllMocks();
  return { read, state };
}

describe('readFrom: the keys the popup redraws on', () => {
  it('names every session and local key the answer was read from, absent ones included', async () => {
    await store.write(incidentItem, incident, 4);
    await store.write(diagnosisItem, diagnosis('127.0.0.1'), 'site');
    await store.write(
      watchItem,
      startWatch({ url: 'http://127.0.0.1:8080/', host: '127.0.0.1', now: NOW, online: true, random: () => 0.5 }),
    );
    for (const body of [{ tabId: 4, checked: 'http://127.0.0.1:8080' }, { tabId: 5 }, { checked: '127.0.0.1', private: true }, {}]) {
      const { read, state } = await keysRead(body);
      expect(new Set(state.readFrom), JSON.stringify(body)).toEqual(new Set(read));
    }
  });

  it("a tab's incident adds its site's retry and the settings; the watched site's watch; a private window its own check", async () => {
    await store.write(incidentItem, incident, 4);
    await store.write(diagnosisItem, diagnosis('127.0.0.1'), 'site');
    const { readFrom } = await popupState({ tabId: 4, checked: 'http://127.0.0.1:8080' });
    expect(readFrom).toEqual(
      expect.arrayContaining(['incident:4', 'retry:https://shop.example', 'settings', 'watch:http://127.0.0.1:8080']),
    );
    expect((await popupState({ tabId: 5 })).readFrom).not.toContain('retry:https://shop.example');
    expect((await popupState({ private: true })).readFrom).toEqual(['consent', 'diagnosis:site-private']);
  });
});

describe('consent from the popup', () => {
  it('set-consent saves what validates, and nothing else', async () => {
    await handleMessage({ type: 'set-consent', consent: { dns: true, evil: true } as never });
    expect(await store.read(consentItem)).toEqual({ connectivity: false, dns: true, vantage: false, statusPage: false, archive: false });
    expect((await fakeBrowser.storage.local.get('consent')).consent).not.toHaveProperty('evil');
  });

  it("consent-not-now is remembered for that tab's incident", async () => {
    await store.write(incidentItem, incident, 4);
    await handleMessage({ type: 'consent-not-now', tabId: 4, incidentTime: NOW });
    expect(await store.read(consentAskedItem, 4)).toBe(NOW);
    expect((await popupState({ tabId: 4 })).consentDeclined).toBe(true);
  });
});
