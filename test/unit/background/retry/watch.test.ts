import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { alarmClock, site, useFakeBackground } from '../../helpers/fake-background';
import { watchItem } from '../../../../src/core/retry/stored';
import { settingsItem } from '../../../../src/core/settings/stored';

const watch = await import('../../../../src/background/retry/watch');
const store = await import('../../../../src/platform/store');
const { WATCH_ENDED_KEEP_MS, WATCH_LIMIT } = await import('../../../../src/core/retry/watch');
const { DEFAULT_SETTINGS } = await import('../../../../src/core/settings/settings');

const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);
const ORIGIN = 'http://127.0.0.1:8080';

const { probed } = site;
/** Lets time pass: live timers fire, and due watch alarms are dispatched as the worker's onAlarm does. */
const advance = alarmClock(watch.WATCH_ALARM_PREFIX, watch.watchAlarm);
const { alarmId } = await import('../../../../src/platform/alarms');
/** The name of `origin`'s watch alarm: opaque, never the origin itself. */
const watchAlarmName = async (origin: string): Promise<string> => watch.WATCH_ALARM_PREFIX + (await alarmId(origin));

useFakeBackground({ now: NOW });
beforeEach(() => {
  site.answers = [{ error: 'net::ERR_CONNECTION_REFUSED', ms: 1 }];
});

describe('tell me when it’s back', () => {
  it('probes the typed site on the retry schedule, then notifies once and ends', async () => {
    expect(await watch.watchSite('http://127.0.0.1:8080/some/page')).toMatchObject({ host: '127.0.0.1', state: 'watching' });
    expect(await fakeBrowser.alarms.get(await watchAlarmName(ORIGIN))).toBeDefined();
    await advance(5_000);
    expect(probed.length).toBeGreaterThanOrEqual(1);
    expect(new Set(probed)).toEqual(new Set([`${ORIGIN}/`]));
    expect((await store.read(watchItem, ORIGIN))?.state).toBe('watching');
    expect(await fakeBrowser.notifications.getAll()).toEqual({});

    site.answers = [{ status: 200, ms: 1 }];
    await advance(60_000);
    const ended = await store.read(watchItem, ORIGIN);
    expect(ended).toMatchObject({ state: 'back', notified: true });
    const shown = await fakeBrowser.notifications.getAll();
    expect(Object.keys(shown)).toEqual([`watch-back:${ORIGIN}`]);
    // The watch is over: no alarm, no further probes.
    expect(await fakeBrowser.alarms.get(await watchAlarmName(ORIGIN))).toBeUndefined();
    const count = probed.length;
    await advance(300_000, 10_000);
    expect(probed.length).toBe(count);
    expect(await watch.urlOfWatchNotification(`watch-back:${ORIGIN}`)).toBe(`${ORIGIN}/`);
  });

  it("a private window's watch: its notification names the site nowhere (title, text, id), and still opens it; normal windows do not see it", async () => {
    const clinic = 'https://secret-clinic.example';
    const created = vi.spyOn(fakeBrowser.notifications, 'create');
    expect(await watch.watchSite('secret-clinic.example', { inPrivate: true })).toMatchObject({ private: true });
    const { popupState } = await import('../../../../src/background/pages/popup-state');
    expect((await popupState(undefined, 'secret-clinic.example', false)).watch).toBeUndefined();
    site.answers = [{ status: 200, ms: 1 }];
    await advance(60_000);
    expect(await store.read(watchItem, clinic)).toMatchObject({ state: 'back', notified: true, private: true });
    expect(created).toHaveBeenCalledTimes(1);
    const shown = JSON.stringify(created.mock.calls);
    expect(shown, shown).not.toMatch(/clinic/);
    const [id] = created.mock.calls[0] as unknown as [string];
    expect(id).toMatch(/^watch-back:[0-9a-f]{32}$/);
    expect(await watch.urlOfWatchNotification(id)).toBe(`${clinic}/`);
  });

  it('without notifications (settings), it still ends, unannounced', async () => {
    await store.write(settingsItem, { ...DEFAULT_SETTINGS, notifications: false });
    site.answers = [{ status: 200, ms: 1 }];
    await watch.watchSite('http://127.0.0.1:8080');
    await advance(10_000);
    expect((await store.read(watchItem, ORIGIN))?.state).toBe('back');
    expect((await store.read(watchItem, ORIGIN))?.notified).toBeUndefined();
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
  });

  it('"Stop watching" ends it: no probe after', async () => {
    await watch.watchSite('127.0.0.1:8080');
    // Typed without http://: the front page over https.
    expect(await store.read(watchItem, 'https://127.0.0.1:8080')).toBeDefined();
    expect(await watch.unwatchSite('127.0.0.1:8080')).toBe(true);
    expect(await store.read(watchItem, 'https://127.0.0.1:8080')).toBeUndefined();
    await advance(60_000);
    expect(probed).toEqual([]);
  });

  it('a worker started again resumes the watch from storage', async () => {
    await watch.watchSite('http://127.0.0.1:8080');
    await fakeBrowser.alarms.clearAll();
    await watch.resumeWatches();
    expect(await fakeBrowser.alarms.get(await watchAlarmName(ORIGIN))).toBeDefined();
  });

  it('refuses what is not a web site', async () => {
    expect(await watch.watchSite('javascript:alert(1)')).toBeUndefined();
    expect(await watch.watchSite('')).toBeUndefined();
  });
});

describe('watch records are bounded', () => {
  it(`an ended watch is removed ${WATCH_ENDED_KEEP_MS / 60_000} min after it ended; its notification still opens`, async () => {
    site.answers = [{ status: 200, ms: 1 }];
    await watch.watchSite('http://127.0.0.1:8080');
    await advance(10_000);
    expect((await store.read(watchItem, ORIGIN))?.state).toBe('back');
    await watch.resumeWatches();
    expect((await store.read(watchItem, ORIGIN))?.state).toBe('back'); // the popup still shows "It's back up"
    await vi.advanceTimersByTimeAsync(WATCH_ENDED_KEEP_MS);
    await watch.resumeWatches();
    expect(await store.read(watchItem, ORIGIN)).toBeUndefined();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    expect(await watch.urlOfWatchNotification(`watch-back:${ORIGIN}`)).toBe(`${ORIGIN}/`);
    expect(await watch.urlOfWatchNotification('watch-back:https://a.example/evil')).toBeUndefined();
  });

  it(`at most ${WATCH_LIMIT} records: a new watch drops ended ones first, then the oldest, with its timer and alarm`, async () => {
    site.answers = [{ status: 200, ms: 1 }];
    await watch.watchSite('https://ended.example');
    await advance(10_000);
    site.answers = [{ error: 'net::ERR_CONNECTION_REFUSED', ms: 1 }];
    for (let i = 0; i < WATCH_LIMIT; i++) {
      await watch.watchSite(`https://s${i}.example`);
      await vi.advanceTimersByTimeAsync(1);
    }
    const origins = (await store.readAll(watchItem)).map((w) => w.schedule.origin);
    expect(origins).toHaveLength(WATCH_LIMIT);
    expect(origins).not.toContain('https://ended.example');
    await watch.watchSite('https://new.example');
    const after = (await store.readAll(watchItem)).map((w) => w.schedule.origin);
    expect(after).toHaveLength(WATCH_LIMIT);
    expect(after).toContain('https://new.example');
    expect(after).not.toContain('https://s0.example');
    expect(await fakeBrowser.alarms.get(await watchAlarmName('https://s0.example'))).toBeUndefined();
    expect(await fakeBrowser.alarms.getAll()).toHaveLength(WATCH_LIMIT);
  });
});
