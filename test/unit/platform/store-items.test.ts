// Every stored item, in one table, read through the real store on a fake browser from the same corpus: what
// 0.1.0 wrote, and garbage (wrong types, missing fields, 64 KB strings, arrays where records belong, NaN and
// Infinity, `__proto__` keys). Each reader must give a valid value or absent, never throw. An item in
// core/items.ts ALL_ITEMS without a row here fails the guard below.
import { crowdChoiceItem, crowdSecretItem, crowdSentItem } from '../../../src/core/crowd/stored';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import v010 from '../../fixtures/storage/0.1.0.json';
import { corpus, listOf, plain, same, BIG } from '../helpers/stored-corpus';
import { ALL_ITEMS } from '../../../src/core/items';
import { isKeyed, type AnyItem } from '../../../src/core/schema/item';
import { schemaItem, SCHEMA_VERSION } from '../../../src/core/schema/version';
import * as incident from '../../../src/core/incident/stored';
import * as retry from '../../../src/core/retry/stored';
import * as diagnosis from '../../../src/core/diagnosis/stored';
import * as present from '../../../src/core/present/stored';
import * as settings from '../../../src/core/settings/stored';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const store = await import('../../../src/platform/store');
const { migrateStore } = await import('../../../src/platform/store-migrate');
const reachability = await import('../../../src/platform/reachability');
const navigation = await import('../../../src/platform/navigation');
const alarms = await import('../../../src/platform/alarms');
const { startWatch } = await import('../../../src/core/retry/watch');

const TAB = 7;
/** The clock the age-bounded items are read at. */
const NOW = 1_795_608_000_000;
const RETRY_ORIGIN = 'https://shop.example';
const WATCH_ORIGIN = 'https://watched.example';
const session = v010.session as Record<string, unknown>;

type Reader = [read: () => Promise<unknown>, valid: (value: unknown) => boolean];
interface Row {
  item: AnyItem;
  /** The keys it writes and reads (a keyed item: its `k`s; a per-tab item: tab TAB). */
  ks?: unknown[];
  /** A valid record as Downcheck writes it: the corpus is made from it. */
  sample: unknown;
  /** Readers besides `store.read(item, k)`, and whether what each gave is valid (`undefined`, absent, always is). */
  extra?: Record<string, Reader>;
}

const evidence = (session['diagnosis:1'] as { evidence: Array<{ check: string }> }).evidence[0]!;
const watch = {
  ...startWatch({ url: `${WATCH_ORIGIN}/`, host: 'watched.example', now: NOW, online: true, random: () => 0.5, private: true }),
  lastProbe: { at: NOW + 5_000, status: 502, verdict: 'failing' },
};

/** Every item of core/items.ts, by its name. */
const TABLE: Record<string, Row> = {
  incident: { item: incident.incidentItem, ks: [TAB], sample: session['incident:1'] },
  subframes: { item: incident.subframesItem, ks: [TAB], sample: session['subframes:1'] },
  response: { item: incident.responseItem, ks: [TAB], sample: session['response:3'] },
  soft: { item: incident.softTimesItem, ks: [TAB], sample: [NOW, NOW + 1_000] },
  recording: {
    item: incident.recordingItem,
    ks: [TAB],
    sample: NOW,
    extra: {
      keysByFamily: [
        () => store.keysByFamily(),
        (v) => v instanceof Map && [...v.values()].every((ids: unknown) => listOf(Number.isSafeInteger)(ids)),
      ],
    },
  },
  failure: {
    item: incident.failureItem,
    ks: [TAB],
    sample: { url: 'https://shop.example/cart', error: 'net::ERR_CONNECTION_REFUSED', method: 'GET', time: NOW },
    extra: {
      readEach: [
        () => store.readEach(incident.failureItem),
        listOf((e) => Array.isArray(e) && e[0] === TAB && (e[1] === undefined || same(incident.parseHeardFailure)(e[1]))),
      ],
    },
  },
  errorpage: { item: incident.errorPageItem, ks: [TAB], sample: 'https://shop.example/cart' },
  'form-commit': {
    item: incident.formCommitItem,
    ks: [TAB],
    sample: 'https://shop.example/pay',
    extra: { committedMethod: [() => navigation.committedMethod(TAB, 'https://shop.example/pay'), (v) => v === 'GET' || v === 'POST'] },
  },
  diagnosis: { item: diagnosis.diagnosisItem, ks: [TAB, 'site', 'site-private'], sample: session['diagnosis:1'] },
  limits: {
    item: diagnosis.limitsItem,
    // Budgets are bounded by age too: a young one, and one whose back-off still runs.
    sample: {
      'doh:Cloudflare': { tokens: 3, updatedAt: NOW - 60_000, blockedUntil: NOW + 60_000 },
      'status:shop.example': { tokens: 19, updatedAt: NOW - 1_000 },
    },
    extra: {
      'read, an hour on': [
        () => {
          vi.setSystemTime(NOW + 60 * 60_000);
          return store.read(diagnosis.limitsItem).finally(() => vi.setSystemTime(NOW));
        },
        (v) =>
          same(diagnosis.parseLimits)(v) &&
          Object.values(v as Record<string, { blockedUntil?: number }>).every((b) => b.blockedUntil! > NOW + 60 * 60_000),
      ],
    },
  },
  'evidence-cache': {
    item: diagnosis.evidenceCacheItem,
    ks: [false, true],
    sample: { [`${evidence.check}|shop.example`]: { evidence, storedAt: NOW } },
  },
  reachability: {
    item: diagnosis.reachabilityItem,
    sample: { b3: NOW, b40: NOW + 30_000 },
    extra: {
      otherSiteAnsweredAgoMs: [
        () => reachability.otherSiteAnsweredAgoMs('https://shop.example', NOW + 40_000),
        (v) => typeof v === 'number' && v >= 0 && v <= 60_000,
      ],
    },
  },
  guide: { item: present.guideMarksItem, ks: [TAB], sample: session['guide:1'] },
  history: { item: present.historyItem, sample: v010.local.history },
  recovered: { item: retry.recoveredItem, ks: [TAB], sample: session['recovered:5'] },
  retry: {
    item: retry.retryItem,
    ks: [RETRY_ORIGIN],
    sample: session[`retry:${RETRY_ORIGIN}`],
    extra: { readAll: [() => store.readAll(retry.retryItem), listOf(same(retry.parseRetryRecord))] },
  },
  watch: {
    item: retry.watchItem,
    ks: [WATCH_ORIGIN],
    sample: watch,
    extra: { readAll: [() => store.readAll(retry.watchItem), listOf(same(retry.parseWatch))] },
  },
  'alarm-key': {
    item: retry.alarmKeyItem,
    sample: '00112233445566778899aabbccddeeff',
    // Its other reader is the alarm id: whatever is stored, an id of 32 hex digits (a bad key is made anew).
    extra: {
      alarmId: [
        () => {
          alarms.forgetAlarmKey();
          return alarms.alarmId(RETRY_ORIGIN);
        },
        (v) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v),
      ],
    },
  },
  'consent-asked': { item: settings.consentAskedItem, ks: [TAB], sample: NOW },
  consent: { item: settings.consentItem, sample: v010.local.consent },
  crowd: { item: crowdChoiceItem, sample: { optIn: true, serviceUrl: 'https://crowd.example' } },
  'crowd-secret': { item: crowdSecretItem, sample: '0123456789abcdef'.repeat(4) },
  // Bounded by age too: entries older than 10 minutes at the clock's now are dropped on read.
  'crowd-sent': {
    item: crowdSentItem,
    sample: [
      { hostKey: 'ab'.repeat(32), at: NOW - 60_000 },
      { hostKey: 'cd'.repeat(32), at: NOW },
    ],
  },
  settings: { item: settings.settingsItem, sample: v010.sync.settings },
  schema: {
    item: schemaItem,
    sample: SCHEMA_VERSION,
    // The version's other reader is the migration: it must finish, and leave a history that reads.
    extra: {
      migrateStore: [() => migrateStore().then(() => store.read(present.historyItem)), listOf(same(present.historyEntry))],
    },
  },
};

const keysOf = ({ item, ks = [] }: Row): string[] => (isKeyed(item) ? ks.map((k) => item.key(k)) : [item.key]);
const areasOf = (row: Row): Array<'local' | 'session' | 'sync'> => (row.item.sync ? [row.item.area, 'sync'] : [row.item.area]);

/** The default reader of each key, `store.read(item, k)`, checked against the item's own validator. */
function readers(row: Row): Record<string, Reader> {
  const read = store.read as (item: AnyItem, k?: unknown) => Promise<unknown>;
  const valid = same((raw) => row.item.parse(raw));
  const own: Record<string, Reader> = isKeyed(row.item)
    ? Object.fromEntries((row.ks ?? []).map((k) => [`read(${String(k)})`, [() => read(row.item, k), valid] as Reader]))
    : { read: [() => read(row.item), valid] };
  return { ...own, ...row.extra };
}

async function put(row: Row, value: unknown): Promise<void> {
  for (const area of areasOf(row)) {
    for (const key of keysOf(row)) {
      if (value === undefined) await fakeBrowser.storage[area].remove(key);
      else await fakeBrowser.storage[area].set({ [key]: value });
    }
  }
}

/** Runs every reader of the row; the problems found, by reader. */
async function problems(row: Row, what: string): Promise<string[]> {
  const found: string[] = [];
  for (const [name, [read, valid]] of Object.entries(readers(row))) {
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
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('every stored item', () => {
  it('the table has a row for every item of ALL_ITEMS, by its name, and no other', () => {
    expect(Object.keys(TABLE).sort()).toEqual(ALL_ITEMS.map((i) => i.name).sort());
    for (const [name, row] of Object.entries(TABLE)) expect(row.item.name).toBe(name);
  });

  it('reads a valid sample back as valid, and as something (the samples are real records)', async () => {
    for (const row of Object.values(TABLE)) {
      await put(row, row.sample);
      expect(await problems(row, 'the sample')).toEqual([]);
      for (const [name, [read]] of Object.entries(readers(row))) expect(await read(), `${row.item.name} ${name}`).not.toBeUndefined();
      await put(row, undefined);
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
    it(`${family}: garbage gives a valid value or absent, never a throw (${Object.keys(readers(row)).join(', ')})`, async () => {
      const found: string[] = [];
      for (const [what, value] of corpus(row.sample)) {
        await put(row, value);
        found.push(...(await problems(row, what)));
      }
      expect(found).toEqual([]);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });
  }
});

describe('the guards can fail', () => {
  it('an item without a row is found', () => {
    const { incident: _, ...without } = TABLE;
    expect(Object.keys(without).sort()).not.toEqual(ALL_ITEMS.map((i) => i.name).sort());
  });

  it('a 64 KB string, NaN or a replaced prototype is not plain data', () => {
    expect(plain({ a: [BIG] })).toMatch(/65536/);
    expect(plain({ a: NaN })).toBe('NaN');
    expect(plain(Object.setPrototypeOf({}, { tokens: 1 }))).toMatch(/prototype/);
    expect(plain({ a: ['ok', 1, { b: null }] })).toBeUndefined();
  });
});
