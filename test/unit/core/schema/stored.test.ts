import { describe, expect, it } from 'vitest';
import v010 from '../../../fixtures/storage/0.1.0.json';
import { parseIncident, parseResponse, parseSubframes } from '../../../../src/core/incident/stored';
import { HISTORY_URL_MAX, parseGuideMarks, parseHistory } from '../../../../src/core/present/stored';
import { parseRecovery, parseRetryRecord } from '../../../../src/core/retry/stored';
import { parseEvidenceCache, parseLimits } from '../../../../src/core/diagnosis/stored';
import { planMigration, SCHEMA_VERSION } from '../../../../src/core/schema/version';
import { ALL_ITEMS } from '../../../../src/core/items';
import { SESSION_URL_MAX } from '../../../../src/core/net/url';
import { parseDiagnosis, parseEvidence } from '../../../../src/core/diagnosis/evidence-parse';
import { pickSettings } from '../../../../src/core/settings/settings';
import { validateConsent } from '../../../../src/core/settings/consent';
import type { Incident } from '../../../../src/model/incident';

/** The migration of core/schema/version.ts over every item, as platform/store-migrate.ts runs it. */
const migrateLocal = (stored: Record<string, unknown>) => planMigration(stored, ALL_ITEMS);

/** What Downcheck 0.1.0 left in storage (written by the 0.1.0 code itself; see the fixture). */
const session = v010.session as Record<string, unknown>;
const local = v010.local as Record<string, unknown>;

/** Every reader, as the storage module applies it to a raw stored value. */
const readers: Record<string, (raw: unknown) => unknown> = {
  incident: parseIncident,
  history: parseHistory,
  subframes: parseSubframes,
  response: parseResponse,
  guide: parseGuideMarks,
  recovered: parseRecovery,
  retry: parseRetryRecord,
  diagnosis: parseDiagnosis,
  limits: parseLimits,
  evidenceCache: parseEvidenceCache,
  settings: (raw) => pickSettings(raw, undefined),
  consent: validateConsent,
};

/** Every string in a value, for the size checks. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

describe('storage written by 0.1.0', () => {
  it('every per-tab record reads back as a valid record with the same content', () => {
    for (const tab of [1, 2, 3]) expect(parseIncident(session[`incident:${tab}`]), `incident:${tab}`).toBeDefined();
    // Nothing is lost on the way: the validators keep every field 0.1.0 wrote (credentials aside).
    expect(parseIncident(session['incident:2'])).toEqual(session['incident:2']);
    expect(parseIncident(session['incident:3'])).toEqual(session['incident:3']);
    expect(parseRetryRecord(session['retry:https://down.example'])).toEqual(session['retry:https://down.example']);
    expect(parseRecovery(session['recovered:5'])).toEqual(session['recovered:5']);
    expect(parseResponse(session['response:3'])).toEqual(session['response:3']);
    expect(parseGuideMarks(session['guide:1'])).toEqual(session['guide:1']);
    expect(parseSubframes(session['subframes:1'])).toEqual(session['subframes:1']);
    expect(parseDiagnosis(session['diagnosis:1'])).toEqual(session['diagnosis:1']);
  });

  it('user name and password are not kept', () => {
    const raw = session['incident:1'] as Incident;
    expect(raw.url).toContain('user:secret@'); // as 0.1.0 stored it
    const incident = parseIncident(raw)!;
    expect(incident.url).toBe('https://shop.example/cart?session=abc');
    expect({ ...incident, url: raw.url }).toEqual(raw);
    const retry = parseRetryRecord(session['retry:https://shop.example'])!;
    expect(retry.probeUrl).toBe('https://shop.example/cart?session=abc');
    expect(retry.tabs).toEqual([1, 4]);
  });

  it('history keeps every entry, cut to origin + path, newest first', () => {
    const raw = local.history as Incident[];
    const history = parseHistory(raw);
    expect(history).toHaveLength(raw.length);
    expect(history.map((i) => i.time)).toEqual(raw.map((i) => i.time));
    for (const entry of history) {
      expect(entry.url.length).toBeLessThanOrEqual(HISTORY_URL_MAX);
      expect(entry.url).not.toMatch(/[?#@]/);
    }
    expect(raw.some((i) => i.url.length > 60_000)).toBe(true);
  });

  it('settings and consent are kept', () => {
    // Fields added later (the panel and notification switches) read as their defaults.
    expect(pickSettings(undefined, (v010.sync as Record<string, unknown>).settings)).toEqual({
      ...v010.sync.settings,
      panel: true,
      notifications: true,
    });
    // 0.1.0 had no connectivity source (its baseline ran unasked): it reads as not agreed.
    expect(validateConsent(local.consent)).toEqual({ connectivity: false, ...(local.consent as object) });
  });

  it('migrates to the current schema once', () => {
    const migration = migrateLocal(local);
    expect(migration.set.schema).toBe(SCHEMA_VERSION);
    expect(migration.set.history).toEqual(parseHistory(local.history));
    expect(JSON.stringify(migration.set.history).length).toBeLessThan(JSON.stringify(local.history).length / 10);
    expect(migrateLocal({ ...local, ...migration.set })).toEqual({ set: {}, remove: [] });
    // A newer version's storage is left alone; an unreadable version is migrated again.
    expect(migrateLocal({ schema: SCHEMA_VERSION + 1, history: 'x' })).toEqual({ set: {}, remove: [] });
    expect(migrateLocal({ schema: 'two', history: 'x' })).toEqual({ set: { schema: SCHEMA_VERSION }, remove: ['history'] });
  });
});

const GARBAGE: unknown[] = [
  undefined,
  null,
  0,
  -1,
  NaN,
  Infinity,
  '',
  'x'.repeat(1_000_000),
  true,
  [],
  [null, 1, 'x', {}],
  {},
  { kind: 'http' },
  Object.create(null),
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}'),
  new Date(0),
];

describe('garbage in storage', () => {
  it.each(Object.keys(readers))('%s: never throws, gives a valid value or absent', (name) => {
    const read = readers[name]!;
    for (const raw of GARBAGE) {
      const value = read(raw);
      if (value === undefined) continue;
      // A value that came back is itself valid: reading it again changes nothing.
      expect(read(value)).toEqual(value);
      for (const s of strings(value)) expect(s.length).toBeLessThanOrEqual(SESSION_URL_MAX);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  /** Each 0.1.0 record with one field missing, of the wrong type, or oversized. */
  function* mutations(record: Record<string, unknown>): Generator<[string, Record<string, unknown>]> {
    for (const field of Object.keys(record)) {
      const { [field]: _gone, ...without } = record;
      yield [`${field} missing`, without];
      for (const bad of [null, 42, 'x'.repeat(100_000), [], { nested: true }, -1, true]) {
        yield [`${field} = ${String(bad).slice(0, 10)}`, { ...record, [field]: bad }];
      }
    }
  }

  const records: Array<[string, (raw: unknown) => unknown, unknown]> = [
    ['incident', parseIncident, session['incident:1']],
    ['retry', parseRetryRecord, session['retry:https://shop.example']],
    ['recovery', parseRecovery, session['recovered:5']],
    ['response', parseResponse, session['response:3']],
    ['diagnosis', parseDiagnosis, session['diagnosis:1']],
    ['evidence', parseEvidence, (session['diagnosis:1'] as { evidence: unknown[] }).evidence[6]],
  ];

  it.each(records)('%s: a field missing, mistyped or oversized gives a valid record or absent', (_name, read, record) => {
    let absent = 0;
    for (const [what, raw] of mutations(record as Record<string, unknown>)) {
      const value = read(raw);
      if (value === undefined) {
        absent++;
        continue;
      }
      expect(read(value), what).toEqual(value);
      for (const s of strings(value)) expect(s.length, what).toBeLessThanOrEqual(SESSION_URL_MAX);
    }
    expect(absent).toBeGreaterThan(0);
  });

  it('a history entry with a bad time is dropped, the others stay', () => {
    const good = parseHistory(local.history);
    const bad = [{ ...good[0], time: 'yesterday' }, ...good.slice(1), { ...good[0], time: null }, 'x', null];
    expect(parseHistory(bad)).toEqual(good.slice(1));
  });

  it("a history entry's ending is kept when valid; a bad ending is left out, the entry stays; 0.1.0 entries have none", () => {
    const good = parseHistory(local.history);
    expect(good.every((e) => e.end === undefined)).toBe(true);
    const e = good[0]!;
    const ended = { ...e, end: { how: 'came-back', at: e.time + 240_000 } };
    expect(parseHistory([ended])).toEqual([ended]);
    expect(parseHistory(JSON.parse(JSON.stringify([ended])))[0]!.end).toEqual({ how: 'came-back', at: e.time + 240_000 });
    for (const end of [
      { how: 'exploded', at: e.time + 1 },
      { how: 'gave-up', at: e.time - 1 },
      { how: 'retried', at: 'later' },
      { how: 'retried' },
      'came-back',
      null,
      [],
    ])
      expect(parseHistory([{ ...e, end }])).toEqual([e]);
  });

  it("a history entry's verdict is kept when it is a known kind; anything else is left out, the entry stays", () => {
    const e = parseHistory(local.history)[0]!;
    expect(e.verdict).toBeUndefined(); // 0.1.0 entries have none
    expect(parseHistory([{ ...e, verdict: 'down-for-everyone' }])[0]!.verdict).toBe('down-for-everyone');
    for (const verdict of ['down for everyone', 'DOWN-FOR-EVERYONE', '', 7, null, {}, ['back-up'], 'x'.repeat(10_000)])
      expect(parseHistory([{ ...e, verdict }])).toEqual([e]);
  });

  it('a retry record filed under another origin, or with a schedule for another, is absent', () => {
    const record = session['retry:https://shop.example'] as Record<string, unknown>;
    expect(parseRetryRecord({ ...record, origin: 'https://shop.example/cart' })).toBeUndefined();
    expect(parseRetryRecord({ ...record, origin: 'https://other.example' })).toBeUndefined();
  });

  it('the evidence cache keeps only entries filed under their own check', () => {
    const evidence = (session['diagnosis:1'] as { evidence: unknown[] }).evidence[6] as { check: string };
    const cache = { [`${evidence.check}|shop.example`]: { evidence, storedAt: 5 }, 'archive|shop.example': { evidence, storedAt: 5 } };
    expect(Object.keys(parseEvidenceCache(cache))).toEqual([`${evidence.check}|shop.example`]);
  });

  it('the evidence cache keeps its newest entries within its count and byte bounds', () => {
    const evidence = (session['diagnosis:1'] as { evidence: Array<{ check: string }> }).evidence.find((e) => e.check === 'dns')!;
    const cache = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`dns|h${i}.example`, { evidence, storedAt: i }]));
    const kept = parseEvidenceCache(cache);
    const times = Object.values(kept).map((e) => e.storedAt);
    expect(times.length).toBeGreaterThan(50);
    expect(times.length).toBeLessThanOrEqual(200);
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(256 * 1024);
    expect(Math.max(...times) - Math.min(...times)).toBe(times.length - 1); // consecutive: the newest read
  });

  it('a stored link must be a web link (status page, archive)', () => {
    const archive = (session['diagnosis:1'] as { evidence: Array<{ check: string }> }).evidence.find((e) => e.check === 'archive')!;
    expect(parseEvidence(archive)).toEqual(archive);
    const outcome = (archive as unknown as { outcome: Record<string, unknown> }).outcome;
    expect(parseEvidence({ ...archive, outcome: { ...outcome, snapshotUrl: 'javascript:alert(1)' } })).toBeUndefined();
  });
});
