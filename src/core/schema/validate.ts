/**
 * Small hand-written guards for data Downcheck did not produce: storage entries, and answers from
 * outside services (DoH, vantage points, status pages, the Wayback Machine). Each one either
 * returns a clean value or `undefined`; none throws. Parsers built from them keep only the fields
 * they need, so an answer with a thousand unexpected fields costs nothing.
 */

export type Json = Record<string, unknown>;

export const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A finite integer in [min, max]. */
export const intIn = (value: unknown, min: number, max: number): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;

/** A finite number in [min, max]. */
export const numberIn = (value: unknown, min: number, max: number): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;

/**
 * A string of at most `max` characters with control characters replaced by spaces, bidirectional
 * controls removed (an outside answer must not reorder the text around it: "Trojan Source"-style
 * spoofing of a status page's or a vantage point's name) and the ends trimmed; longer strings are
 * cut, not refused (for display text). `undefined` for non-strings.
 */
export function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value
    .slice(0, max * 2)
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim()
    .slice(0, max)
    .trimEnd(); // the cut may land after a space: cleaning the result again must change nothing
}

/** A string matching `pattern` exactly (anchor it), at most `max` characters; refused otherwise. */
export const token = (value: unknown, pattern: RegExp, max = 256): string | undefined =>
  typeof value === 'string' && value.length <= max && pattern.test(value) ? value : undefined;

/** The elements of an array that `parse` accepts, at most `max` of them; `undefined` for a non-array. */
export function arrayOf<T>(value: unknown, parse: (item: unknown) => T | undefined, max: number): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: T[] = [];
  for (const item of value.slice(0, max)) {
    const parsed = parse(item);
    if (parsed !== undefined) out.push(parsed);
  }
  return out;
}

/**
 * Own enumerable entries of a plain object, at most `max`; `undefined` for anything else. A `__proto__`
 * key (JSON.parse and storage make it an own key) is left out: assigned to the record a parser builds,
 * it would replace that record's prototype.
 */
export function entriesOf(value: unknown, max: number): Array<[string, unknown]> | undefined {
  if (!isRecord(value)) return undefined;
  return Object.entries(value)
    .filter(([key]) => key !== '__proto__')
    .slice(0, max);
}

export const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;

/** `time` (epoch ms) if it is a finite moment in the past no older than `maxAgeMs`, else `now`. */
export const plausiblePast = (time: unknown, now: number, maxAgeMs: number): number =>
  typeof time === 'number' && Number.isFinite(time) && time <= now && now - time <= maxAgeMs ? Math.round(time) : now;
