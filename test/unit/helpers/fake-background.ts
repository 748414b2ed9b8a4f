/**
 * The background worker's world for its unit tests, in one place: @webext-core/fake-browser as
 * webextension-polyfill (reset before each test), the site as the probes see it (scripted answers,
 * the URLs asked), the diagnosis stubbed (it has its own tests; here it must never reach the
 * network), i18n from the English messages, and `navigator.onLine` under the test's control.
 *
 * Import it before the modules under test (the tests import those dynamically, after it), and call
 * `useFakeBackground()` once at the top level of the test file.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import en from '../../../public/_locales/en/messages.json';
import type { ProbeResult } from '../../../src/platform/probe';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

/** The site, as the probes see it: each probe takes the next answer (the last one repeats); `probed` lists the URLs asked. */
export const site = { answers: [] as ProbeResult[], probed: [] as string[], online: true };

vi.mock('../../../src/platform/probe', () => ({
  probe: vi.fn(async (url: string) => {
    site.probed.push(url);
    return site.answers.length > 1 ? site.answers.shift()! : site.answers[0]!;
  }),
  probeHeaders: vi.fn(async () => ({})),
}));

/** The diagnosis, stubbed: calls are recorded, nothing runs. */
export const diagnoseTab = vi.fn(async (..._args: unknown[]) => undefined);
vi.mock('../../../src/background/diagnosis/diagnose', () => ({
  diagnoseTab,
  diagnoseHost: vi.fn(async () => undefined),
  dropDiagnosis: vi.fn(async () => undefined),
}));

const messages = en as Record<string, { message: string }>;

/**
 * Registers the fake's set-up and clean-up around every test of the file. `now`: time is fake from
 * that instant (setTimeout, clearTimeout and Date; move it with `alarmClock`) and Math.random is 0.5.
 */
export function useFakeBackground({ now }: { now?: number } = {}): void {
  beforeEach(() => {
    fakeBrowser.reset();
    diagnoseTab.mockClear();
    if (now !== undefined) {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now });
      vi.spyOn(Math, 'random').mockReturnValue(0.5);
    }
    site.answers = [{ status: 502, ms: 5 }];
    site.probed.length = 0;
    site.online = true;
    vi.stubGlobal('navigator', {
      get onLine() {
        return site.online;
      },
    });
    fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
      const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
      return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
    }) as typeof fakeBrowser.i18n.getMessage;
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
}

/**
 * Lets fake time pass: live timers fire, and so do due alarms named `prefix…` (the fake browser
 * keeps alarms but never fires them), dispatched with the rest of the name as the worker's onAlarm
 * listener does.
 */
export function alarmClock(prefix: string, fire: (key: string) => Promise<unknown>): (ms: number, step?: number) => Promise<void> {
  return async (ms, step = 1000) => {
    for (let left = ms; left > 0; left -= step) {
      await vi.advanceTimersByTimeAsync(Math.min(step, left));
      for (const alarm of await fakeBrowser.alarms.getAll()) {
        if (alarm.scheduledTime > Date.now() || !alarm.name.startsWith(prefix)) continue;
        await fakeBrowser.alarms.clear(alarm.name);
        await fire(alarm.name.slice(prefix.length));
      }
    }
  };
}
