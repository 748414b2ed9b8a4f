import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import en from '../../../public/_locales/en/messages.json';
import type { ProbeResult } from '../../../src/platform/probe';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
// The diagnosis has its own tests; here it must never reach the network.
vi.mock('../../../src/background/diagnose', () => ({ diagnoseTab: vi.fn(async () => undefined), diagnoseHost: vi.fn(async () => undefined), dropDiagnosis: vi.fn(async () => undefined) }));

/** The server, as the probes see it: each probe takes the next answer (the last one repeats). */
let answers: ProbeResult[] = [];
const probed: string[] = [];
vi.mock('../../../src/platform/probe', () => ({
  probe: vi.fn(async (url: string) => {
    probed.push(url);
    return answers.length > 1 ? answers.shift()! : answers[0]!;
  }),
}));

const messages = en as Record<string, { message: string }>;
const { handleFrameResponse, handleTabRemoved, handleTabChange } = await import('../../../src/background/detect');
const retry = await import('../../../src/background/retry');
const { readIncident, readRetry, allRetries } = await import('../../../src/platform/storage');
const { writeSettings } = await import('../../../src/platform/settings');
const { DEFAULT_SETTINGS } = await import('../../../src/core/settings');

const ORIGIN = 'https://shop.example';
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const reloads: number[] = [];
const reopened: string[] = [];
let onlineFlag = true;

async function failingTab(url = `${ORIGIN}/cart`, status = 502, extra: Record<string, unknown> = {}): Promise<number> {
  const tab = await fakeBrowser.tabs.create({ url });
  await handleFrameResponse({
    tabId: tab.id!,
    frame: 'main',
    url,
    status,
    method: 'GET',
    headers: [{ name: 'Server', value: 'nginx' }],
    time: Date.now(),
    ...extra,
  });
  return tab.id!;
}

/**
 * Lets time pass: live timers fire, and so do due alarms (the fake browser keeps alarms but never
 * fires them), dispatched the way the worker's onAlarm listener does.
 */
async function advance(ms: number, step = 1000): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    await vi.advanceTimersByTimeAsync(Math.min(step, left));
    for (const alarm of await fakeBrowser.alarms.getAll()) {
      if (alarm.scheduledTime > Date.now() || !alarm.name.startsWith(retry.ALARM_PREFIX)) continue;
      await fakeBrowser.alarms.clear(alarm.name);
      await retry.probeOrigin(alarm.name.slice(retry.ALARM_PREFIX.length));
    }
  }
}

beforeEach(() => {
  fakeBrowser.reset();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: NOW });
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
  answers = [{ status: 502, ms: 5 }];
  probed.length = 0;
  reloads.length = 0;
  onlineFlag = true;
  vi.stubGlobal('navigator', { get onLine() { return onlineFlag; } });
  fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
    const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
  }) as typeof fakeBrowser.i18n.getMessage;
  (fakeBrowser.tabs as unknown as { reload: (id: number) => Promise<void> }).reload = async (id: number) => {
    reloads.push(id);
  };
  // Chrome builds bring a page back with a fresh GET navigation to its URL (never a reload that
  // could replay a form): that counts as loading it again, too.
  reopened.length = 0;
  const realUpdate = fakeBrowser.tabs.update.bind(fakeBrowser.tabs) as (id: number, props: object) => Promise<unknown>;
  (fakeBrowser.tabs as unknown as { update: (id: number, props: { url?: string }) => Promise<unknown> }).update = async (id, props) => {
    if (props.url === undefined) return realUpdate(id, props);
    reloads.push(id);
    reopened.push(props.url);
    return fakeBrowser.tabs.get(id);
  };
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('auto-retry of a failed page', () => {
  it('starts a schedule with a pending badge, probes instead of reloading, and reloads once a probe succeeds', async () => {
    const tabId = await failingTab();
    const record = await readRetry(ORIGIN);
    expect(record).toMatchObject({ origin: ORIGIN, tabs: [tabId], state: 'waiting', probes: 0 });
    expect(record!.schedule.nextAt - NOW).toBeGreaterThanOrEqual(1000);
    expect(record!.schedule.nextAt - NOW).toBeLessThanOrEqual(5000);
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('↻502');
    expect(await fakeBrowser.alarms.get(`retry:${ORIGIN}`)).toBeDefined();

    await advance(5000);
    expect(probed).toEqual([`${ORIGIN}/cart`]);
    expect(reloads).toEqual([]); // still failing: the tab is not reloaded
    expect(await readRetry(ORIGIN)).toMatchObject({ probes: 1, state: 'waiting', lastProbe: { status: 502 } });

    answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads).toEqual([tabId]);
    expect(reopened).toEqual([`${ORIGIN}/cart`]); // a GET navigation to the page, not a reload
    expect(await readRetry(ORIGIN)).toBeUndefined();
    expect(await fakeBrowser.alarms.get(`retry:${ORIGIN}`)).toBeUndefined();
    expect(await fakeBrowser.storage.session.get(`recovered:${tabId}`)).toMatchObject({ [`recovered:${tabId}`]: { host: 'shop.example', probes: 2 } });
  });

  it('shares one schedule between all tabs failing on an origin: ten tabs, one probe per step', async () => {
    const tabs: number[] = [];
    for (let i = 0; i < 10; i++) tabs.push(await failingTab(`${ORIGIN}/item/${i}`));
    expect(await allRetries()).toHaveLength(1);
    expect((await readRetry(ORIGIN))!.tabs).toEqual(tabs);
    await advance(5000);
    expect(probed).toHaveLength(1);
    answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(probed).toHaveLength(2);
    expect(reloads.sort()).toEqual([...tabs].sort());
  });

  it('never schedules a POST', async () => {
    const tabId = await failingTab(`${ORIGIN}/checkout`, 502, { method: 'POST' });
    expect(await readIncident(tabId)).toMatchObject({ method: 'POST', retryable: false });
    expect(await readRetry(ORIGIN)).toBeUndefined();
    await advance(10 * 60_000);
    expect(probed).toEqual([]);
    expect(reloads).toEqual([]);
    // "Retry now" on a failed POST does not resend it either
    expect(await retry.retryNow(tabId)).toBe(false);
    expect(reloads).toEqual([]);
  });

  it('does not probe before a 503 Retry-After has passed', async () => {
    await failingTab(`${ORIGIN}/`, 503, { headers: [{ name: 'Retry-After', value: '5' }] });
    expect((await readRetry(ORIGIN))!.schedule.nextAt).toBeGreaterThanOrEqual(NOW + 5000);
    await advance(4900);
    expect(probed).toEqual([]);
    await advance(2000);
    expect(probed).toHaveLength(1);
  });

  it('honours a Retry-After sent with a failed probe', async () => {
    await failingTab();
    answers = [{ status: 503, retryAfter: '120', ms: 5 }];
    await advance(5000);
    const record = (await readRetry(ORIGIN))!;
    expect(record.schedule.nextAt - record.lastProbe!.at).toBeGreaterThanOrEqual(120_000);
    await advance(100_000);
    expect(probed).toHaveLength(1);
    await advance(30_000);
    expect(probed).toHaveLength(2);
  });

  it('a closed tab leaves the schedule; the last one ends it', async () => {
    const a = await failingTab();
    const b = await failingTab(`${ORIGIN}/other`);
    await handleTabRemoved(a);
    expect((await readRetry(ORIGIN))!.tabs).toEqual([b]);
    await handleTabRemoved(b);
    expect(await readRetry(ORIGIN)).toBeUndefined();
    await advance(60_000);
    expect(probed).toEqual([]);
  });

  it('a tab navigated elsewhere leaves the schedule and loses its badge', async () => {
    const tabId = await failingTab();
    await handleTabChange(tabId, { url: 'https://elsewhere.example/', complete: false }, { url: 'https://elsewhere.example/', incognito: false });
    expect(await readRetry(ORIGIN)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('');
  });

  it('Stop retrying removes the tab; Retry now probes at once', async () => {
    const tabId = await failingTab();
    await retry.retryNow(tabId);
    expect(probed).toHaveLength(1);
    expect(await retry.stopRetry(tabId)).toBe(true);
    expect(await readRetry(ORIGIN)).toBeUndefined();
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('502');
  });

  it('gives up after the configured time and says so on the badge', async () => {
    await writeSettings({ ...DEFAULT_SETTINGS, giveUpMinutes: 5 });
    const tabId = await failingTab();
    await advance(6 * 60_000, 5000);
    expect(await readRetry(ORIGIN)).toMatchObject({ state: 'gave-up' });
    const count = probed.length;
    expect(count).toBeGreaterThan(2);
    expect(count).toBeLessThan(15);
    await advance(30 * 60_000, 10_000);
    expect(probed).toHaveLength(count);
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('502');
    expect(await fakeBrowser.action.getTitle({ tabId })).toMatch(/Stopped retrying/);
  });

  it('respects "never auto-retry this site" and the global switch, unless the visitor asks', async () => {
    await writeSettings({ ...DEFAULT_SETTINGS, neverRetry: ['shop.example'] });
    const tabId = await failingTab();
    expect(await readRetry(ORIGIN)).toBeUndefined();
    await writeSettings({ ...DEFAULT_SETTINGS, autoRetry: false, alwaysRetry: ['shop.example'] });
    await failingTab(`${ORIGIN}/b`);
    expect(await readRetry(ORIGIN)).toBeDefined();
    await writeSettings({ ...DEFAULT_SETTINGS, autoRetry: false });
    const other = await failingTab('https://news.example/');
    expect(await readRetry('https://news.example')).toBeUndefined();
    expect(await retry.retryFailedTab(other, (await readIncident(other))!, { force: true })).toBe(true);
    expect(await readRetry('https://news.example')).toBeDefined();
    expect(tabId).toBeGreaterThan(0);
  });

  it('pauses while offline and probes at once when back online', async () => {
    await failingTab();
    onlineFlag = false;
    await retry.connectivityChanged(false);
    expect(await readRetry(ORIGIN)).toMatchObject({ state: 'offline' });
    await advance(10 * 60_000);
    expect(probed).toEqual([]);
    onlineFlag = true;
    await retry.connectivityChanged(true);
    await advance(10);
    expect(probed).toHaveLength(1);
  });

  it('notices being back online even when no online event arrives (Chromium workers)', async () => {
    await failingTab();
    onlineFlag = false;
    await retry.connectivityChanged(false);
    await advance(10_000);
    expect(probed).toEqual([]);
    onlineFlag = true; // no event
    await advance(3000);
    expect(probed).toHaveLength(1);
    expect(await readRetry(ORIGIN)).toMatchObject({ state: 'waiting' });
  });

  it('resumes after the worker was stopped: timers are gone, storage and alarm are not', async () => {
    await failingTab();
    vi.clearAllTimers(); // what a stopped worker loses
    await retry.resumeRetries();
    await advance(5000);
    expect(probed).toHaveLength(1);
  });

  it('an alarm that fires early or twice does not cause an extra probe', async () => {
    await failingTab();
    expect(await retry.probeOrigin(ORIGIN)).toBe('skipped'); // not due yet
    await advance(5000);
    expect(await retry.probeOrigin(ORIGIN)).toBe('skipped'); // just probed, next one later
    expect(probed).toHaveLength(1);
  });

  it('notifies when a background tab comes back', async () => {
    const tabId = await failingTab();
    await fakeBrowser.tabs.create({ url: 'https://other.example/', active: true });
    await fakeBrowser.tabs.update(tabId, { active: false });
    answers = [{ status: 200, ms: 5 }];
    await advance(5000);
    const all = await fakeBrowser.notifications.getAll();
    expect(Object.keys(all)).toEqual([`recovered:${tabId}`]);
  });

  it('a private window\'s tab that comes back is notified without its site\'s name', async () => {
    const tabId = await failingTab();
    await fakeBrowser.tabs.create({ url: 'https://other.example/', active: true });
    await fakeBrowser.tabs.update(tabId, { active: false });
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: id === tabId }));
    const created = vi.spyOn(fakeBrowser.notifications, 'create');
    answers = [{ status: 200, ms: 5 }];
    await advance(5000);
    expect(created.mock.calls.map((c) => c[0])).toEqual([`recovered:${tabId}`]);
    const shown = JSON.stringify(created.mock.calls);
    expect(created.mock.calls[0]?.[1]).not.toMatchObject({ title: expect.stringContaining('shop') });
    expect(shown, shown).not.toContain(new URL(ORIGIN).hostname);
  });
});
