// Fuzz targets: the crowd service's validators, which face the internet: the report body (as a value and as the
// JSON text a client sends) and the bucket prefix. Each is checked against an independent reading of the contract.
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import { isPrefix, parseReport, PLATFORMS, REPORT_KINDS } from '../../../src/core/crowd/report';
import { anyString, anyValue, fuzz, mostly, reaches } from './fuzz';

const HEX = '0123456789abcdef';
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: length, maxLength: length });
/** Hex-like strings near the accepted length, in either case, sometimes with a stray character. */
const hexish = (length: number) =>
  fc.oneof(
    { weight: 4, arbitrary: hex(length) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: length + 2 }).chain((n) => hex(n)) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: fc.constantFrom(...HEX, ...'ABCDEFgz -\n\u0000'), minLength: length - 1, maxLength: length + 1 }),
    },
    { weight: 1, arbitrary: anyValue },
  );

const report = fc.record(
  {
    v: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(0, 2, '1', 1.0000001, null, true) }),
    hostKey: hexish(64),
    reporter: hexish(32),
    kind: mostly(fc.constantFrom(...REPORT_KINDS, 'HTTP5XX', 'slow', '')),
    status: mostly(fc.oneof(fc.integer({ min: 480, max: 620 }), fc.constantFrom(502.5, '502', -1, NaN, Infinity, null))),
    via: mostly(fc.constantFrom(...PLATFORMS, 'Cloudflare', 'my-cdn', '')),
    extra: anyValue,
  },
  { requiredKeys: ['v', 'hostKey', 'reporter', 'kind'] },
);
const validReport = fc
  .record({
    hostKey: hex(64),
    reporter: hex(32),
    kind: fc.constantFrom(...REPORT_KINDS),
    status: fc.option(fc.integer({ min: 500, max: 599 }), { nil: undefined }),
    via: fc.option(fc.constantFrom(...PLATFORMS), { nil: undefined }),
    extra: fc.option(anyValue, { nil: undefined }),
  })
  .map(({ status, via, extra, ...rest }) => ({
    v: 1,
    ...rest,
    ...(rest.kind === 'http5xx' && status !== undefined ? { status } : {}),
    ...(via !== undefined ? { via } : {}),
    ...(extra !== undefined ? { extra } : {}),
  }));
const body = fc.oneof({ weight: 3, arbitrary: validReport }, { weight: 4, arbitrary: report }, { weight: 1, arbitrary: anyValue });

/** The contract read independently: what a report must be to be accepted. */
function acceptable(b: unknown): boolean {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
  const r = b as Record<string, unknown>;
  const isHex = (s: unknown, n: number) => typeof s === 'string' && s.length === n && [...s].every((c) => HEX.includes(c));
  if (r.v !== 1 || !isHex(r.hostKey, 64) || !isHex(r.reporter, 32)) return false;
  if (!REPORT_KINDS.includes(r.kind as never)) return false;
  if ('status' in r && !(r.kind === 'http5xx' && Number.isInteger(r.status) && (r.status as number) >= 500 && (r.status as number) <= 599))
    return false;
  if ('via' in r && !PLATFORMS.includes(r.via as never)) return false;
  return true;
}

describe('fuzz: crowd reports', () => {
  fuzz('crowd report validator: accepts exactly what the contract allows, keeps only its fields, never throws', [body], (b) => {
    const parsed = parseReport(b);
    expect(parsed.ok).toBe(acceptable(b));
    if (parsed.ok) {
      const r = b as Record<string, unknown>;
      const kept = ['v', 'hostKey', 'reporter', 'kind', 'status', 'via'].filter((k) => k in r);
      expect(Object.keys(parsed.value).sort()).toEqual(kept.sort());
      expect(parseReport(JSON.parse(JSON.stringify(parsed.value)))).toEqual(parsed);
    } else expect(parsed.error).toMatch(/\w/);
  });

  fuzz(
    'crowd report validator on JSON text: mangled bodies parse or are refused, never throw',
    [report, anyString, fc.nat()],
    (r, junk, at) => {
      const text = JSON.stringify(r);
      const cut = at % (text.length + 1);
      const mangled = text.slice(0, cut) + junk + text.slice(cut);
      let value: unknown;
      try {
        value = JSON.parse(mangled);
      } catch {
        return;
      }
      expect(parseReport(value).ok).toBe(acceptable(value));
    },
  );

  reaches('accepted reports', body, (b) => parseReport(b).ok, 0.05);
  reaches('refused reports', body, (b) => !parseReport(b).ok, 0.3);
});

const prefix = fc.oneof(
  hex(3),
  fc.string({ unit: fc.constantFrom(...HEX, ...'ABCDEFgxz/.%20 '), minLength: 0, maxLength: 5 }),
  anyString,
  anyValue,
);

describe('fuzz: crowd bucket prefixes', () => {
  fuzz('crowd prefix validator: exactly 3 lowercase hex digits', [prefix], (p) => {
    const expected = typeof p === 'string' && p.length === 3 && [...p].every((c) => HEX.includes(c));
    expect(isPrefix(p)).toBe(expected);
  });
  reaches('valid prefixes', prefix, isPrefix, 0.1);
});
