/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.
 *
 * The header comes from a server that is, by definition, misbehaving right now, so anything odd
 * is ignored (`undefined`) rather than trusted or thrown: decimals, signs, lists, garbage, values
 * too long to be real. A usable value is turned into a wait in milliseconds and bounded:
 *
 * - a date already in the past (or `0`) means "now": 0 ms;
 * - waits up to {@link RETRY_AFTER_MAX_MS} (1 h) are honoured as given;
 * - waits between 1 h and {@link RETRY_AFTER_IMPLAUSIBLE_MS} (1 day) are clamped to 1 h: a
 *   visitor who kept the tab open that long still gets the page back, and the default give-up
 *   (30 min) ends the wait anyway;
 * - waits beyond 1 day are treated as absent: they are overflowed counters (`4294967295`),
 *   clock-skewed dates or "come back next week" pages, none of which says when to look again.
 */

/** Longest wait a `Retry-After` can impose on Downcheck. */
export const RETRY_AFTER_MAX_MS = 60 * 60 * 1000;

/** Beyond this the header is ignored rather than clamped (see the module comment). */
export const RETRY_AFTER_IMPLAUSIBLE_MS = 24 * 60 * 60 * 1000;

/** Longer values are not a delay or a date (an IMF-fixdate is 29 characters). */
const MAX_VALUE_LENGTH = 64;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const DAY = DAYS.join('|');
const MONTH = MONTHS.join('|');
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` — the only form a sender may generate. */
const IMF_FIXDATE = new RegExp(`^(?:${DAY}), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` — obsolete, two-digit year. */
const RFC850_DATE = new RegExp(`^(?:${LONG_DAYS.join('|')}), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` — obsolete, C's asctime(); the day is space-padded. */
const ASCTIME_DATE = new RegExp(`^(?:${DAY}) (${MONTH}) ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/**
 * The wait a `Retry-After` value asks for, in ms, or `undefined` when the value is absent or not
 * usable. `now` (epoch ms) is only needed for the HTTP-date form. Never throws.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) return undefined;
  // Field values arrive with optional whitespace (SP / HTAB) around them, nothing else.
  const text = value.replace(/^[ \t]+|[ \t]+$/g, '');
  if (/^\d+$/.test(text)) return bound(Number(text) * 1000);
  const date = parseHttpDate(text, now);
  if (date === undefined || !Number.isFinite(now)) return undefined;
  return bound(date - now);
}

function bound(delayMs: number): number | undefined {
  if (!Number.isFinite(delayMs) || delayMs > RETRY_AFTER_IMPLAUSIBLE_MS) return undefined;
  return Math.min(Math.max(delayMs, 0), RETRY_AFTER_MAX_MS);
}

/**
 * Epoch ms of an HTTP-date (RFC 9110 §5.6.7) in any of its three forms, or `undefined`. The day
 * name must be a real one but is not checked against the date: a wrong weekday is a sender's typo,
 * not a reason to lose the time it names.
 */
export function parseHttpDate(text: string, now: number): number | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(Number(m[3]), m[2], m[1], m[4], m[5], m[6]);
  m = RFC850_DATE.exec(text);
  if (m) return utc(fullYear(Number(m[3]), now), m[2], m[1], m[4], m[5], m[6]);
  m = ASCTIME_DATE.exec(text);
  if (m) return utc(Number(m[6]), m[1], m[2], m[3], m[4], m[5]);
  return undefined;
}

/**
 * RFC 9110: a two-digit year that would be more than 50 years in the future is the most recent
 * past year with those last two digits.
 */
function fullYear(twoDigits: number, now: number): number {
  const thisYear = Number.isFinite(now) ? new Date(now).getUTCFullYear() : 2000;
  let year = thisYear - (thisYear % 100) + twoDigits;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function utc(
  year: number,
  monthName: string | undefined,
  dayText: string | undefined,
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
): number | undefined {
  const month = MONTHS.indexOf(monthName as (typeof MONTHS)[number]);
  const day = Number(dayText);
  const [hour, minute, second] = [Number(hourText), Number(minuteText), Number(secondText)];
  // Second 60 is a leap second, which the grammar allows; Date.UTC rolls it into the next minute.
  if (month < 0 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  // Date.UTC would silently turn `31 Feb` into 3 March: check the day exists in that month.
  const midnight = Date.UTC(year, month, day);
  if (new Date(midnight).getUTCDate() !== day) return undefined;
  return midnight + ((hour * 60 + minute) * 60 + second) * 1000;
}
