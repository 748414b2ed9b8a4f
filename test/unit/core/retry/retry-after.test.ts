import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RETRY_AFTER_MAX_MS, parseHttpDate, parseRetryAfter } from '../../../../src/core/retry/retry-after';

/** Tue, 24 Nov 2026 14:00:00 GMT */
const NOW = Date.UTC(2026, 10, 24, 14, 0, 0);
const HOUR = 3_600_000;

describe('parseRetryAfter', () => {
  it.each<[string, string | undefined, number | undefined]>([
    // delay-seconds
    ['zero', '0', 0],
    ['seconds', '5', 5_000],
    ['two minutes', '120', 120_000],
    ['leading zeros', '007', 7_000],
    ['surrounding spaces and tabs (OWS)', ' \t120 \t', 120_000],
    ['exactly one hour', '3600', HOUR],
    ['over an hour is clamped', '3601', HOUR],
    ['a whole day is clamped', '86400', HOUR],
    ['beyond a day is ignored', '86401', undefined],
    ['overflowed counter', '4294967295', undefined],
    ['huge', '99999999999999999999', undefined],
    // malformed delay-seconds
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['whitespace only', '   ', undefined],
    ['negative', '-5', undefined],
    ['plus sign', '+5', undefined],
    ['decimal', '1.5', undefined],
    ['exponent', '1e3', undefined],
    ['hex', '0x10', undefined],
    ['unit suffix', '5s', undefined],
    ['inner space', '12 0', undefined],
    ['list from duplicated headers', '120, 120', undefined],
    ['newline is not OWS', '\n5', undefined],
    ['full-width digits', '５', undefined],
    ['word', 'soon', undefined],
    ['very long', '1'.repeat(100), undefined],
    ['very long garbage', 'x'.repeat(100_000), undefined],
    ['padded beyond the length limit', `${' '.repeat(70)}5`, undefined],
    // HTTP-date
    ['IMF-fixdate two minutes ahead', 'Tue, 24 Nov 2026 14:02:00 GMT', 120_000],
    ['IMF-fixdate now', 'Tue, 24 Nov 2026 14:00:00 GMT', 0],
    ['IMF-fixdate in the past', 'Tue, 24 Nov 2026 13:00:00 GMT', 0],
    ['IMF-fixdate long ago', 'Sun, 06 Nov 1994 08:49:37 GMT', 0],
    ['IMF-fixdate two hours ahead is clamped', 'Tue, 24 Nov 2026 16:00:00 GMT', HOUR],
    ['IMF-fixdate over a day ahead is ignored', 'Wed, 25 Nov 2026 15:00:00 GMT', undefined],
    ['IMF-fixdate with a wrong weekday still names a time', 'Fri, 24 Nov 2026 14:02:00 GMT', 120_000],
    ['leap second', 'Tue, 24 Nov 2026 14:01:60 GMT', 120_000],
    ['RFC 850 date', 'Tuesday, 24-Nov-26 14:00:30 GMT', 30_000],
    ['asctime date', 'Tue Nov 24 14:00:30 2026', 30_000],
    // malformed dates
    ['lower case', 'tue, 24 nov 2026 14:02:00 gmt', undefined],
    ['UTC instead of GMT', 'Tue, 24 Nov 2026 14:02:00 UTC', undefined],
    ['numeric zone', 'Tue, 24 Nov 2026 14:02:00 +0000', undefined],
    ['no such day', 'Tue, 31 Feb 2026 14:02:00 GMT', undefined],
    ['day zero', 'Tue, 00 Nov 2026 14:02:00 GMT', undefined],
    ['hour 25', 'Tue, 24 Nov 2026 25:02:00 GMT', undefined],
    ['minute 60', 'Tue, 24 Nov 2026 14:60:00 GMT', undefined],
    ['second 61', 'Tue, 24 Nov 2026 14:00:61 GMT', undefined],
    ['ISO 8601', '2026-11-24T14:02:00Z', undefined],
    ['single-digit day in IMF-fixdate', 'Tue, 4 Nov 2026 14:02:00 GMT', undefined],
    ['trailing garbage', 'Tue, 24 Nov 2026 14:02:00 GMT; x', undefined],
  ])('%s: %j → %j', (_name, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('needs a usable `now` for dates but not for seconds', () => {
    expect(parseRetryAfter('Tue, 24 Nov 2026 14:02:00 GMT', Number.NaN)).toBeUndefined();
    expect(parseRetryAfter('5', Number.NaN)).toBe(5_000);
  });

  it('ignores values that are not strings at run time', () => {
    expect(parseRetryAfter(5 as unknown as string, NOW)).toBeUndefined();
    expect(parseRetryAfter(null as unknown as string, NOW)).toBeUndefined();
  });

  it('never throws and stays within [0, 1 h] for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom(...'0123456789 ,:-GMTSunNov\t') })),
        fc.integer(),
        (value, now) => {
          const ms = parseRetryAfter(value, now);
          return ms === undefined || (ms >= 0 && ms <= RETRY_AFTER_MAX_MS);
        },
      ),
    );
  });

  it('reads any delay-seconds up to a day, clamped to an hour', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 86_400 }),
        (seconds) => parseRetryAfter(String(seconds), NOW) === Math.min(seconds * 1000, RETRY_AFTER_MAX_MS),
      ),
    );
  });

  it('reads any IMF-fixdate the way Date#toUTCString writes it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -20 * 365 * 86_400, max: 86_400 }), (offsetSeconds) => {
        const header = new Date(NOW + offsetSeconds * 1000).toUTCString();
        return parseRetryAfter(header, NOW) === Math.min(Math.max(offsetSeconds * 1000, 0), RETRY_AFTER_MAX_MS);
      }),
    );
  });
});

describe('parseHttpDate', () => {
  it('reads the three forms of RFC 9110 §5.6.7 as the same instant', () => {
    const instant = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(instant);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(instant);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', NOW)).toBe(instant);
  });

  it('reads a two-digit year as at most 50 years ahead', () => {
    expect(parseHttpDate('Thursday, 01-Jan-76 00:00:00 GMT', NOW)).toBe(Date.UTC(2076, 0, 1));
    expect(parseHttpDate('Friday, 01-Jan-77 00:00:00 GMT', NOW)).toBe(Date.UTC(1977, 0, 1));
    expect(parseHttpDate('Monday, 01-Jan-26 00:00:00 GMT', NOW)).toBe(Date.UTC(2026, 0, 1));
  });

  it('accepts 29 February only in leap years', () => {
    expect(parseHttpDate('Thu, 29 Feb 2024 00:00:00 GMT', NOW)).toBe(Date.UTC(2024, 1, 29));
    expect(parseHttpDate('Sun, 29 Feb 2026 00:00:00 GMT', NOW)).toBeUndefined();
  });

  it('wants the long day name in RFC 850 form; asctime takes a zero-padded day too', () => {
    expect(parseHttpDate('Sun, 06-Nov-94 08:49:37 GMT', NOW)).toBeUndefined();
    expect(parseHttpDate('Sun Nov 06 08:49:37 1994', NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });
});
