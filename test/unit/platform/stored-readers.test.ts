// Every reader of stored state, in one table, fed the same corpus through the real storage module on a
// fake browser: what 0.1.0 wrote, and garbage (wrong types, missing fields, 64 KB strings, arrays where
// records belong, NaN and Infinity, `__proto__` keys). Each must give a valid value or absent, never throw.
// A key family added to core/stored*.ts without a row here fails the guard below.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import v010 from '../../fixtures/storage/0.1.0.json';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const storage = await import('../../../src/platform/storage');
const outside = await import('../../../src/platform/storage-outside');
const reachability = await import('../../../src/platform/reachability');
const navigation = await import('../../../src/platform/navigation');
const alarms = await import('../../../src/platform/alarms');
const stored = await import('../../../src/core/schema/legacy/stored');
const storedKeys = await import('../../../src/core/schema/legacy/stored-keys');
const worker = await import('../../../src/core/schema/legacy/stored-worker');
const { parseDiagnosis } = await import('../../../src/core/diagnosis/evidence-parse');
const { parseEvidenceCache, parseLimits, validateReachability } = await import('../../../src/core/schema/legacy/stored-outside');
const { validateSettings } = await import('../../../src/core/settings/settings');
const { validateConsent } = await import('../../../src/core/settings/consent');
const { startWatch } = await import('../../../src/core/retry/watch');

const TAB = 7;
/** The clock the age-bounded readers are given. */
const NOW = 1_795_608_000_000;
const RETRY_ORIGIN = 'https://shop.example';
const WATCH_ORIGIN = 'https://watched.example';
const session = v010.session as Record<string, unknown>;

type Area = 'local' | 'session' | 'sync';
interface Row {
  /** Where the family lives, and the key this row writes (a per-tab record: for tab TAB). */
  areas: Area[];
  key: string;
  /** A valid record as Downcheck writes it: the corpus is made from it. */
  sample: unknown;
  /** Each reader of the family, and whether what it gave is valid (`undefined`, absent, is always valid). */
  readers: Record<string, [read: () => Promise<unknown>, valid: (value: unknown) => boolean]>;
}

/** A validator's own output parses to itself: the reader gave a record the validator would keep as it is. */
const same =
  <T>(parse: (value: unknown) => T) =>
  (value: unknown): boolean => {
    try {
      expect(parse(value)).toStrictEqual(value);
      return true;
    } catch {
      return false;
    }
  };
const listOf = (valid: (value: unknown) => boolean) => (value: unknown) => Array.isArray(value) && value.every(valid);
const evidence = (session['diagnosis:1'] as { evidence: Array<{ check: string }> }).evidence[0]!;

/** Every key family of core/stored*.ts, by the name the guard derives (see `families()`). */
const TABLE: Record<string, Row> = {
  incident: {
    areas: ['session'],
    key: `incident:${TAB}`,
    sample: session['incident:1'],
    readers: { readIncident: [() => storage.readIncident(TAB), same(stored.parseIncident)] },
  },
  subframes: {
    areas: ['session'],
    key: `subframes:${TAB}`,
    sample: session['subframes:1'],
    readers: { readSubframeFailures: [() => storage.readSubframeFailures(TAB), same(worker.parseSubframes)] },
  },
  response: {
    areas: ['session'],
    key: `response:${TAB}`,
    sample: session['response:3'],
    readers: { readResponse: [() => storage.readResponse(TAB), same(worker.parseResponse)] },
  },
  diagnosis: {
    areas: ['session'],
    key: `diagnosis:${TAB}`,
    sample: session['diagnosis:1'],
    readers: { readDiagnosis: [() => storage.readDiagnosis(TAB), same(parseDiagnosis)] },
  },
  [stored.SITE_DIAGNOSIS_KEY]: {
    areas: ['session'],
    key: stored.SITE_DIAGNOSIS_KEY,
    sample: session['diagnosis:1'],
    readers: { 'readDiagnosis(site)': [() => storage.readDiagnosis('site'), same(parseDiagnosis)] },
  },
  [stored.PRIVATE_SITE_DIAGNOSIS_KEY]: {
    areas: ['session'],
    key: stored.PRIVATE_SITE_DIAGNOSIS_KEY,
    sample: session['diagnosis:1'],
    readers: { 'readDiagnosis(site-private)': [() => storage.readDiagnosis('site-private'), same(parseDiagnosis)] },
  },
  guide: {
    areas: ['session'],
    key: `guide:${TAB}`,
    sample: session['guide:1'],
    readers: { readGuideMarks: [() => storage.readGuideMarks(TAB), same(stored.parseGuideMarks)] },
  },
  recovered: {
    areas: ['session'],
    key: `recovered:${TAB}`,
    sample: session['recovered:5'],
    readers: { readRecovery: [() => storage.readRecovery(TAB), same(stored.parseRecovery)] },
  },
  soft: {
    areas: ['session'],
    key: `soft:${TAB}`,
    sample: [1_795_608_000_000, 1_795_608_001_000],
    readers: { readSoftTimes: [() => storage.readSoftTimes(TAB), same(worker.parseSoftTimes)] },
  },
  'consent-asked': {
    areas: ['session'],
    key: `consent-asked:${TAB}`,
    sample: 1_795_608_000_000,
    readers: { readConsentAsked: [() => storage.readConsentAsked(TAB), (v) => typeof v === 'number' && Number.isFinite(v)] },
  },
  recording: {
    areas: ['session'],
    key: `recording:${TAB}`,
    sample: 1_795_608_000_000,
    readers: {
      tabsWithRecords: [
        () => storage.tabsWithRecords(),
        (v) => v instanceof Map && [...v.values()].every((ids: unknown) => listOf(Number.isSafeInteger)(ids)),
      ],
    },
  },
  failure: {
    areas: ['session'],
    key: `failure:${TAB}`,
    sample: { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: 1_795_608_000_000 },
    readers: {
      heardFailures: [
        () => storage.heardFailures(),
        listOf((e) => Array.isArray(e) && e[0] === TAB && (e[1] === undefined || same(worker.parseHeardFailure)(e[1]))),
      ],
    },
  },
  errorpage: {
    areas: ['session'],
    key: `errorpage:${TAB}`,
    sample: 'https://shop.example/cart',
    readers: { readErrorPageSeen: [() => storage.readErrorPageSeen(TAB), same(stored.storedUrl)] },
  },
  'form-commit': {
    areas: ['session'],
    key: `form-commit:${TAB}`,
    sample: 'https://shop.example/pay',
    readers: {
      readFormCommit: [() => storage.readFormCommit(TAB), same(stored.storedUrl)],
      committedMethod: [() => navigation.committedMethod(TAB, 'https://shop.example/pay'), (v) => v === 'GET' || v === 'POST'],
    },
  },
  [stored.RETRY_PREFIX]: {
    areas: ['session'],
    key: stored.retryKey(RETRY_ORIGIN),
    sample: session[`retry:${RETRY_ORIGIN}`],
    readers: {
      readRetry: [() => storage.readRetry(RETRY_ORIGIN), same(stored.parseRetryRecord)],
      allRetries: [() => storage.allRetries(), listOf(same(stored.parseRetryRecord))],
    },
  },
  [stored.WATCH_PREFIX]: {
    areas: ['session'],
    key: stored.watchKey(WATCH_ORIGIN),
    sample: {
      ...startWatch({
        url: `${WATCH_ORIGIN}/`,
        host: 'watched.example',
        now: 1_795_608_000_000,
        online: true,
        random: () => 0.5,
        private: true,
      }),
      lastProbe: { at: 1_795_608_005_000, status: 502, verdict: 'failing' },
    },
    readers: {
      readWatch: [() => storage.readWatch(WATCH_ORIGIN), same(stored.parseWatch)],
      allWatches: [() => storage.allWatches(), listOf(same(stored.parseWatch))],
    },
  },
  [storedKeys.SESSION_KEYS.limits]: {
    areas: ['session'],
    key: storedKeys.SESSION_KEYS.limits,
    // Budgets are bounded by age too: a young one, and one whose back-off still runs.
    sample: {
      'doh:Cloudflare': { tokens: 3, updatedAt: NOW - 60_000, blockedUntil: NOW + 60_000 },
      'status:shop.example': { tokens: 19, updatedAt: NOW - 1_000 },
    },
    readers: {
      readLimits: [() => outside.readLimits(NOW), same(parseLimits)],
      'readLimits, an hour on': [
        () => outside.readLimits(NOW + 60 * 60_000),
        (v) =>
          same(parseLimits)(v) &&
          Object.values(v as Record<string, { blockedUntil?: number }>).every((b) => b.blockedUntil! > NOW + 60 * 60_000),
      ],
    },
  },
  [storedKeys.SESSION_KEYS.evidenceCache]: {
    areas: ['session'],
    key: storedKeys.SESSION_KEYS.evidenceCache,
    sample: { [`${evidence.check}|shop.example`]: { evidence, storedAt: 1_795_608_000_000 } },
    readers: { readEvidenceCache: [() => outside.readEvidenceCache(), same(parseEvidenceCache)] },
  },
  [storedKeys.SESSION_KEYS.evidenceCachePrivate]: {
    areas: ['session'],
    key: storedKeys.SESSION_KEYS.evidenceCachePrivate,
    sample: { [`${evidence.check}|clinic.example`]: { evidence, storedAt: 1_795_608_000_000 } },
    readers: { 'readEvidenceCache(private)': [() => outside.readEvidenceCache(true), same(parseEvidenceCache)] },
  },
  [storedKeys.SESSION_KEYS.alarmKey]: {
    areas: ['session'],
    key: storedKeys.SESSION_KEYS.alarmKey,
    sample: '00112233445566778899aabbccddeeff',
    // Its one reader is the alarm id: whatever is stored, an id of 32 hex digits (a bad key is made anew).
    readers: {
      alarmId: [
        () => {
          alarms.forgetAlarmKey();
          return alarms.alarmId(RETRY_ORIGIN);
        },
        (v) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v),
      ],
    },
  },
  [storedKeys.SESSION_KEYS.reachability]: {
    areas: ['session'],
    key: storedKeys.SESSION_KEYS.reachability,
    sample: { b3: 1_795_608_000_000, b40: 1_795_608_030_000 },
    readers: {
      readReachability: [() => outside.readReachability(), same(validateReachability)],
      otherSiteAnsweredAgoMs: [
        () => reachability.otherSiteAnsweredAgoMs('https://shop.example', 1_795_608_040_000),
        (v) => typeof v === 'number' && v >= 0 && v <= 60_000,
      ],
    },
  },
  [stored.LOCAL_KEYS.schema]: {
    areas: ['local'],
    key: stored.LOCAL_KEYS.schema,
    sample: stored.SCHEMA_VERSION,
    // The version's one reader is the migration: it must finish, and leave a history that reads.
    readers: {
      migrateStorage: [() => storage.migrateStorage().then(() => storage.readHistory()), listOf(same(stored.historyEntry))],
    },
  },
  [stored.LOCAL_KEYS.history]: {
    areas: ['local'],
    key: stored.LOCAL_KEYS.history,
    sample: v010.local.history,
    readers: { readHistory: [() => storage.readHistory(), same(stored.parseHistory)] },
  },
  [stored.LOCAL_KEYS.settings]: {
    areas: ['local', 'sync'],
    key: stored.LOCAL_KEYS.settings,
    sample: v010.sync.settings,
    readers: { readSettings: [() => storage.readSettings(), same(validateSettings)] },
  },
  [stored.LOCAL_KEYS.consent]: {
    areas: ['local'],
    key: stored.LOCAL_KEYS.consent,
    sample: v010.local.consent,
    readers: { readConsent: [() => storage.readConsent(), same(validateConsent)] },
  },
};

/**
 * The key families core/stored*.ts describes: every per-tab record, every `*_PREFIX` and `*_KEY`
 * it exports, and the values of its `*_KEYS` lists. Derived, so a new one cannot be left out.
 */
function families(): string[] {
  const out = new Set<string>(stored.TAB_RECORDS);
  for (const module of [stored, storedKeys] as Array<Record<string, unknown>>) {
    for (const [name, value] of Object.entries(module)) {
      if (/_(PREFIX|KEY)$/.test(name) && typeof value === 'string') out.add(value);
      if (/_KEYS$/.test(name) && value && typeof value === 'object') for (const key of Object.values(value)) out.add(String(key));
    }
  }
  return [...out].sort();
}

const BIG = 'x'.repeat(64 * 1024);
/** What may stand in any place: missing, wrong types, oversized, NaN/Infinity, arrays, `__proto__` keys. */
const GARBAGE: unknown[] = [
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
function corpus(sample: unknown): Array<[string, unknown]> {
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
const STRING_BOUND = 16 * 1024;

/** Plain data all the way down: strings within bounds, no object whose prototype a stored key replaced. */
function plain(value: unknown, seen = new Set<unknown>()): string | undefined {
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

async function store(row: Row, value: unknown): Promise<void> {
  for (const area of row.areas) {
    if (value === undefined) await fakeBrowser.storage[area].remove(row.key);
    else await fakeBrowser.storage[area].set({ [row.key]: value });
  }
}

/** Runs every reader of the row; the problems found, by reader. */
async function problems(row: Row, what: string): Promise<string[]> {
  const found: string[] = [];
  for (const [name, [read, valid]] of Object.entries(row.readers)) {
    let value: unknown;
    try {
      value = await read();
    } catch (error) {
      found.push(`${name}, ${what}: threw ${String(error)}`);
      continue;
    }
    const problem =
      plain(value) ?? (value === undefined || valid(value) ? undefined : `not valid: ${JSON.stringify(value)?.slice(0, 200)}`);
    if (problem) found.push(`${name}, ${what}: ${problem}`);
  }
  return found;
}

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('every reader of stored state', () => {
  it('the table has a row for every key family core/stored*.ts describes, and no other', () => {
    expect(Object.keys(TABLE).sort()).toEqual(families());
  });

  it('reads a valid sample back as valid, and as something (the samples are real records)', async () => {
    for (const row of Object.values(TABLE)) {
      await store(row, row.sample);
      expect(await problems(row, 'the sample')).toEqual([]);
      for (const [name, [read]] of Object.entries(row.readers)) expect(await read(), name).not.toBeUndefined();
      await store(row, undefined);
    }
  });

  it('what 0.1.0 stored: every reader gives a valid value or absent', async () => {
    await fakeBrowser.storage.local.set(v010.local);
    await fakeBrowser.storage.session.set(v010.session);
    await fakeBrowser.storage.sync.set(v010.sync);
    const found = [];
    for (const row of Object.values(TABLE)) found.push(...(await problems(row, '0.1.0')));
    expect(found).toEqual([]);
  });

  for (const [family, row] of Object.entries(TABLE)) {
    it(`${family}: garbage gives a valid value or absent, never a throw (${Object.keys(row.readers).join(', ')})`, async () => {
      const found: string[] = [];
      for (const [what, value] of corpus(row.sample)) {
        await store(row, value);
        found.push(...(await problems(row, what)));
      }
      expect(found).toEqual([]);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });
  }
});

describe('the guards can fail', () => {
  it('a family without a row is found', () => {
    const { incident: _, ...without } = TABLE;
    expect(Object.keys(without).sort()).not.toEqual(families());
  });

  it('a 64 KB string, NaN or a replaced prototype is not plain data', () => {
    expect(plain({ a: [BIG] })).toMatch(/65536/);
    expect(plain({ a: NaN })).toBe('NaN');
    expect(plain(Object.setPrototypeOf({}, { tokens: 1 }))).toMatch(/prototype/);
    expect(plain({ a: ['ok', 1, { b: null }] })).toBeUndefined();
  });
});
