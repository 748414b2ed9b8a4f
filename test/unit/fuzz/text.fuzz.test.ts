// Fuzz targets: text a server or a page controls — Retry-After values, page titles, the browser's
// network-error strings — and the display-text guard every outside answer goes through.
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import { parseHttpDate, parseRetryAfter, RETRY_AFTER_MAX_MS } from '../../../src/core/retry/retry-after';
import { rateLimitReset } from '../../../src/checks/kit/http';
import { methodOfTransition } from '../../../src/core/incident/transition-method';
import { softErrorStatus } from '../../../src/core/incident/soft-error';
import { normalizeNetError } from '../../../src/core/incident/net-error';
import { text } from '../../../src/core/schema/validate';
import { anyString, anyValue, fuzz } from './fuzz';

const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);
const now = fc.oneof(fc.constant(NOW), fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.double());

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
/** Values in the header's grammar, nearly in it (off-by-one fields, bad padding), and anything else. */
const retryAfterValue = fc.oneof(
  fc.nat().map(String),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc
    .tuple(
      fc.constantFrom(...DAYS),
      fc.integer({ min: 0, max: 32 }),
      fc.constantFrom(...MONTHS, 'Foo'),
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
    )
    .map(([day, d, mon, y, h, mi, s]) => `${day}, ${two(d)} ${mon} ${String(y).padStart(4, '0')} ${two(h)}:${two(mi)}:${two(s)} GMT`),
  fc
    .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 31 }), fc.constantFrom(...MONTHS), fc.integer({ min: 0, max: 99 }))
    .map(
      ([day, d, mon, y]) =>
        `${['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][day]}, ${two(d)}-${mon}-${two(y)} 08:49:37 GMT`,
    ),
  fc
    .tuple(fc.constantFrom(...DAYS), fc.constantFrom(...MONTHS), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1900, max: 2100 }))
    .map(([day, mon, d, y]) => `${day} ${mon} ${String(d).padStart(2, ' ')} 08:49:37 ${y}`),
  fc.tuple(fc.constantFrom(' ', '\t', ' \t', ''), fc.nat(), fc.constantFrom(' ', '\t', '')).map(([a, n, b]) => `${a}${n}${b}`),
  fc.constantFrom('-1', '+5', '1.5', '1e3', '0x10', '120, 60', '', ' ', 'Infinity', 'NaN'),
  anyString,
);

describe('fuzz: Retry-After', () => {
  fuzz(
    'parseRetryAfter never throws and gives undefined or a wait in [0, 1 h] (whole ms for a whole-ms now)',
    [retryAfterValue, now],
    (value, at) => {
      const ms = parseRetryAfter(value, at);
      if (ms === undefined) return;
      if (Number.isInteger(at)) expect(Number.isInteger(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(RETRY_AFTER_MAX_MS);
    },
  );

  fuzz('parseRetryAfter ignores what is not a string', [anyValue, now], (value, at) => {
    if (typeof value !== 'string') expect(parseRetryAfter(value as string, at)).toBeUndefined();
  });

  fuzz(
    'parseHttpDate reads back any date Date#toUTCString writes (years 1000-9999)',
    [fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })],
    (date) => {
      const whole = Math.floor(date.getTime() / 1000) * 1000;
      expect(parseHttpDate(new Date(whole).toUTCString(), NOW)).toBe(whole);
    },
  );

  fuzz(
    'rateLimitReset (429 answers) never throws and is undefined or not before now',
    [fc.dictionary(fc.constantFrom('retry-after', 'x-ratelimit-reset', 'x-other'), retryAfterValue)],
    (raw) => {
      let headers: Headers;
      try {
        headers = new Headers(raw);
      } catch {
        return; // not a value a real response could carry
      }
      const at = rateLimitReset(headers, NOW);
      if (at === undefined) return;
      expect(Number.isFinite(at)).toBe(true);
      expect(at).toBeGreaterThanOrEqual(NOW);
    },
  );
});

const PHRASES = [
  'Bad Gateway',
  'Service Unavailable',
  'Service Temporarily Unavailable',
  'Gateway Time-out',
  'Gateway Timeout',
  'Internal Server Error',
  'Proxy Error',
  'Origin is unreachable',
  'Connection timed out',
];
const space = fc.constantFrom(' ', '  ', '\t', '\n', ' \u00a0');
/** Titles of real error pages with random case and spacing, titles that merely mention a code, and anything else. */
const title = fc.oneof(
  fc
    .tuple(fc.integer({ min: 500, max: 599 }), fc.constantFrom(...PHRASES), space, fc.constantFrom('', ' - ', ': ', ' | '))
    .map(([code, phrase, s, sep]) => `${code}${sep}${s}${phrase}`),
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz.'), minLength: 1, maxLength: 60 }),
      fc.integer({ min: 520, max: 530 }),
    )
    .map(([host, code]) => `${host} | ${code}: Connection timed out`),
  fc
    .tuple(fc.constantFrom('Top', 'Best', 'v5.0.2', '1,502', 'Item #', 'Error'), fc.integer({ min: 0, max: 99_999 }))
    .map(([w, n]) => `${w} ${n} recipes`),
  fc.string({ unit: fc.constantFrom(...'5029 abcEeRror|:-()'), maxLength: 40 }),
  anyString,
  fc.string({ minLength: 190, maxLength: 320, unit: fc.constantFrom('a', ' ', '5', '0', '2', '|', ':') }),
);

/** The normalisation softErrorStatus applies itself: trimmed, single-spaced, lower-case. */
const normalise = (t: string) => t.trim().replace(/\s+/g, ' ').toLowerCase();

describe('fuzz: titles', () => {
  fuzz('softErrorStatus never throws and gives undefined or a 5xx', [fc.oneof(title, anyValue)], (t) => {
    const status = softErrorStatus(t);
    if (status !== undefined) {
      expect(Number.isInteger(status)).toBe(true);
      expect(status).toBeGreaterThanOrEqual(500);
      expect(status).toBeLessThanOrEqual(599);
    }
  });

  fuzz('softErrorStatus does not depend on case or spacing (its normalisation is idempotent)', [title], (t) => {
    const n = normalise(t);
    // Case mapping can change the length of some non-ASCII text; the length cap then decides alone.
    fc.pre(n.length === t.trim().replace(/\s+/g, ' ').length && t.length <= 200);
    expect(normalise(n)).toBe(n);
    expect(softErrorStatus(n)).toBe(softErrorStatus(t));
    expect(softErrorStatus(` ${t.toUpperCase()} `.length <= 200 ? ` ${n.toUpperCase()} ` : n)).toBe(softErrorStatus(t));
  });

  fuzz('methodOfTransition gives GET or POST for anything', [anyValue], (t) => {
    expect(['GET', 'POST']).toContain(methodOfTransition(t));
  });
});

const CHROME = [
  'NAME_NOT_RESOLVED',
  'CONNECTION_REFUSED',
  'CONNECTION_RESET',
  'TIMED_OUT',
  'CERT_DATE_INVALID',
  'SSL_PROTOCOL_ERROR',
  'DNS_TIMED_OUT',
  'ABORTED',
  'INTERNET_DISCONNECTED',
];
const FIREFOX = [
  'NS_ERROR_UNKNOWN_HOST',
  'NS_ERROR_NET_RESET',
  'NS_BINDING_ABORTED',
  'SEC_ERROR_UNKNOWN_ISSUER',
  'SSL_ERROR_BAD_CERT_DOMAIN',
  'NS_ERROR_OFFLINE',
];
const netError = fc.oneof(
  fc.constantFrom(...CHROME).map((c) => `net::ERR_${c}`),
  fc.constantFrom(...FIREFOX),
  fc
    .tuple(
      fc.constantFrom('net::ERR_', 'ERR_', 'NS_ERROR_', 'SEC_ERROR_', 'net::'),
      fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ_'), maxLength: 40 }),
    )
    .map(([a, b]) => a + b),
  anyString,
);

describe('fuzz: network-error strings', () => {
  fuzz('normalizeNetError never throws and gives null or a known category', [fc.oneof(netError, anyValue)], (raw) => {
    expect([null, 'dns', 'refused', 'reset', 'timed-out', 'tls', 'offline', 'other']).toContain(normalizeNetError(raw));
  });

  fuzz('normalizeNetError ignores case, surrounding space and the net:: prefix', [netError, space], (raw, s) => {
    const bare = raw.trim().replace(/^net::/i, '');
    fc.pre(bare.length <= 100 && bare.toUpperCase().length === bare.length);
    expect(normalizeNetError(`${s}net::${bare.toLowerCase()}${s}`)).toBe(normalizeNetError(raw));
  });
});

describe('fuzz: display text from outside answers', () => {
  fuzz(
    'text() never throws, stays within its limit and keeps no control characters',
    [fc.oneof(anyString, anyValue), fc.integer({ min: 0, max: 300 })],
    (value, max) => {
      const out = text(value, max);
      if (typeof value !== 'string') {
        expect(out).toBeUndefined();
        return;
      }
      expect(out!.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      expect(out).toBe(out!.trim());
    },
  );

  fuzz('text() is idempotent', [anyString, fc.integer({ min: 0, max: 300 })], (value, max) => {
    const once = text(value, max)!;
    expect(text(once, max)).toBe(once);
  });
});
