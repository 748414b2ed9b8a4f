// Alarm names never name a site (Chrome keeps alarms on disk, a private window's site included):
// `retry:` and `watch:` are followed by an opaque id, a keyed hash of the origin whose key lives only
// in storage.session. Names older versions gave (`retry:<origin>`) are still understood, and cleared.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { site, useFakeBackground } from '../helpers/fake-background';
import { retryItem } from '../../../src/core/retry/stored';

const record = await import('../../../src/background/incident/observe');
const retry = await import('../../../src/background/retry/probe');
const watch = await import('../../../src/background/retry/watch');
const alarms = await import('../../../src/platform/alarms');
const store = await import('../../../src/platform/store');

const CLINIC = 'https://secret-clinic.example';
const WATCHED = 'https://watched-site.example';
const OPAQUE = /^(retry|watch):[0-9a-f]{32}$/;

async function failingTab(url: string): Promise<number> {
  const tab = await fakeBrowser.tabs.create({ url });
  await record.recordHttpAnswer({
    kind: 'http',
    tabId: tab.id!,
    frame: 'main',
    url,
    status: 502,
    method: 'GET',
    headers: [],
    time: Date.now(),
  });
  return tab.id!;
}

const names = async (): Promise<string[]> => (await fakeBrowser.alarms.getAll()).map((a) => a.name).sort();

useFakeBackground({ now: Date.UTC(2026, 11, 7, 9, 0, 0) });

describe('alarm names', () => {
  it('a retry schedule and a watch set alarms whose names say nothing of their sites', async () => {
    await failingTab(`${CLINIC}/appointments`);
    await watch.watchSite('watched-site.example');
    const all = await names();
    expect(all).toHaveLength(2);
    for (const name of all) {
      expect(name).toMatch(OPAQUE);
      expect(name).not.toMatch(/clinic|watched|example|https?/);
    }
  });

  it('an alarm going off wakes the schedule it stands for, and only that one', async () => {
    await failingTab(`${CLINIC}/appointments`);
    await failingTab('https://other.example/');
    site.probed.length = 0;
    const id = await alarms.alarmId(CLINIC);
    expect((await names()).filter((n) => n.startsWith(retry.ALARM_PREFIX))).toContain(`retry:${id}`);
    await vi.advanceTimersByTimeAsync(0);
    const before = site.probed.length;
    // A probe is only sent when it is due: make it due, then let the alarm go off.
    const stored = await store.read(retryItem, CLINIC);
    await store.write(retryItem, { ...stored!, schedule: { ...stored!.schedule, nextAt: Date.now() } });
    await retry.retryAlarm(id);
    expect(site.probed.slice(before)).toEqual([`${CLINIC}/appointments`]);
  });

  it('the same origin gets the same id while the browser runs; a new session (new key) another one', async () => {
    const first = await alarms.alarmId(CLINIC);
    expect(await alarms.alarmId(CLINIC)).toBe(first);
    expect(await alarms.alarmId(WATCHED)).not.toBe(first);
    await fakeBrowser.storage.session.clear();
    alarms.forgetAlarmKey();
    expect(await alarms.alarmId(CLINIC)).not.toBe(first);
  });

  it('an id that stands for no record wakes nothing', async () => {
    await failingTab(`${CLINIC}/appointments`);
    site.probed.length = 0;
    await retry.retryAlarm('0'.repeat(32));
    await retry.retryAlarm('not an id');
    expect(site.probed).toEqual([]);
  });
});

describe('alarms an older version named after their site', () => {
  it('one going off before the clean-up still wakes its schedule', async () => {
    await failingTab(`${CLINIC}/appointments`);
    const stored = await store.read(retryItem, CLINIC);
    await store.write(retryItem, { ...stored!, schedule: { ...stored!.schedule, nextAt: Date.now() } });
    site.probed.length = 0;
    await retry.retryAlarm(CLINIC);
    expect(site.probed).toEqual([`${CLINIC}/appointments`]);
  });

  it('are cleared at the worker start; this version’s alarms stay', async () => {
    await failingTab(`${CLINIC}/appointments`);
    const mine = await names();
    await fakeBrowser.alarms.create(`retry:${CLINIC}`, { when: Date.now() + 60_000 });
    await fakeBrowser.alarms.create(`watch:${WATCHED}`, { when: Date.now() + 60_000 });
    await fakeBrowser.alarms.create('someone-else', { when: Date.now() + 60_000 });
    expect(await alarms.clearLegacyAlarms([retry.ALARM_PREFIX, watch.WATCH_ALARM_PREFIX])).toEqual([`retry:${CLINIC}`, `watch:${WATCHED}`]);
    expect(await names()).toEqual([...mine, 'someone-else'].sort());
  });
});
