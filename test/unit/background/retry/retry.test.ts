import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import type { ProbeResult } from '../../../../src/platform/probe';
import { alarmClock, site, useFakeBackground } from '../../helpers/fake-background';

const record = await import('../../../../src/background/incident/record');
const { webRequestDetection } = await import('../../../../src/background/detect/firefox-webrequest');
type FrameResponse = import('../../../../src/platform/web-request').FrameResponse;
// The webRequest strategy's path into the recorder (src/background/detect/firefox-webrequest.ts).
const handleFrameResponse = (r: FrameResponse) => record.recordHttpAnswer({ kind: 'http', ...r });
const handleTabRemoved = record.handleTabRemoved;
const handleTabChange = (
  ...args: [number, import('../../../../src/platform/tabs').TabChange, import('../../../../src/platform/tab-info').TabInfo]
) => record.handleTabChange(...args, webRequestDetection);
const retry = await import('../../../../src/background/retry/retry');
const { readIncident, readRetry, allRetries, readHistory } = await import('../../../../src/platform/storage');
const { writeSettings } = await import('../../../../src/platform/settings');
const { DEFAULT_SETTINGS } = await import('../../../../src/core/settings/settings');
const { MAX_RECOVERIES, RELAPSE_WINDOW_MS, RESUME_SPREAD_PER_SCHEDULE_MS } = await import('../../../../src/core/retry/schedule');

const ORIGIN = 'https://shop.example';
const { probed } = site;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const reloads: number[] = [];
const reopened: string[] = [];

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

/** Lets time pass: live timers fire, and due retry alarms are dispatched as the worker's onAlarm does. */
const advance = alarmClock(retry.ALARM_PREFIX, retry.retryAlarm);
const { alarmId } = await import('../../../../src/platform/alarms');
/** The name of `origin`'s retry alarm: opaque, never the origin itself. */
const retryAlarmName = async (origin: string): Promise<string> => retry.ALARM_PREFIX + (await alarmId(origin));

useFakeBackground({ now: NOW });
beforeEach(() => {
  reloads.length = 0;
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

describe('auto-retry of a failed page', () => {
  it('probes the page without its query, and brings it back as the visitor reload would (query included)', async () => {
    const url = `${ORIGIN}/login/magic?code=one-time-9f8e`;
    const tabId = await failingTab(url);
    await advance(5000);
    expect(probed).toEqual([`${ORIGIN}/login/magic`]);
    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads).toEqual([tabId]);
    expect(probed.every((u) => !u.includes('code='))).toBe(true);
  });

  it("a page on the visitor's network with a query (a public page may have sent the tab there): never probed or loaded again by itself", async () => {
    const tabId = await failingTab('http://192.168.0.1/cgi-bin/apply.cgi?dns=6.6.6.6');
    expect(await readRetry('http://192.168.0.1')).toBeUndefined();
    await advance(120_000);
    expect(probed).toEqual([]);
    expect(reloads).toEqual([]);
    expect(await readIncident(tabId)).toBeDefined();
  });

  it('starts a schedule with a pending badge, probes instead of reloading, and reloads once a probe succeeds', async () => {
    const tabId = await failingTab();
    const record = await readRetry(ORIGIN);
    expect(record).toMatchObject({ origin: ORIGIN, tabs: [tabId], state: 'waiting', probes: 0 });
    expect(record!.schedule.nextAt - NOW).toBeGreaterThanOrEqual(1000);
    expect(record!.schedule.nextAt - NOW).toBeLessThanOrEqual(5000);
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('↻502');
    expect(await fakeBrowser.alarms.get(await retryAlarmName(ORIGIN))).toBeDefined();

    await advance(5000);
    expect(probed).toEqual([`${ORIGIN}/cart`]);
    expect(reloads).toEqual([]); // still failing: the tab is not reloaded
    expect(await readRetry(ORIGIN)).toMatchObject({ probes: 1, state: 'waiting', lastProbe: { status: 502 } });

    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads).toEqual([tabId]);
    expect(reopened).toEqual([`${ORIGIN}/cart`]); // a GET navigation to the page, not a reload
    // Remembered for the relapse window (nothing pending), then forgotten by its alarm.
    expect(await readRetry(ORIGIN)).toMatchObject({ state: 'recovered', tabs: [], recoveries: 1 });
    expect(await fakeBrowser.alarms.get(await retryAlarmName(ORIGIN))).toBeDefined();
    await advance(RELAPSE_WINDOW_MS, 30_000);
    expect(await readRetry(ORIGIN)).toBeUndefined();
    expect(await fakeBrowser.alarms.get(await retryAlarmName(ORIGIN))).toBeUndefined();
    expect(probed).toHaveLength(2);
    expect(await fakeBrowser.storage.session.get(`recovered:${tabId}`)).toMatchObject({
      [`recovered:${tabId}`]: { host: 'shop.example', probes: 2 },
    });
  });

  it('shares one schedule between all tabs failing on an origin: ten tabs, one probe per step', async () => {
    const tabs: number[] = [];
    for (let i = 0; i < 10; i++) tabs.push(await failingTab(`${ORIGIN}/item/${i}`));
    expect(await allRetries()).toHaveLength(1);
    expect((await readRetry(ORIGIN))!.tabs).toEqual(tabs);
    await advance(5000);
    expect(probed).toHaveLength(1);
    site.answers = [{ status: 200, ms: 5 }];
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
    site.answers = [{ status: 503, retryAfter: '120', ms: 5 }];
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
    await handleTabChange(
      tabId,
      { url: 'https://elsewhere.example/', complete: false },
      { url: 'https://elsewhere.example/', incognito: false },
    );
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
    site.online = false;
    await retry.connectivityChanged(false);
    expect(await readRetry(ORIGIN)).toMatchObject({ state: 'offline' });
    await advance(10 * 60_000);
    expect(probed).toEqual([]);
    site.online = true;
    await retry.connectivityChanged(true);
    await advance(RESUME_SPREAD_PER_SCHEDULE_MS, 50); // one schedule resumes within 0.4 s
    expect(probed).toHaveLength(1);
  });

  it('notices being back online even when no online event arrives (Chromium workers)', async () => {
    await failingTab();
    site.online = false;
    await retry.connectivityChanged(false);
    await advance(10_000);
    expect(probed).toEqual([]);
    site.online = true; // no event
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
    site.answers = [{ status: 200, ms: 5 }];
    await advance(5000);
    const all = await fakeBrowser.notifications.getAll();
    expect(Object.keys(all)).toEqual([`recovered:${tabId}`]);
  });

  it("a private window's tab that comes back is notified without its site's name", async () => {
    const tabId = await failingTab();
    await fakeBrowser.tabs.create({ url: 'https://other.example/', active: true });
    await fakeBrowser.tabs.update(tabId, { active: false });
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ ...(await realGet(id)), incognito: id === tabId }));
    const created = vi.spyOn(fakeBrowser.notifications, 'create');
    site.answers = [{ status: 200, ms: 5 }];
    await advance(5000);
    expect(created.mock.calls.map((c) => c[0])).toEqual([`recovered:${tabId}`]);
    const shown = JSON.stringify(created.mock.calls);
    expect(created.mock.calls[0]?.[1]).not.toMatchObject({ title: expect.stringContaining('shop') });
    expect(shown, shown).not.toContain(new URL(ORIGIN).hostname);
  });
});

describe('what "back" means, and what happens after it', () => {
  /** The page the tab loads again fails again (a CDN serves the anonymous probe, the visitor's own request fails). */
  async function relapse(tabId: number, url = `${ORIGIN}/cart`): Promise<void> {
    await handleFrameResponse({ tabId, frame: 'main', url, status: 502, method: 'GET', headers: [], time: Date.now() });
  }

  it.each([
    ['a redirect (to a login page, say)', { redirect: true, ms: 5 }],
    ['401', { status: 401, ms: 5 }],
    ['403', { status: 403, ms: 5 }],
    ['404', { status: 404, ms: 5 }],
    ['429', { status: 429, ms: 5 }],
  ])('a probe answered with %s is not "back": nothing is reloaded and the schedule goes on', async (_, answer) => {
    const tabId = await failingTab();
    site.answers = [answer as ProbeResult];
    await advance(60_000);
    expect(probed.length).toBeGreaterThan(1);
    expect(reloads).toEqual([]);
    expect(await readRetry(ORIGIN)).toMatchObject({ state: 'waiting', tabs: [tabId] });
  });

  it('a tab failing again after a recovery continues the old schedule; recoveries are capped; one notification', async () => {
    const tabId = await failingTab();
    await fakeBrowser.tabs.create({ url: 'https://other.example/', active: true });
    await fakeBrowser.tabs.update(tabId, { active: false });
    const first = (await readRetry(ORIGIN))!.schedule;
    site.answers = [{ status: 200, ms: 5 }]; // the anonymous probe is always served
    const attempts: number[] = [];
    for (let round = 0; round < 10; round += 1) {
      await advance(5 * 60_000, 1000);
      const record = await readRetry(ORIGIN);
      if (record?.state === 'recovered' && !record.tabs.includes(tabId)) {
        await relapse(tabId);
        const again = (await readRetry(ORIGIN))!;
        attempts.push(again.schedule.attempt);
        // Same chain: same start and give-up time, a later attempt (never attempt 1 again).
        expect(again.schedule.startedAt).toBe(first.startedAt);
        expect(again.schedule.giveUpAt).toBe(first.giveUpAt);
      }
    }
    expect(reloads).toHaveLength(MAX_RECOVERIES);
    expect(attempts).toEqual([...attempts].sort((a, b) => a - b));
    expect(attempts[0]).toBeGreaterThan(1);
    const record = (await readRetry(ORIGIN))!;
    expect(record).toMatchObject({ state: 'page-fails', tabs: [tabId], recoveries: MAX_RECOVERIES });
    expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual([`recovered:${tabId}`]);
    const count = probed.length;
    await advance(30 * 60_000, 10_000);
    expect(probed).toHaveLength(count); // no more probes, no more reloads
    expect(reloads).toHaveLength(MAX_RECOVERIES);
    const { retryView } = await import('../../../../src/core/present/retry-view');
    const { decisionFor } = await import('../../../../src/core/retry/policy');
    const view = retryView({ record, tabId, decision: decisionFor((await readIncident(tabId))!, Date.now()), now: Date.now() });
    expect(view).toMatchObject({ kind: 'page-fails', status: { key: 'retry_page_fails_status', subs: ['shop.example'] } });
  });

  it('a failure after the relapse window starts a new schedule', async () => {
    const tabId = await failingTab();
    site.answers = [{ status: 200, ms: 5 }];
    await advance(10_000);
    expect(await readRetry(ORIGIN)).toMatchObject({ state: 'recovered' });
    await advance(RELAPSE_WINDOW_MS + 30_000, 30_000);
    await relapse(tabId);
    expect(await readRetry(ORIGIN)).toMatchObject({ state: 'waiting', probes: 0, schedule: { attempt: 1 } });
    expect((await readRetry(ORIGIN))!.recoveries).toBeUndefined();
  });
});

describe('a form is never loaded again by itself', () => {
  it('a tab that waited after a GET failure and then failed a POST on the same origin leaves the schedule', async () => {
    const tabId = await failingTab(`${ORIGIN}/basket`);
    const other = await failingTab(`${ORIGIN}/other`);
    await handleFrameResponse({
      tabId,
      frame: 'main',
      url: `${ORIGIN}/checkout`,
      status: 502,
      method: 'POST',
      headers: [],
      time: Date.now(),
    });
    expect((await readRetry(ORIGIN))!.tabs).toEqual([other]);
    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads).toEqual([other]);
  });

  it('a tab that moved on to another page, or is on its way to one, is not loaded again', async () => {
    // Chrome builds learn that a tab left its failing page only once the new page has loaded.
    const moved = await failingTab();
    const leaving = await failingTab(`${ORIGIN}/account`);
    const staying = await failingTab(`${ORIGIN}/orders#latest`);
    const realGet = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    const get = vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => {
      const tab = await realGet(id);
      if (id === moved) return { ...tab, url: 'https://elsewhere.example/' };
      if (id === leaving) return { ...tab, pendingUrl: 'https://elsewhere.example/' } as typeof tab;
      return tab;
    });
    try {
      site.answers = [{ status: 200, ms: 5 }];
      await advance(60_000);
      expect(reloads).toEqual([staying]);
    } finally {
      get.mockRestore();
    }
  });

  it('even if the record still lists it, a tab whose current incident is a POST is not loaded again', async () => {
    const tabId = await failingTab(`${ORIGIN}/basket`);
    const { writeIncident } = await import('../../../../src/platform/storage');
    const incident = (await readIncident(tabId))!;
    await writeIncident(tabId, { ...incident, url: `${ORIGIN}/checkout`, method: 'POST', retryable: false });
    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads).toEqual([]);
  });

  it('"Retry now" without an incident loads nothing (the method of the page on screen is unknown)', async () => {
    const tab = await fakeBrowser.tabs.create({ url: `${ORIGIN}/thanks` });
    expect(await retry.retryNow(tab.id!)).toBe(false);
    expect(reloads).toEqual([]);
  });
});

describe('every waiting tab comes back', () => {
  it('one tab that cannot be loaded again does not keep the others waiting', async () => {
    const tabs: number[] = [];
    for (let i = 0; i < 8; i += 1) tabs.push(await failingTab(`${ORIGIN}/item/${i}`));
    const update = fakeBrowser.tabs.update.bind(fakeBrowser.tabs);
    (fakeBrowser.tabs as unknown as { update: typeof update }).update = (async (id: number, props: object) => {
      if (id === tabs[2]) throw new Error('No tab with id');
      return update(id, props);
    }) as typeof update;
    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads.sort()).toEqual(tabs.filter((id) => id !== tabs[2]).sort());
    expect((await readRetry(ORIGIN))!.tabs).toEqual([]);
  });

  it('tabs that joined at every stage of the backoff come back with the one probe that finds the site back', async () => {
    const tabs: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      tabs.push(await failingTab(`${ORIGIN}/late/${i}`));
      await advance(4000);
    }
    site.answers = [{ status: 200, ms: 5 }];
    await advance(5 * 60_000, 1000);
    expect(reloads.sort()).toEqual([...tabs].sort());
  });

  it('a worker stopped while loading the tabs again finishes the job when it starts', async () => {
    const tabs = [await failingTab(`${ORIGIN}/a`), await failingTab(`${ORIGIN}/b`)];
    // What a worker stopped halfway leaves: the origin recovered, its tabs still listed.
    const { writeRetry } = await import('../../../../src/platform/storage');
    const record = (await readRetry(ORIGIN))!;
    await writeRetry({ ...record, state: 'recovered', recoveries: 1, recoveredAt: Date.now() });
    vi.clearAllTimers();
    await retry.resumeRetries();
    expect(reloads.sort()).toEqual([...tabs].sort());
    expect((await readRetry(ORIGIN))!.tabs).toEqual([]);
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
  });
});

describe('resuming many schedules at once', () => {
  it('sixteen overdue schedules are spread out when the worker starts, not probed in the same instant', async () => {
    for (let i = 0; i < 16; i += 1) await failingTab(`https://site${i}.example/`);
    vi.clearAllTimers();
    await vi.advanceTimersByTimeAsync(60_000); // every probe is overdue now
    let draws = 0;
    vi.spyOn(Math, 'random').mockImplementation(() => ((draws += 1) * 0.37) % 1);
    const times = (await allRetries()).map((r) => r.schedule.nextAt);
    expect(times.every((t) => t <= Date.now())).toBe(true);
    await retry.resumeRetries();
    const spread = (await allRetries()).map((r) => r.schedule.nextAt - Date.now());
    expect(Math.max(...spread)).toBeGreaterThan(1000);
    expect(Math.max(...spread)).toBeLessThanOrEqual(16 * RESUME_SPREAD_PER_SCHEDULE_MS);
    expect(new Set(spread).size).toBeGreaterThan(1);
  });
});

describe('history records how the incident ended', () => {
  const ended = async () => (await readHistory()).map((e) => ({ host: e.host, time: e.time, end: e.end }));

  it('came back by itself: when the auto-retry found it back', async () => {
    await failingTab();
    expect(await ended()).toEqual([{ host: 'shop.example', time: NOW, end: undefined }]);
    await advance(5000);
    site.answers = [{ status: 200, ms: 5 }];
    const before = Date.now();
    await advance(60_000);
    const [entry] = await ended();
    expect(entry!.end?.how).toBe('came-back');
    expect(entry!.end!.at).toBeGreaterThan(before);
    expect(entry!.end!.at - NOW).toBeLessThan(65_000);
  });

  it('retried by hand: when "retry now" found it back', async () => {
    const tabId = await failingTab();
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    site.answers = [{ status: 200, ms: 5 }];
    expect(await retry.retryNow(tabId)).toBe(true);
    expect((await ended())[0]!.end).toEqual({ how: 'retried', at: NOW + 4 * 60_000 });
  });

  it('gave up: and a later recovery does not rewrite the ending', async () => {
    await writeSettings({ ...DEFAULT_SETTINGS, giveUpMinutes: 5 });
    const tabId = await failingTab();
    await advance(6 * 60_000, 5000);
    expect(await readRetry(ORIGIN)).toMatchObject({ state: 'gave-up' });
    const end = (await ended())[0]!.end;
    expect(end?.how).toBe('gave-up');
    expect(end!.at - NOW).toBeGreaterThanOrEqual(5 * 60_000);
    site.answers = [{ status: 200, ms: 5 }];
    await retry.retryNow(tabId);
    expect((await ended())[0]!.end).toEqual(end);
  });

  it('still down: no ending while it waits', async () => {
    await failingTab();
    await advance(60_000);
    expect((await ended())[0]!.end).toBeUndefined();
  });
});

describe('the incident the caller holds is passed, not read again', () => {
  /** The session reads of `incident:<tabId>` that `task` makes. */
  async function incidentReads(tabId: number, task: () => Promise<unknown>): Promise<number> {
    const get = vi.spyOn(fakeBrowser.storage.session, 'get');
    await task();
    const reads = get.mock.calls.filter(([keys]) => JSON.stringify(keys ?? null).includes(`"incident:${tabId}"`)).length;
    get.mockRestore();
    return reads;
  }

  it('retryFailedTab and leaveRetry draw the badge from the incident they were given', async () => {
    const tabId = await failingTab();
    const incident = (await readIncident(tabId))!;
    expect(await incidentReads(tabId, () => retry.retryFailedTab(tabId, incident))).toBe(0);
    expect((await readRetry(ORIGIN))?.tabs).toEqual([tabId]);
    expect(await incidentReads(tabId, () => retry.leaveRetry(tabId, ORIGIN, { incident }))).toBe(0);
    expect(await readRetry(ORIGIN)).toBeUndefined();
    // The badge shows the incident, no longer waiting: the 502 as the page shows it.
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('502');
  });
});
