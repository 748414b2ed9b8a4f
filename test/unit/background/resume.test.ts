// A worker stopped at any point (what the chaos run, test/soak/chaos.mjs, found)
// and storage that refuses writes (quota) at each write site: nothing already stored is lost,
// nothing stalls, and the next worker start finishes what was cut short.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { diagnoseTab, useFakeBackground } from '../helpers/fake-background';
import { incidentItem, recordingItem, responseItem, softTimesItem, subframesItem } from '../../../src/core/incident/stored';
import { appendEntry, guideMarksItem, historyItem, withoutEntry } from '../../../src/core/present/stored';
import { recoveredItem, retryItem } from '../../../src/core/retry/stored';
import { diagnosisItem, evidenceCacheItem, limitsItem } from '../../../src/core/diagnosis/stored';
import { consentAskedItem, consentItem, settingsItem } from '../../../src/core/settings/stored';

const store = await import('../../../src/platform/store');
const { recordHttpAnswer } = await import('../../../src/background/incident/observe');
const { resumeTabs } = await import('../../../src/background/incident/resume');
const { classify } = await import('../../../src/core/incident/classify');
const { DEFAULT_SETTINGS } = await import('../../../src/core/settings/settings');
type Incident = import('../../../src/model/incident').Incident;

const incidentFor = (url: string, time = 1_790_000_000_000): Incident =>
  classify({ kind: 'http', url, status: 502, method: 'GET', headers: [{ name: 'server', value: 'nginx' }], time })!;

async function failingTab(url = 'https://shop.example/cart'): Promise<number> {
  return (await fakeBrowser.tabs.create({ url })).id!;
}

/** The tab is gone and its onRemoved was never handled (the worker was stopped). The fake's own tabs.remove cannot close a tab here. */
function closeUnnoticed(tabId: number): void {
  const query = fakeBrowser.tabs.query.bind(fakeBrowser.tabs);
  const get = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
  vi.spyOn(fakeBrowser.tabs, 'query').mockImplementation((async (q: object) =>
    (await query(q)).filter((t) => t.id !== tabId)) as typeof fakeBrowser.tabs.query);
  vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation((async (id: number) => {
    if (id === tabId) throw new Error(`No tab with id: ${id}`);
    return get(id);
  }) as typeof fakeBrowser.tabs.get);
}

/** The tab's main frame answered (502 for the cart page unless told), as detection reports it. */
const answerTab = (tabId: number, { url = 'https://shop.example/cart', status = 502, time = 1 } = {}): Promise<void> =>
  recordHttpAnswer({ kind: 'http', tabId, frame: 'main', url, status, method: 'GET', headers: [], time });

const quota = (): Error => new Error('QUOTA_BYTES quota exceeded');

useFakeBackground();
beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

describe('a worker stopped halfway: the next start finishes the job (resumeTabs)', () => {
  it('regression (chaos run): an incident stored but its recording cut short gets its schedule, badge and one history entry', async () => {
    const tabId = await failingTab();
    const incident = incidentFor('https://shop.example/cart');
    // What a worker stopped right after the incident's write leaves behind: the incident and its mark.
    await store.writeTogether([store.at(incidentItem, incident, tabId), store.at(recordingItem, incident.time, tabId)]);
    await store.update(historyItem, (list) => appendEntry(list, incident)); // …and perhaps the history entry already
    expect(await store.read(retryItem, 'https://shop.example')).toBeUndefined();

    await resumeTabs();

    expect(await store.read(retryItem, 'https://shop.example')).toMatchObject({ tabs: [tabId], state: 'waiting' });
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('↻502');
    expect(await store.read(historyItem)).toHaveLength(1);
    expect(Object.keys(await fakeBrowser.storage.session.get(null))).not.toContain(`recording:${tabId}`);
    expect(diagnoseTab).toHaveBeenCalledWith(tabId, incident, { outside: false });
    const { alarmId } = await import('../../../src/platform/alarms');
    expect((await fakeBrowser.alarms.getAll()).map((a) => a.name)).toEqual([`retry:${await alarmId('https://shop.example')}`]);
  });

  it('a whole recording leaves no mark behind, so a start has nothing to redo', async () => {
    const tabId = await failingTab();
    await answerTab(tabId);
    expect(await store.read(incidentItem, tabId)).toBeDefined();
    expect(Object.keys(await fakeBrowser.storage.session.get(null)).filter((k) => k.startsWith('recording:'))).toEqual([]);
  });

  it('regression (chaos run): records of a tab closed while the worker was stopped are forgotten, and it leaves its schedule', async () => {
    const kept = await failingTab('https://shop.example/a');
    const closed = await failingTab('https://shop.example/b');
    for (const tabId of [kept, closed]) await answerTab(tabId, { url: `https://shop.example/${tabId === kept ? 'a' : 'b'}` });
    await fakeBrowser.storage.session.set({ [`diagnosis:${closed}`]: { host: 'shop.example' } });
    closeUnnoticed(closed);
    await resumeTabs();
    const keys = Object.keys(await fakeBrowser.storage.session.get(null));
    expect(keys.filter((k) => k.endsWith(`:${closed}`))).toEqual([]);
    expect(await store.read(retryItem, 'https://shop.example')).toMatchObject({ tabs: [kept] });
  });

  it('a schedule that still lists a closed tab (stopped between forgetting it and leaving) lets it go', async () => {
    const tabId = await failingTab();
    await answerTab(tabId);
    await store.forgetTab(tabId);
    closeUnnoticed(tabId);
    await resumeTabs();
    expect(await store.read(retryItem, 'https://shop.example')).toBeUndefined();
    expect(await fakeBrowser.alarms.getAll()).toEqual([]);
  });

  it('an unfinished diagnosis of the current incident runs again (the popup would show it running for ever)', async () => {
    const tabId = await failingTab();
    await answerTab(tabId, { time: 5 });
    const incident = (await store.read(incidentItem, tabId))!;
    diagnoseTab.mockClear();
    await fakeBrowser.storage.session.set({
      [`diagnosis:${tabId}`]: {
        host: 'shop.example',
        incidentTime: incident.time,
        startedAt: 6,
        outside: true,
        evidence: [],
        verdict: { kind: 'cant-tell', confidence: 'low', reasons: [] },
        done: false,
      },
    });
    await resumeTabs();
    expect(diagnoseTab).toHaveBeenCalledWith(tabId, incident, { outside: true });
  });
});

describe('storage refuses a write (quota) at each write site: nothing stored is lost, nothing stalls', () => {
  const recovery = { url: 'https://shop.example/cart', host: 'shop.example', at: 2, downSince: 1, probes: 1 };
  const retry = {
    origin: 'https://shop.example',
    probeUrl: 'https://shop.example/cart',
    tabs: [1],
    schedule: {
      origin: 'https://shop.example',
      startedAt: 1,
      attempt: 1,
      nextAt: 2,
      notBefore: 1,
      pausedOfflineSince: null,
      giveUpAt: null,
    },
    state: 'waiting' as const,
    probes: 0,
  };
  const diagnosis = {
    host: 'shop.example',
    startedAt: 1,
    outside: false,
    evidence: [],
    verdict: { kind: 'cant-tell' as const, confidence: 'low' as const, reasons: [] },
    done: true,
  };
  // Every writer, and whether the detection or the retry runs on it (those say so by throwing) or it is optional (logged).
  const writers: Array<[string, 'local' | 'session', () => Promise<void>, 'throws' | 'resolves']> = [
    ['writeIncident', 'session', () => store.write(incidentItem, incidentFor('https://shop.example/new', 9), 1), 'throws'],
    [
      'beginRecording',
      'session',
      () =>
        store.writeTogether([
          store.at(incidentItem, incidentFor('https://shop.example/new', 9), 1),
          store.at(recordingItem, incidentFor('https://shop.example/new', 9).time, 1),
        ]),
      'throws',
    ],
    [
      'appendSubframeFailure',
      'session',
      () => store.update(subframesItem, (list) => [{ url: 'https://cdn.example/x', status: 502, time: 3 }, ...list], 1),
      'resolves',
    ],
    ['writeResponse', 'session', () => store.write(responseItem, { url: 'https://shop.example/', status: 200, at: 3 }, 1), 'resolves'],
    ['writeSoftTimes', 'session', () => store.write(softTimesItem, [3], 1), 'throws'],
    ['writeDiagnosis', 'session', () => store.write(diagnosisItem, diagnosis, 1), 'resolves'],
    ['writeGuideMarks', 'session', () => store.write(guideMarksItem, { wait: 'done' }, 1), 'resolves'],
    ['writeRecovery', 'session', () => store.write(recoveredItem, recovery, 1), 'resolves'],
    ['writeConsentAsked', 'session', () => store.write(consentAskedItem, 3, 1), 'resolves'],
    ['writeRetry', 'session', () => store.write(retryItem, { ...retry, probes: 7 }), 'throws'],
    [
      'writeLimits',
      'session',
      () => store.write(limitsItem, { 'doh:Cloudflare': { tokens: 1, updatedAt: 1, blockedUntil: 2 } }),
      'resolves',
    ],
    ['writeEvidenceCache', 'session', () => store.write(evidenceCacheItem, {}, false), 'resolves'],
    [
      'appendHistory',
      'local',
      () => store.update(historyItem, (list) => appendEntry(list, incidentFor('https://other.example/', 9))),
      'resolves',
    ],
    [
      'removeHistoryEntry',
      'local',
      () => store.update(historyItem, (list) => withoutEntry(list, 1, 'nobody.example'), { onWriteFailure: 'throw' }),
      'throws',
    ],
    ['writeSettings', 'local', () => store.write(settingsItem, { ...DEFAULT_SETTINGS, autoRetry: false }), 'throws'],
    [
      'writeConsent',
      'local',
      () => store.write(consentItem, { connectivity: true, dns: true, vantage: false, statusPage: false, archive: false }),
      'throws',
    ],
  ];

  it.each(writers)('%s', async (_name, area, write, outcome) => {
    // What detection and retry already stored.
    const tabId = 1;
    await store.write(incidentItem, incidentFor('https://shop.example/cart'), tabId);
    await store.write(retryItem, retry);
    await store.update(historyItem, (list) => appendEntry(list, incidentFor('https://shop.example/cart')));
    await store.write(settingsItem, DEFAULT_SETTINGS);
    const before = { session: await fakeBrowser.storage.session.get(null), local: await fakeBrowser.storage.local.get(null) };

    vi.spyOn(fakeBrowser.storage[area], 'set').mockRejectedValue(quota());
    const settled = Promise.race([
      write().then(
        () => 'resolves',
        () => 'throws',
      ),
      new Promise((resolve) => setTimeout(() => resolve('stalled'), 2000)),
    ]);
    expect(await settled).toBe(outcome);

    // Nothing already stored was lost: the records detection and retry run on are all still there.
    // (A full area may drop what only saves work, as trimSession/trimLocal say: caches, diagnoses, the older half of history.)
    expect(await store.read(incidentItem, tabId)).toEqual(before.session[`incident:${tabId}`]);
    expect(await store.read(retryItem, 'https://shop.example')).toEqual(before.session['retry:https://shop.example']);
    expect((await store.read(historyItem)).length).toBeGreaterThanOrEqual(1);
    expect(await store.read(settingsItem)).toEqual(DEFAULT_SETTINGS);
  });

  it('recording a failure while the session area refuses every write: the call ends, the tab keeps its earlier incident', async () => {
    const tabId = await failingTab('https://shop.example/cart');
    await answerTab(tabId);
    const before = await store.read(incidentItem, tabId);
    vi.spyOn(fakeBrowser.storage.session, 'set').mockRejectedValue(quota());
    const outcome = await Promise.race([
      answerTab(tabId, { status: 504, time: 2 }).then(
        () => 'resolved',
        () => 'rejected',
      ),
      new Promise((resolve) => setTimeout(() => resolve('stalled'), 2000)),
    ]);
    expect(outcome).not.toBe('stalled');
    expect(await store.read(incidentItem, tabId)).toEqual(before);
    // And the tab's lock is free again: the next answer is recorded once storage accepts writes.
    vi.restoreAllMocks();
    await answerTab(tabId, { status: 504, time: 3 });
    expect((await store.read(incidentItem, tabId))?.status).toBe(504);
  });
});
