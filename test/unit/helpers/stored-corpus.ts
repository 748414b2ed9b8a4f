// The corpus every stored-state reader is fed (test/unit/platform/store-items.test.ts): garbage in every place
// a record or a field can be, and the check that what a reader gave is plain, bounded data.
import { expect } from 'vitest';

/** A validator's own output parses to itself: the reader gave a record the validator would keep as it is. */
export const same =
  <T>(parse: (value: unknown) => T) =>
  (value: unknown): boolean => {
    try {
      expect(parse(value)).toStrictEqual(value);
      return true;
    } catch {
      return false;
    }
  };
export const listOf = (valid: (value: unknown) => boolean) => (value: unknown) => Array.isArray(value) && value.every(valid);
export const BIG = 'x'.repeat(64 * 1024);
/** What may stand in any place: missing, wrong types, oversized, NaN/Infinity, arrays, `__proto__` keys. */
export const GARBAGE: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1e308,
  NaN,
  Infinity,
  -Infinity,
  '',
  'garbage',
  BIG,
  `https://shop.example/${BIG}`,
  [],
  [BIG, NaN, null],
  {},
  JSON.parse('{"__proto__": {"polluted": true, "tokens": 1, "updatedAt": 1}, "constructor": {"prototype": {"polluted": true}}}'),
];

/** The sample with the value at `path` replaced (`undefined`: removed). */
function replaced(sample: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(sample) as Record<string | number, unknown>;
  let at = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined && !Array.isArray(at)) delete at[last];
  else at[last] = value;
  return copy;
}

/** Paths into a sample, two levels deep (an array: its first element). */
function paths(value: unknown, depth = 2): Array<Array<string | number>> {
  if (depth === 0 || value === null || typeof value !== 'object') return [];
  const keys: Array<string | number> = Array.isArray(value) ? (value.length ? [0] : []) : Object.keys(value);
  return keys.flatMap((key) => [[key], ...paths((value as Record<string | number, unknown>)[key], depth - 1).map((p) => [key, ...p])]);
}

/** The corpus for one family: garbage for the record, the record inside garbage, the record with each field missing or garbage. */
export function corpus(sample: unknown): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = GARBAGE.map((g, i) => [`garbage #${i}`, g]);
  out.push(['the record in an array', [sample]], ['the record as a string', JSON.stringify(sample)]);
  out.push(['every field a 64 KB string', isObject(sample) ? Object.fromEntries(Object.keys(sample).map((k) => [k, BIG])) : BIG]);
  out.push(['every field NaN', isObject(sample) ? Object.fromEntries(Object.keys(sample).map((k) => [k, NaN])) : NaN]);
  for (const path of paths(sample)) {
    for (const [i, g] of GARBAGE.entries()) out.push([`${path.join('.')} = garbage #${i}`, replaced(sample, path, g)]);
  }
  return out;
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Longer than any bound a stored string has (SESSION_URL_MAX is 8 KB): a 64 KB string must not get through. */
export const STRING_BOUND = 16 * 1024;

/** Plain data all the way down: strings within bounds, no object whose prototype a stored key replaced. */
export function plain(value: unknown, seen = new Set<unknown>()): string | undefined {
  if (typeof value === 'string') return value.length > STRING_BOUND ? `a string of ${value.length} characters` : undefined;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : undefined;
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  const proto = Object.getPrototypeOf(value);
  if (![Object.prototype, Array.prototype, Map.prototype].includes(proto)) return 'an object with a foreign prototype';
  const children = value instanceof Map ? [...value.entries()].flat() : Object.values(value);
  for (const child of children) {
    const problem = plain(child, seen);
    if (problem) return problem;
  }
  return undefined;
}
