// The probes of a schedule (retry/probe.ts): the page without its query, backing off, giving up, and what "back" means.
import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../../../src/platform/probe';
import { fakeBrowser } from '@webext-core/fake-browser';
import {
  site,
  probed,
  ORIGIN,
  NOW,
  reloads,
  reopened,
  failingTab,
  advance,
  retryAlarmName,
  retry,
  handleFrameResponse,
  useRetryWorld,
} from '../../helpers/fake-retry';
import { incidentItem } from '../../../../src/core/incident/stored';
import { retryItem } from '../../../../src/core/retry/stored';
import { settingsItem } from '../../../../src/core/settings/stored';
const store = await import('../../../../src/platform/store');
const { DEFAULT_SETTINGS } = await import('../../../../src/core/settings/settings');
const { MAX_RECOVERIES, RELAPSE_WINDOW_MS } = await import('../../../../src/core/retry/schedule');

useRetryWorld();

describe('probing a failed page’s origin', () => {
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
    expect(await store.read(retryItem, 'http://192.168.0.1')).toBeUndefined();
    await advance(120_000);
    expect(probed).toEqual([]);
    expect(reloads).toEqual([]);
    expect(await store.read(incidentItem, tabId)).toBeDefined();
  });

  it('starts a schedule with a pending badge, probes instead of reloading, and reloads once a probe succeeds', async () => {
    const tabId = await failingTab();
    const record = await store.read(retryItem, ORIGIN);
    expect(record).toMatchObject({ origin: ORIGIN, tabs: [tabId], state: 'waiting', probes: 0 });
    expect(record!.schedule.nextAt - NOW).toBeGreaterThanOrEqual(1000);
    expect(record!.schedule.nextAt - NOW).toBeLessThanOrEqual(5000);
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('↻502');
    expect(await fakeBrowser.alarms.get(await retryAlarmName(ORIGIN))).toBeDefined();

    await advance(5000);
    expect(probed).toEqual([`${ORIGIN}/cart`]);
    expect(reloads).toEqual([]); // still failing: the tab is not reloaded
    expect(await store.read(retryItem, ORIGIN)).toMatchObject({ probes: 1, state: 'waiting', lastProbe: { status: 502 } });

    site.answers = [{ status: 200, ms: 5 }];
    await advance(60_000);
    expect(reloads).toEqual([tabId]);
    expect(reopened).toEqual([`${ORIGIN}/cart`]); // a GET navigation to the page, not a reload
    // Remembered for the relapse window (nothing pending), then forgotten by its alarm.
    expect(await store.read(retryItem, ORIGIN)).toMatchObject({ state: 'recovered', tabs: [], recoveries: 1 });
    expect(await fakeBrowser.alarms.get(await retryAlarmName(ORIGIN))).toBeDefined();
    await advance(RELAPSE_WINDOW_MS, 30_000);
    expect(await store.read(retryItem, ORIGIN)).toBeUndefined();
    expect(await fakeBrowser.alarms.get(await retryAlarmName(ORIGIN))).toBeUndefined();
    expect(probed).toHaveLength(2);
    expect(await fakeBrowser.storage.session.get(`recovered:${tabId}`)).toMatchObject({
      [`recovered:${tabId}`]: { host: 'shop.example', probes: 2 },
    });
  });

  it('honours a Retry-After sent with a failed probe', async () => {
    await failingTab();
    site.answers = [{ status: 503, retryAfter: '120', ms: 5 }];
    await advance(5000);
    const record = (await store.read(retryItem, ORIGIN))!;
    expect(record.schedule.nextAt - record.lastProbe!.at).toBeGreaterThanOrEqual(120_000);
    await advance(100_000);
    expect(probed).toHaveLength(1);
    await advance(30_000);
    expect(probed).toHaveLength(2);
  });

  it('gives up after the configured time and says so on the badge', async () => {
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, giveUpMinutes: 5 });
    const tabId = await failingTab();
    await advance(6 * 60_000, 5000);
    expect(await store.read(retryItem, ORIGIN)).toMatchObject({ state: 'gave-up' });
    const count = probed.length;
    expect(count).toBeGreaterThan(2);
    expect(count).toBeLessThan(15);
    await advance(30 * 60_000, 10_000);
    expect(probed).toHaveLength(count);
    expect(await fakeBrowser.action.getBadgeText({ tabId })).toBe('502');
    expect(await fakeBrowser.action.getTitle({ tabId })).toMatch(/Stopped retrying/);
  });

  it('an alarm that fires early or twice does not cause an extra probe', async () => {
    await failingTab();
    expect(await retry.probeOrigin(ORIGIN)).toBe('skipped'); // not due yet
    await advance(5000);
    expect(await retry.probeOrigin(ORIGIN)).toBe('skipped'); // just probed, next one later
    expect(probed).toHaveLength(1);
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
    expect(await store.read(retryItem, ORIGIN)).toMatchObject({ state: 'waiting', tabs: [tabId] });
  });

  it('a tab failing again after a recovery continues the old schedule; recoveries are capped; one notification', async () => {
    const tabId = await failingTab();
    await fakeBrowser.tabs.create({ url: 'https://other.example/', active: true });
    await fakeBrowser.tabs.update(tabId, { active: false });
    const first = (await store.read(retryItem, ORIGIN))!.schedule;
    // Whoever sees "page-fails" must find nothing pending: the alarm is gone before the state is written.
    const alarmAtEnd: boolean[] = [];
    const name = await retryAlarmName(ORIGIN);
    fakeBrowser.storage.session.onChanged.addListener((changes) => {
      const change = changes[`retry:${ORIGIN}`]?.newValue as { state?: string } | undefined;
      if (change?.state === 'page-fails') void fakeBrowser.alarms.get(name).then((a) => alarmAtEnd.push(a !== undefined));
    });
    site.answers = [{ status: 200, ms: 5 }]; // the anonymous probe is always served
    const attempts: number[] = [];
    for (let round = 0; round < 10; round += 1) {
      await advance(5 * 60_000, 1000);
      const record = await store.read(retryItem, ORIGIN);
      if (record?.state === 'recovered' && !record.tabs.includes(tabId)) {
        await relapse(tabId);
        const again = (await store.read(retryItem, ORIGIN))!;
        attempts.push(again.schedule.attempt);
        // Same chain: same start and give-up time, a later attempt (never attempt 1 again).
        expect(again.schedule.startedAt).toBe(first.startedAt);
        expect(again.schedule.giveUpAt).toBe(first.giveUpAt);
      }
    }
    expect(reloads).toHaveLength(MAX_RECOVERIES);
    expect(attempts).toEqual([...attempts].sort((a, b) => a - b));
    expect(attempts[0]).toBeGreaterThan(1);
    const record = (await store.read(retryItem, ORIGIN))!;
    expect(record).toMatchObject({ state: 'page-fails', tabs: [tabId], recoveries: MAX_RECOVERIES });
    expect(alarmAtEnd).toEqual([false]);
    expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual([`recovered:${tabId}`]);
    const count = probed.length;
    await advance(30 * 60_000, 10_000);
    expect(probed).toHaveLength(count); // no more probes, no more reloads
    expect(reloads).toHaveLength(MAX_RECOVERIES);
    const { retryView } = await import('../../../../src/core/present/retry-view');
    const { decisionFor } = await import('../../../../src/core/retry/policy');
    const view = retryView({ record, tabId, decision: decisionFor((await store.read(incidentItem, tabId))!, Date.now()), now: Date.now() });
    expect(view).toMatchObject({ kind: 'page-fails', status: { key: 'retry_page_fails_status', subs: ['shop.example'] } });
  });

  it('a failure after the relapse window starts a new schedule', async () => {
    const tabId = await failingTab();
    site.answers = [{ status: 200, ms: 5 }];
    await advance(10_000);
    expect(await store.read(retryItem, ORIGIN)).toMatchObject({ state: 'recovered' });
    await advance(RELAPSE_WINDOW_MS + 30_000, 30_000);
    await relapse(tabId);
    expect(await store.read(retryItem, ORIGIN)).toMatchObject({ state: 'waiting', probes: 0, schedule: { attempt: 1 } });
    expect((await store.read(retryItem, ORIGIN))!.recoveries).toBeUndefined();
  });
});
