/**
 * The wake-ups of the per-origin probe schedules, auto-retry's (probe.ts) and the watches'
 * (watch.ts), in one place: a live timer for waits shorter than an alarm can be (losing it with the
 * worker only costs the alarm's delay), and an alarm always, as the safety net.
 */
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../../core/retry/policy';
import { ALARM_MIN_DELAY_MS, waitMechanism } from '../../core/retry/schedule';
import type { Settings } from '../../model/settings';
import { after, cancel, type Timer } from '../../core/async/timers';
import { alarmTarget } from '../../core/retry/alarm-names';
import { alarmId, clearAlarm, originOfAlarm, setAlarm } from '../../platform/alarms';

/** Offline, the browser is looked at again this often (workers do not always get the 'online' event). */
export const OFFLINE_RECHECK_MS = 2_000;

/** The schedule's options under the visitor's settings (their give-up time). */
export const retryOptionsFor = (settings: Settings): RetryOptions => ({
  ...DEFAULT_RETRY_OPTIONS,
  giveUpAfterMs: settings.giveUpMinutes === null ? null : settings.giveUpMinutes * 60_000,
});

export interface WakeUps {
  /** Probes at `nextAt`: a live timer when that is soon, and the alarm (never sooner than alarms can be). */
  waitUntil(origin: string, nextAt: number): Promise<void>;
  /**
   * Paused offline: looks again every few seconds (Chromium's offline emulation changes
   * navigator.onLine without the 'online' event), and by alarm.
   */
  recheckOffline(origin: string): Promise<void>;
  /** Only the alarm, at `at` (or as soon as alarms can be): a wake-up that needs no live timer. */
  alarmAt(origin: string, at: number): Promise<void>;
  /** Nothing left to wake up for: no timer, no alarm. */
  stop(origin: string): Promise<void>;
  /** The live timer only (the alarm stays). */
  clearTimer(origin: string): void;
}

/**
 * The origin an alarm named `<prefix><rest>` wakes up for: one of `origins` (the records that can
 * have alarms) whose opaque id is `rest`, or the origin itself in a name an older version gave.
 */
export async function alarmOrigin(rest: string, origins: () => Promise<readonly string[]>): Promise<string | undefined> {
  const target = alarmTarget(rest);
  if (!target) return undefined;
  return 'origin' in target ? target.origin : originOfAlarm(target.id, await origins());
}

/** Timers and alarms (`<alarmPrefix><opaque id of the origin>`) that call `probe(origin)`; its failures go to `report`. */
export function wakeUps(alarmPrefix: string, probe: (origin: string) => Promise<unknown>, report: (error: unknown) => void): WakeUps {
  const timers = new Map<string, Timer>();
  const alarmName = async (origin: string): Promise<string> => alarmPrefix + (await alarmId(origin));
  const clearTimer = (origin: string): void => {
    cancel(timers.get(origin));
    timers.delete(origin);
  };
  const wakeIn = (origin: string, ms: number): void => {
    timers.set(
      origin,
      after(ms, () => void probe(origin).catch(report)),
    );
  };
  return {
    clearTimer,
    async waitUntil(origin, nextAt) {
      clearTimer(origin);
      const now = Date.now();
      const delay = Math.max(0, nextAt - now);
      if (waitMechanism(delay) === 'timer') wakeIn(origin, delay);
      await setAlarm(await alarmName(origin), Math.max(nextAt, now + ALARM_MIN_DELAY_MS));
    },
    async recheckOffline(origin) {
      clearTimer(origin);
      wakeIn(origin, OFFLINE_RECHECK_MS);
      await setAlarm(await alarmName(origin), Date.now() + ALARM_MIN_DELAY_MS);
    },
    async alarmAt(origin, at) {
      clearTimer(origin);
      await setAlarm(await alarmName(origin), Math.max(at, Date.now() + ALARM_MIN_DELAY_MS));
    },
    async stop(origin) {
      clearTimer(origin);
      await clearAlarm(await alarmName(origin));
    },
  };
}
