// Fuzz targets: the crowd service's validators, which face the internet: the report body (as a value and as the
// JSON text a client sends) and the bucket prefix, each against an independent reading of the contract; and the
// store's SQL counting against the pure signal rules.
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { SqlStore, type SqlValue } from '../../../server/sql-store';
import {
  HOUR_MS,
  hostCounts,
  hourOf,
  MINUTE_MS,
  nextRunStart,
  viaCounts,
  WINDOW_MS,
  windowOf,
  type Run,
} from '../../../src/core/crowd/signal';
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

// The bucket and provider reads count in SQL; the pure functions over the raw rows are the reference they must match.
const T_NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
/** When a report came, relative to the read: anywhere in the last 20 minutes, often right at an edge of the windows. */
const offset = fc.oneof(
  fc.integer({ min: -20 * MINUTE_MS, max: MINUTE_MS }),
  fc.constantFrom(...[0, 5, 10, 15].flatMap((m) => [-1, 0, 1].map((d) => -m * MINUTE_MS + d))),
);
const stored = fc.record({
  host: fc.integer({ min: 0, max: 3 }),
  reporter: fc.integer({ min: 0, max: 40 }),
  network: fc.integer({ min: 0, max: 7 }),
  via: fc.constantFrom(null, 'cloudflare', 'vercel'),
  offset,
});

function memoryStore(options?: { maxPending?: number }): { store: SqlStore; reopen: () => SqlStore; close: () => void } {
  const db = new Database(':memory:');
  const statements = new Map<string, Database.Statement>();
  const prepared = (query: string) => statements.get(query) ?? statements.set(query, db.prepare(query)).get(query)!;
  const sql = {
    all: <T>(query: string, ...params: SqlValue[]) => prepared(query).all(...params) as T[],
    run: (query: string, ...params: SqlValue[]) =>
      void (/^\s*(CREATE|DROP)/i.test(query) ? db.exec(query) : prepared(query).run(...params)),
    transaction: <T>(fn: () => T): T => (db.inTransaction ? fn() : db.transaction(fn)()),
  };
  // A second store on the same database is what a process killed and started again (or an evicted object) sees.
  return { store: new SqlStore(sql, options), reopen: () => new SqlStore(sql, options), close: () => db.close() };
}
const byKey = <T extends { hostKey?: string; via?: string }>(list: T[]) =>
  [...list].sort((a, b) => ((a.hostKey ?? a.via)! < (b.hostKey ?? b.via)! ? -1 : 1));

describe('fuzz: crowd counts in SQL', () => {
  fuzz(
    'bucket and provider counts from SQL equal the pure rules over the raw rows, window edges included',
    [fc.array(stored, { maxLength: 200, size: 'max' }), fc.integer({ min: -6 * MINUTE_MS, max: 6 * MINUTE_MS })],
    (reports, shift) => {
      const now = T_NOW + shift;
      const { store, close } = memoryStore();
      try {
        for (const r of reports) {
          const at = now + r.offset;
          const hostKey = `abc${r.host.toString(16).padStart(61, '0')}`;
          store.add({
            hostKey,
            prefix: 'abc',
            reporter: r.reporter.toString(16).padStart(32, '0'),
            network: `n${r.network}`,
            window: windowOf(at),
            kind: 'http5xx',
            status: 502,
            via: r.via,
            at,
          });
        }
        const rows = store.rows('abc', 0);
        expect(byKey(store.hostCounts('abc', now))).toEqual(byKey(hostCounts(rows, now)));
        expect(byKey(store.viaCounts(now))).toEqual(byKey(viaCounts(store.viaRows(0), now)));
      } finally {
        close();
      }
    },
    // A fresh in-memory database a case: about 6 ms each at 100,000 cases on a busy machine.
    20,
  );
});

const step = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      add: fc.integer({ min: 0, max: 3 }),
      gap: fc.oneof(fc.constant(0), fc.nat(2 * MINUTE_MS), fc.nat(3 * HOUR_MS), fc.constant(WINDOW_MS)),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom({ reopen: true as const }, { flushAll: true as const }) },
);

describe('fuzz: crowd history kept in memory and written once an hour', () => {
  fuzz(
    'run starts and hourly counts read back equal the rules over every report, across hourly writes and restarts',
    [fc.array(step, { maxLength: 120, size: 'max' }), fc.integer({ min: 1, max: 4 })],
    (steps, maxPending) => {
      const memory = memoryStore({ maxPending });
      let store = memory.store;
      let at = T_NOW - 2 * 24 * HOUR_MS;
      const runs = new Map<string, Run>();
      const hourly = new Map<string, Map<number, number>>();
      try {
        steps.forEach((s, i) => {
          if ('reopen' in s) store = memory.reopen();
          else if ('flushAll' in s) store.flushAll();
          else {
            at += s.gap;
            const hostKey = `abc${s.add.toString(16).padStart(61, '0')}`;
            store.add({
              hostKey,
              prefix: 'abc',
              reporter: i.toString(16).padStart(32, '0'),
              network: 'n',
              window: windowOf(at),
              kind: 'http5xx',
              status: 502,
              via: null,
              at,
            });
            const run = runs.get(hostKey);
            runs.set(hostKey, { runStart: nextRunStart(run, at), lastAt: at });
            const hours = hourly.get(hostKey) ?? new Map<number, number>();
            hourly.set(hostKey, hours.set(hourOf(at), (hours.get(hourOf(at)) ?? 0) + 1));
          }
        });
        const hostKeys = [...runs.keys()];
        const hours = [...new Set([...hourly.values()].flatMap((h) => [...h.keys()]))];
        for (const h of store.histories(hostKeys, hours)) {
          expect(h.runStart).toBe(runs.get(h.hostKey)!.runStart);
          expect(h.counts).toEqual(Object.fromEntries(hourly.get(h.hostKey)!));
        }
      } finally {
        memory.close();
      }
    },
    20,
  );
});
