import { describe, expect, it } from 'vitest';
import v010 from '../../../../fixtures/storage/0.1.0.json';
import {
  boundHistory,
  HISTORY_LIMIT,
  HISTORY_MAX_BYTES,
  HISTORY_URL_MAX,
  historyUrl,
  parseGuideMarks,
  parseHistory,
  parseIncident,
  parseRecovery,
  parseRetryRecord,
  SCHEMA_VERSION,
  SESSION_URL_MAX,
  storedUrl,
} from '../../../../../src/core/schema/legacy/stored';
import { migrateLocal, parseResponse, parseSubframes } from '../../../../../src/core/schema/legacy/stored-worker';
import { parseDiagnosis, parseEvidence } from '../../../../../src/core/diagnosis/evidence-parse';
import { parseEvidenceCache, parseLimits } from '../../../../../src/core/schema/legacy/stored-outside';
import { pickSettings, validateSettings } from '../../../../../src/core/settings/settings';
import { validateConsent } from '../../../../../src/core/settings/consent';
import { classify } from '../../../../../src/core/incident/classify';
import type { Incident } from '../../../../../src/model/incident';

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

describe('bounds', () => {
  it('stored URLs lose user:pass@ and never exceed their cap', () => {
    expect(storedUrl('https://u:p@shop.example:8443/a?b#c')).toBe('https://shop.example:8443/a?b#c');
    expect(storedUrl('ftp://shop.example/')).toBeUndefined();
    expect(storedUrl('javascript:alert(1)')).toBeUndefined();
    const long = `https://flood.example/${'p'.repeat(70_000)}?q=1`;
    expect(storedUrl(long)).toBeUndefined(); // beyond what any browser navigates to
    const big = `https://flood.example/${'p'.repeat(60_000)}?q=1`;
    expect(storedUrl(big)!.length).toBeLessThanOrEqual(SESSION_URL_MAX);
    expect(storedUrl(big)).toMatch(/^https:\/\/flood\.example\/p+$/);
    expect(historyUrl('https://u:p@shop.example/cart?token=SECRET#x')).toBe('https://shop.example/cart');
  });

  it('history keeps the newest entries within its count and byte bounds', () => {
    const entry = (i: number): Incident =>
      classify({ kind: 'http', url: `https://s${i}.example/${'x'.repeat(400)}`, status: 502, headers: [], time: 1000 + i })!;
    const many = Array.from({ length: HISTORY_LIMIT + 300 }, (_, i) => entry(i)).reverse(); // newest first
    const kept = parseHistory(many);
    expect(kept[0]!.time).toBe(1000 + HISTORY_LIMIT + 299);
    expect(kept.length).toBeLessThanOrEqual(HISTORY_LIMIT);
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(HISTORY_MAX_BYTES);
    expect(boundHistory(kept, 10_000).length).toBeLessThan(kept.length);
    // Given oldest first (hand-edited, or reordered), still the newest are kept.
    expect(parseHistory([...many].reverse())[0]!.time).toBe(kept[0]!.time);
  });

  it('settings lists stay bounded and valid whatever was stored', () => {
    const huge = { alwaysRetry: Array.from({ length: 5000 }, (_, i) => `h${i}.example`), neverRetry: 'x', panelHidden: [{}] };
    const settings = validateSettings(huge);
    expect(settings.alwaysRetry).toHaveLength(500);
    expect(settings.alwaysRetry.at(-1)).toBe('h4999.example');
  });
});

describe('incidents as classify produces them survive storage', () => {
  const H = (pairs: Record<string, string>) => Object.entries(pairs).map(([name, value]) => ({ name, value }));
  const http: Array<[number, Record<string, string>]> = [
    [522, { server: 'cloudflare', 'cf-ray': '8d1f2a3b4c5d6e7f-FRA', 'retry-after': '120' }],
    [502, { 'x-amz-cf-pop': 'FRA56-P5', 'x-amz-cf-id': 'abc==', via: '1.1 abc.cloudfront.net (CloudFront)', 'x-cache': 'Error' }],
    [503, { server: 'awselb/2.0' }],
    [503, { 'x-served-by': 'cache-fra19120-FRA', 'x-cache': 'MISS', 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }],
    [504, { server: 'AkamaiGHost' }],
    [503, { 'x-varnish': '12345', via: '1.1 varnish' }],
    [502, { server: 'nginx/1.25.3' }],
    [502, { via: '1.1 google' }],
    [504, { 'x-azure-ref': '0abc' }],
    [502, { server: 'Vercel', 'x-vercel-id': 'fra1::abc', 'x-vercel-error': 'NO_RESPONSE_FROM_FUNCTION' }],
    [502, { server: 'Netlify', 'x-nf-request-id': '01ABC' }],
    [503, { via: '1.1 vegur' }],
    [500, {}],
    [429, { 'retry-after': '30' }],
  ];

  it.each(http)('%i %j', (status, headers) => {
    const url = 'https://shop.example/a?b=1';
    const incident = classify({ kind: 'http', url, status, headers: H(headers), ip: '2001:db8::1', method: 'GET', time: 5 });
    if (!incident) return;
    const stored = JSON.parse(JSON.stringify(incident));
    expect(parseIncident(stored)).toEqual(stored);
  });

  const errors = ['net::ERR_NAME_NOT_RESOLVED', 'net::ERR_CONNECTION_REFUSED', 'NS_ERROR_NET_TIMEOUT', 'net::ERR_INTERNET_DISCONNECTED'];
  it.each([...errors, 'net::ERR_CERT_DATE_INVALID'])('%s', (error) => {
    const incident = classify({ kind: 'network', url: 'http://[2001:db8::1]:8080/x', error, method: 'POST', time: 5 })!;
    const stored = JSON.parse(JSON.stringify(incident));
    expect(parseIncident(stored)).toEqual(stored);
  });

  it('a soft error', () => {
    const incident = classify({ kind: 'soft', url: 'https://app.example/', title: '503 Service Unavailable', time: 5 })!;
    expect(parseIncident(JSON.parse(JSON.stringify(incident)))).toEqual(incident);
  });
});
