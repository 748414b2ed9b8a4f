/**
 * Alarm names. Chrome keeps alarms on disk, so a name must not say which site it is for (a private
 * window's site would outlive the session there): after its prefix (`retry:`, `watch:`) comes an
 * opaque id, a keyed hash of the origin (platform/alarms.ts). Versions up to 0.1.x put the origin
 * itself there; such names are still understood, and cleared at the worker's start.
 */

/** An alarm id: 32 hex digits (128 bits of a keyed hash). */
export const ALARM_ID = /^[0-9a-f]{32}$/;
/** The key of that hash as stored (`alarm-key` in storage.session): 32 hex digits. */
export const ALARM_KEY = /^[0-9a-f]{32}$/;

/** What follows an alarm's prefix: this version's opaque id, or an older version's origin. */
export function alarmTarget(rest: string): { id: string } | { origin: string } | undefined {
  if (ALARM_ID.test(rest)) return { id: rest };
  return legacyOrigin(rest) === undefined ? undefined : { origin: rest };
}

/** Whether an alarm's name carries a site's origin, as older versions named them. */
export const isLegacyAlarmName = (name: string, prefixes: readonly string[]): boolean =>
  prefixes.some((prefix) => name.startsWith(prefix) && legacyOrigin(name.slice(prefix.length)) !== undefined);

function legacyOrigin(rest: string): string | undefined {
  try {
    const url = new URL(rest);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === rest ? rest : undefined;
  } catch {
    return undefined;
  }
}

export const parseAlarmKey = (value: unknown): string | undefined =>
  typeof value === 'string' && ALARM_KEY.test(value) ? value : undefined;
