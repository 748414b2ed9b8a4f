import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import v010 from '../../fixtures/storage/0.1.0.json';
import { appendEntry, guideMarksItem, HISTORY_URL_MAX, historyItem, withoutEntry } from '../../../src/core/present/stored';
import { SCHEMA_VERSION } from '../../../src/core/schema/version';
import { incidentItem, responseItem, subframesItem } from '../../../src/core/incident/stored';
import { recoveredItem, retryItem } from '../../../src/core/retry/stored';
import { diagnosisItem, evidenceCacheItem, limitsItem } from '../../../src/core/diagnosis/stored';
import { consentItem, settingsItem } from '../../../src/core/settings/stored';
import { migrateStore } from '../../../src/platform/store-migrate';
import { onKeysChanged } from '../../../src/platform/store-changes';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
// The diagnosis has its own tests; here it must never reach the network.
vi.mock('../../../src/background/diagnosis/diagnose', () => ({
  diagnoseTab: vi.fn(async () => undefined),
  dropDiagnosis: vi.fn(async () => undefined),
}));
vi.mock('../../../src/platform/probe', () => ({ probe: vi.fn(async () => ({ status: 502 })), probeHeaders: vi.fn(async () => ({})) }));

const store = await import('../../../src/platform/store');
const { noteSiteAnswered, otherSiteAnsweredAgoMs } = await import('../../../src/platform/reachability');
const { recordHttpAnswer } = await import('../../../src/background/incident/observe');
const handleFrameResponse = (r: import('../../../src/platform/web-request').FrameResponse) => recordHttpAnswer({ kind: 'http', ...r });
const { classify } = await import('../../../src/core/incident/classify');
const { DEFAULT_SETTINGS, withPanelHidden } = await import('../../../src/core/settings/settings');
type Incident = import('../../../src/model/incident').Incident;

/**
 * For the tests that write hundreds of entries through the size-checking fake area: about 1–4 s on
 * an idle machine, up to 17 s on 2 loaded cores (load average 5–8), past vitest's default 5 s.
 */
const HEAVY_TEST_TIMEOUT_MS = 30_000;

const quotaError = (): Error => new Error('QUOTA_BYTES quota exceeded');

/** Makes an area refuse writes that would take it over `bytes` (JSON of everything in it), as browsers do. */
function limitArea(area: 'local' | 'session' | 'sync', bytes: number, perItem = Infinity): void {
  const target = fakeBrowser.storage[area];
  const set = target.set.bind(target);
  vi.spyOn(target, 'set').mockImplementation(async (items: Record<string, unknown>) => {
    const all = { ...(await target.get(null)), ...items };
    for (const [key, value] of Object.entries(items)) {
      if (key.length + JSON.stringify(value).length > perItem) throw new Error('QUOTA_BYTES_PER_ITEM quota exceeded');
    }
    if (JSON.stringify(all).length > bytes) throw quotaError();
    return set(items);
  });
}

const incidentAt = (i: number, url = `https://s${i}.example/${'p'.repeat(300)}`): Incident =>
  classify({ kind: 'http', url, status: 502, method: 'GET', headers: [{ name: 'server', value: 'nginx' }], time: 1_000_000 + i })!;

beforeEach(() => {
  vi.restoreAllMocks();
  fakeBrowser.reset();
  fakeBrowser.i18n.getMessage = ((key: string) => key) as typeof fakeBrowser.i18n.getMessage;
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('what 0.1.0 stored', () => {
  beforeEach(async () => {
    await fakeBrowser.storage.local.set(v010.local);
    await fakeBrowser.storage.session.set(v010.session);
    await fakeBrowser.storage.sync.set(v010.sync);
  });

  it('reads back through every reader', async () => {
    expect((await store.read(incidentItem, 1))?.url).toBe('https://shop.example/cart?session=abc');
    expect((await store.read(incidentItem, 2))?.kind).toBe('network');
    expect((await store.read(incidentItem, 3))?.kind).toBe('soft');
    expect(await store.read(historyItem)).toHaveLength(5);
    expect(await store.read(subframesItem, 1)).toHaveLength(2);
    expect(await store.read(responseItem, 3)).toMatchObject({ status: 200 });
    expect(await store.read(guideMarksItem, 1)).toEqual({ wait: 'done', 'clear-cache': 'failed' });
    expect(await store.read(recoveredItem, 5)).toMatchObject({ host: 'back.example', probes: 3 });
    expect((await store.readAll(retryItem)).map((r) => r.origin).sort()).toEqual(['https://down.example', 'https://shop.example']);
    expect(await store.read(retryItem, 'https://shop.example')).toMatchObject({ tabs: [1, 4], probes: 1 });
    expect((await store.read(diagnosisItem, 1))?.evidence).toHaveLength(7);
    // Fields added later (the panel and notification switches) read as their defaults.
    expect(await store.read(settingsItem)).toEqual({ ...v010.sync.settings, panel: true, notifications: true });
    // 0.1.0 had no connectivity source (its baseline ran unasked): it reads as not agreed.
    expect(await store.read(consentItem)).toEqual({ connectivity: false, ...v010.local.consent });
  });

  it('is migrated: schema version stored, history cut to origin + path', async () => {
    await migrateStore();
    const local = await fakeBrowser.storage.local.get(null);
    expect(local.schema).toBe(SCHEMA_VERSION);
    for (const entry of local.history as Incident[]) expect(entry.url.length).toBeLessThanOrEqual(HISTORY_URL_MAX);
    expect(JSON.stringify(local).length).toBeLessThan(10_000);
    expect(await store.read(historyItem)).toHaveLength(5);
  });

  it('forgetTab forgets every record of the tab and nothing else', async () => {
    await store.forgetTab(1);
    await store.forgetTab(3);
    const keys = Object.keys(await fakeBrowser.storage.session.get(null)).sort();
    expect(keys).toEqual(['incident:2', 'recovered:5', 'retry:https://down.example', 'retry:https://shop.example']);
  });
});

describe('garbage in storage', () => {
  it('every reader gives absent or a default, and the popup history never throws', async () => {
    const junk = { kind: 'http', url: 42, time: 'yesterday', tabs: 'x', schedule: [], evidence: {}, host: {} };
    const keys = ['incident:1', 'subframes:1', 'response:1', 'diagnosis:1', 'diagnosis:site', 'guide:1', 'recovered:1'];
    keys.push('retry:https://x.example', 'limits', 'evidence-cache');
    await fakeBrowser.storage.session.set(Object.fromEntries(keys.map((k) => [k, junk])));
    const stored = [junk, null, { ...incidentAt(1), time: 'x' }, incidentAt(2)];
    await fakeBrowser.storage.local.set({ history: stored, consent: 'yes', settings: [1], schema: {} });
    await fakeBrowser.storage.sync.set({ settings: 'x'.repeat(1000) });
    expect(await store.read(incidentItem, 1)).toBeUndefined();
    expect(await store.read(subframesItem, 1)).toEqual([]);
    expect(await store.read(responseItem, 1)).toBeUndefined();
    expect(await store.read(diagnosisItem, 1)).toBeUndefined();
    expect(await store.read(diagnosisItem, 'site')).toBeUndefined();
    expect(await store.read(guideMarksItem, 1)).toEqual({});
    expect(await store.read(recoveredItem, 1)).toBeUndefined();
    expect(await store.readAll(retryItem)).toEqual([]);
    expect(await store.read(limitsItem)).toEqual({});
    expect(await store.read(evidenceCacheItem, false)).toEqual({});
    const history = await store.read(historyItem);
    expect(history.map((i) => i.host)).toEqual(['s2.example']);
    for (const entry of history) expect(() => new Date(entry.time).toISOString()).not.toThrow(); // what the popup does
    expect(await store.read(consentItem)).toEqual({ connectivity: false, dns: false, vantage: false, statusPage: false, archive: false });
    expect(await store.read(settingsItem)).toEqual(DEFAULT_SETTINGS);
    await migrateStore();
    expect((await fakeBrowser.storage.local.get('schema')).schema).toBe(SCHEMA_VERSION);
  });
});

describe('history under load', () => {
  it('incidents recorded at the same moment are all kept (each append reads then writes the whole list)', async () => {
    // Storage answers after a real delay, as browsers do: the appends overlap.
    const area = fakeBrowser.storage.local;
    const get = area.get.bind(area);
    vi.spyOn(area, 'get').mockImplementation(async (keys) => {
      const got = await get(keys as never);
      await new Promise((r) => setTimeout(r, 2));
      return got;
    });
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        store.update(historyItem, (list) => appendEntry(list, incidentAt(i, `https://s${i}.example/page`))),
      ),
    );
    const hosts = (await store.read(historyItem)).map((i) => i.host).sort();
    expect(hosts).toEqual(Array.from({ length: 16 }, (_, i) => `s${i}.example`).sort());
  });

  it('a removal and an append at the same moment both take effect', async () => {
    await store.update(historyItem, (list) => appendEntry(list, incidentAt(1, 'https://old.example/')));
    const old = (await store.read(historyItem))[0]!;
    await Promise.all([
      store.update(historyItem, (list) => withoutEntry(list, old.time, old.host), { onWriteFailure: 'throw' }),
      store.update(historyItem, (list) => appendEntry(list, incidentAt(2, 'https://new.example/'))),
    ]);
    expect((await store.read(historyItem)).map((i) => i.host)).toEqual(['new.example']);
  });
});

describe('a full storage area', () => {
  it(
    'history: trimmed and retried, the newest entry kept, never a throw',
    async () => {
      limitArea('local', 60_000);
      for (let i = 0; i < 200; i++) await store.update(historyItem, (list) => appendEntry(list, incidentAt(i)));
      const history = await store.read(historyItem);
      expect(history[0]!.time).toBe(1_000_199);
      expect(history.length).toBeGreaterThan(10);
      expect(JSON.stringify(await fakeBrowser.storage.local.get(null)).length).toBeLessThanOrEqual(60_000);
    },
    HEAVY_TEST_TIMEOUT_MS,
  );

  it('record() keeps working after the local quota is hit (no history, still an incident and a schedule)', async () => {
    limitArea('local', 2_000);
    const tabs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const tab = await fakeBrowser.tabs.create({ url: `https://s${i}.example/${'p'.repeat(600)}` });
      tabs.push(tab.id!);
      await handleFrameResponse({ tabId: tab.id!, frame: 'main', url: tab.url!, status: 502, method: 'GET', headers: [], time: 1 });
    }
    for (const [i, tabId] of tabs.entries()) {
      expect((await store.read(incidentItem, tabId))?.status).toBe(502);
      expect(await store.read(retryItem, `https://s${i}.example`)).toMatchObject({ tabs: [tabId] });
    }
  });

  it(
    'a pushState flood of 60 KB soft-error URLs keeps storage small, and a later 502 elsewhere is detected',
    async () => {
      limitArea('local', 10 * 1024 * 1024); // Chrome's storage.local quota
      for (let i = 0; i < 300; i++) {
        const url = `https://flood.example/${String(i).padStart(4, '0')}${'a'.repeat(60_000)}`;
        const soft = classify({ kind: 'soft', url, title: '502 Bad Gateway', time: 2_000_000 + i })!;
        await store.write(incidentItem, soft, 1);
        await store.update(historyItem, (list) => appendEntry(list, soft));
      }
      expect(JSON.stringify(await fakeBrowser.storage.local.get(null)).length).toBeLessThan(1024 * 1024);
      expect(JSON.stringify(await fakeBrowser.storage.session.get(null)).length).toBeLessThan(64 * 1024);
      const tab = await fakeBrowser.tabs.create({ url: 'https://shop.example/cart' });
      await handleFrameResponse({ tabId: tab.id!, frame: 'main', url: tab.url!, status: 502, method: 'GET', headers: [], time: 3_000_000 });
      expect((await store.read(incidentItem, tab.id!))?.status).toBe(502);
      expect((await store.read(historyItem))[0]?.host).toBe('shop.example');
    },
    HEAVY_TEST_TIMEOUT_MS,
  );

  it('session: caches and diagnoses make room for what detection needs', async () => {
    await fakeBrowser.storage.session.set({ 'evidence-cache': { junk: 'x'.repeat(50_000) }, 'diagnosis:9': { junk: 'y'.repeat(20_000) } });
    limitArea('session', 60_000);
    await store.write(incidentItem, incidentAt(1), 1);
    expect(await store.read(incidentItem, 1)).toBeDefined();
    expect(Object.keys(await fakeBrowser.storage.session.get(null))).toEqual(['incident:1']);
  });

  it('reachability: written like every record, so caches make room for it', async () => {
    await fakeBrowser.storage.session.set({ 'evidence-cache': { junk: 'x'.repeat(50_000) } });
    limitArea('session', 40_000);
    await noteSiteAnswered('https://news.example/', 1_000_000);
    expect(Object.keys(await fakeBrowser.storage.session.get(null))).toEqual(['reachability']);
    expect(await otherSiteAnsweredAgoMs('https://shop.example', 1_001_000)).toBe(1_000);
  });

  it('a diagnosis that cannot be saved does not throw', async () => {
    vi.spyOn(fakeBrowser.storage.session, 'set').mockRejectedValue(quotaError());
    const record: import('../../../src/model/diagnosis').DiagnosisRecord = {
      host: 'a.example',
      startedAt: 1,
      outside: false,
      evidence: [],
      verdict: { kind: 'cant-tell', confidence: 'low', reasons: [] },
      done: true,
    };
    await expect(store.write(diagnosisItem, record, 1)).resolves.toBeUndefined();
    await expect(store.write(incidentItem, incidentAt(1), 1)).rejects.toThrow(/quota/);
  });
});

describe('settings', () => {
  const many = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}.example`);

  it('beyond one sync item (8 KB) the local copy is read, never the stale sync copy', async () => {
    limitArea('sync', 100_000, 8192);
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, neverRetry: ['first.example'] });
    expect((await fakeBrowser.storage.sync.get('settings')).settings).toBeDefined();
    const big = { ...DEFAULT_SETTINGS, neverRetry: many(400, 'never-'), panelHidden: many(100, 'hidden-') };
    await store.write(settingsItem, big);
    expect(await store.read(settingsItem)).toEqual(big);
    // And a later small change is read too (sync accepts it again).
    await store.write(settingsItem, { ...big, neverRetry: ['only.example'] });
    expect((await store.read(settingsItem)).neverRetry).toEqual(['only.example']);
  });

  it('a newer copy synced from another device wins over this one', async () => {
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, autoRetry: false });
    const local = (await fakeBrowser.storage.local.get('settings')).settings as { savedAt: number };
    await fakeBrowser.storage.sync.set({ settings: { ...DEFAULT_SETTINGS, giveUpMinutes: 120, savedAt: local.savedAt + 1000 } });
    expect(await store.read(settingsItem)).toMatchObject({ autoRetry: true, giveUpMinutes: 120 });
  });

  it('works without sync (disabled, or a temporary Firefox profile)', async () => {
    vi.spyOn(fakeBrowser.storage.sync, 'get').mockRejectedValue(new Error('sync is disabled'));
    vi.spyOn(fakeBrowser.storage.sync, 'set').mockRejectedValue(new Error('sync is disabled'));
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, alwaysRetry: ['a.example'] });
    expect((await store.read(settingsItem)).alwaysRetry).toEqual(['a.example']);
  });

  it('0.1.0 copies without a time: the local one if it is too big to have been synced, else the sync one', async () => {
    const small = { ...DEFAULT_SETTINGS, neverRetry: ['synced.example'] };
    await fakeBrowser.storage.sync.set({ settings: small });
    await fakeBrowser.storage.local.set({ settings: { ...DEFAULT_SETTINGS, neverRetry: ['stale.example'] } });
    expect((await store.read(settingsItem)).neverRetry).toEqual(['synced.example']);
    const big = { ...DEFAULT_SETTINGS, neverRetry: many(450, 'local-') };
    await fakeBrowser.storage.local.set({ settings: big });
    expect(await store.read(settingsItem)).toEqual(big);
  });

  it('hiding the panel on a site is kept when other settings are saved', async () => {
    await store.write(settingsItem, withPanelHidden(DEFAULT_SETTINGS, 'My_Host.Example.'));
    const saved = await store.read(settingsItem);
    expect(saved.panelHidden).toEqual(['my_host.example']);
    // What the options page saves: its form's fields over what is stored.
    await store.write(settingsItem, { ...saved, autoRetry: false, alwaysRetry: ['a.example'] });
    expect(await store.read(settingsItem)).toMatchObject({ autoRetry: false, panelHidden: ['my_host.example'] });
  });
});

describe('onKeysChanged before the first read', () => {
  it('tells pages about records they show, not about the worker bookkeeping', async () => {
    const seen: string[][] = [];
    const stop = onKeysChanged(
      () => undefined,
      (keys) => seen.push(keys),
    );
    await store.write(limitsItem, { 'doh:Cloudflare': { tokens: 1, updatedAt: 1, blockedUntil: 2 } });
    await store.write(evidenceCacheItem, {}, false);
    await store.write(incidentItem, incidentAt(3), 3);
    stop();
    await store.remove(incidentItem, 3);
    expect(seen).toEqual([['incident:3']]);
  });
});

describe('the worker’s own records in memory (storeOwnReads)', () => {
  const incident = incidentAt(1, 'https://shop.example/cart');
  const gets = () => vi.spyOn(fakeBrowser.storage.session, 'get');

  beforeEach(() => store.storeOwnReads());
  afterEach(() => store.storeOwnReads(false));

  it('reads an incident from storage once; writes and removals are then read from memory', async () => {
    const get = gets();
    expect(await store.read(incidentItem, 7)).toBeUndefined();
    expect(await store.read(incidentItem, 7)).toBeUndefined();
    expect(get).toHaveBeenCalledTimes(1);
    await store.write(incidentItem, incident, 7);
    expect(await store.read(incidentItem, 7)).toEqual(incident);
    await store.remove(incidentItem, 7);
    expect(await store.read(incidentItem, 7)).toBeUndefined();
    await store.writeTogether([store.at(incidentItem, incident, 7)]);
    expect(await store.read(incidentItem, 7)).toEqual(incident);
    await store.forgetTab(7);
    expect(await store.read(incidentItem, 7)).toBeUndefined();
    expect(get).toHaveBeenCalledTimes(1);
    // …and storage holds what memory says.
    expect(await fakeBrowser.storage.session.get('incident:7')).toEqual({});
  });

  it('a storage read overtaken by a write does not bring the older value back', async () => {
    await fakeBrowser.storage.session.set({ 'incident:7': incidentAt(2, 'https://old.example/') });
    let answer: (v: Record<string, unknown>) => void = () => undefined;
    const held = new Promise<Record<string, unknown>>((resolve) => (answer = resolve));
    const original = fakeBrowser.storage.session.get.bind(fakeBrowser.storage.session);
    vi.spyOn(fakeBrowser.storage.session, 'get').mockImplementationOnce((async (keys: string) => {
      const before = await original(keys); // what storage held when the read left
      await held;
      return before;
    }) as never);
    const slowRead = store.read(incidentItem, 7);
    await store.write(incidentItem, incident, 7);
    answer({});
    expect((await slowRead)?.url).toBe('https://old.example/'); // as storage answered it
    expect(await store.read(incidentItem, 7)).toEqual(incident);
  });

  it('a write that fails is not remembered: the next read asks storage', async () => {
    expect(await store.read(incidentItem, 7)).toBeUndefined();
    vi.spyOn(fakeBrowser.storage.session, 'set').mockRejectedValueOnce(new Error('storage is gone'));
    await expect(store.write(incidentItem, incident, 7)).rejects.toThrow('storage is gone');
    const get = gets();
    expect(await store.read(incidentItem, 7)).toBeUndefined();
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('a full area trimmed by the quota rule is read from storage again', async () => {
    await store.write(incidentItem, incident, 7);
    limitArea('session', 1);
    await expect(store.write(incidentItem, incidentAt(3), 8)).rejects.toThrow(/quota/i);
    const get = gets();
    expect(await store.read(incidentItem, 7)).toEqual(incident);
    expect(get).toHaveBeenCalled();
  });

  it('a record written by someone else (a test seeding a state) is read from storage once storage says it changed', async () => {
    expect(await store.read(incidentItem, 7)).toBeUndefined(); // known absent
    await fakeBrowser.storage.session.set({ 'incident:7': incident });
    expect(await store.read(incidentItem, 7)).toEqual(incident);
    await fakeBrowser.storage.session.remove('incident:7');
    expect(await store.read(incidentItem, 7)).toBeUndefined();
    // Turned off, it listens no more.
    store.storeOwnReads(false);
    expect(fakeBrowser.storage.onChanged.hasListeners()).toBe(false);
  });

  it('records others write (the popup, pages) are always read from storage, and so is everything with it off', async () => {
    const get = gets();
    await store.read(responseItem, 7);
    await store.read(responseItem, 7);
    expect(get).toHaveBeenCalledTimes(2);
    store.storeOwnReads(false);
    await store.read(incidentItem, 7);
    await store.read(incidentItem, 7);
    expect(get).toHaveBeenCalledTimes(4);
  });
});
