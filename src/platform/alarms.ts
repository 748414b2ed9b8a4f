import { browser } from './browser';
import { isLegacyAlarmName } from '../core/retry/alarm-names';
import { toHex } from '../core/crowd/report';
import { hmacSha256 } from '../core/retry/hmac';
import { alarmKeyItem } from '../core/retry/stored';
import { read, write } from './store';

/** Alarms survive the worker being stopped; their names say what to wake up for, never for which site. */
export async function setAlarm(name: string, when: number): Promise<void> {
  await browser.alarms.create(name, { when });
}

export async function clearAlarm(name: string): Promise<void> {
  await browser.alarms.clear(name);
}

export function onAlarm(listener: (name: string) => void): void {
  browser.alarms.onAlarm.addListener((alarm) => listener(alarm.name));
}

/** Alarms older versions named after a site (`retry:<origin>`): cleared; the worker's start arms each schedule anew. */
export async function clearLegacyAlarms(prefixes: readonly string[]): Promise<string[]> {
  const legacy = (await browser.alarms.getAll()).map((a) => a.name).filter((name) => isLegacyAlarmName(name, prefixes));
  for (const name of legacy) await browser.alarms.clear(name);
  return legacy;
}

/**
 * The HMAC key of the alarms' ids: made once per browser session and kept in `storage.session`
 * (gone when the browser quits, so a name left on disk cannot be tied to a site). One load per worker.
 */
let keyLoading: Promise<Uint8Array> | undefined;

function alarmKey(): Promise<Uint8Array> {
  keyLoading ??= (async () => {
    let hex = await read(alarmKeyItem);
    if (!hex) {
      hex = toHex(crypto.getRandomValues(new Uint8Array(16)));
      await write(alarmKeyItem, hex);
    }
    return new Uint8Array(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
  })();
  keyLoading.catch(() => (keyLoading = undefined));
  return keyLoading;
}

/** The opaque id of `origin`'s alarms: the first 128 bits of HMAC-SHA-256(key, origin), in hex. */
export async function alarmId(origin: string): Promise<string> {
  return toHex(hmacSha256(await alarmKey(), new TextEncoder().encode(origin)).slice(0, 16));
}

/** Which of `origins` an alarm id stands for (the ids are computed again: nothing maps them back). */
export async function originOfAlarm(id: string, origins: readonly string[]): Promise<string | undefined> {
  for (const origin of origins) if ((await alarmId(origin)) === id) return origin;
  return undefined;
}

/** Forgets the loaded key: the next id reads it from storage again (tests). */
export function forgetAlarmKey(): void {
  keyLoading = undefined;
}
