// Fuzz targets: records read back from storage (any shape an older version, a hand-edited entry or
// a corrupted store may hold) and messages arriving on the extension's message channel.
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_SETTINGS,
  GIVE_UP_CHOICES,
  normaliseHost,
  sitePolicy,
  validateSettings,
  withSitePolicy,
} from '../../../src/core/settings/settings';
import { validateConsent } from '../../../src/core/settings/consent';
import { CONSENT_SOURCES } from '../../../src/model/settings';
import { isMessage } from '../../../src/protocol/messages';
import { classify } from '../../../src/core/incident/classify';
import { HISTORY_LIMIT, HISTORY_MAX_BYTES, historyItem, parseGuideMarks, parseHistory } from '../../../src/core/present/stored';
import { INCIDENT_FIELD_NAMES, parseHeardFailure, parseIncident, parseResponse, parseSubframes } from '../../../src/core/incident/stored';
import { parseRecovery, parseRetryRecord, RETRY_FIELD_NAMES } from '../../../src/core/retry/stored';
import { SESSION_URL_MAX, storedUrl } from '../../../src/core/net/url';
import { planMigration, schemaItem } from '../../../src/core/schema/version';
import { ALL_ITEMS } from '../../../src/core/items';
import { plausiblePast } from '../../../src/core/schema/validate';
import type { Incident } from '../../../src/model/incident';
import { anyString, anyValue, fuzz, mostly, reaches } from './fuzz';

const host = fc.oneof(fc.domain(), fc.constantFrom('[::1]', 'SHOP.EXAMPLE', ' shop.example ', 'localhost'), anyString);
const hostList = mostly(fc.array(mostly(host), { maxLength: 30 }));
const storedSettings = fc.oneof(
  fc.record(
    {
      autoRetry: mostly(fc.boolean()),
      giveUpMinutes: mostly(fc.constantFrom(...GIVE_UP_CHOICES, 0, 15, -5, 1e9)),
      alwaysRetry: hostList,
      neverRetry: hostList,
      panelHidden: hostList,
      version: anyValue,
    },
    { requiredKeys: [] },
  ),
  anyValue,
);

const HOST = /^(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}$|^\[[0-9a-f:.]+\]$/; // `_` is kept

describe('fuzz: stored settings', () => {
  fuzz('validateSettings never throws and gives settings of the right types, hosts clean and at most 500', [storedSettings], (raw) => {
    const s = validateSettings(raw);
    expect(Object.keys(s).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
    expect(typeof s.autoRetry).toBe('boolean');
    expect(GIVE_UP_CHOICES).toContain(s.giveUpMinutes);
    for (const list of [s.alwaysRetry, s.neverRetry, s.panelHidden]) {
      expect(list.length).toBeLessThanOrEqual(500);
      expect(new Set(list).size).toBe(list.length);
      for (const h of list) expect(h).toMatch(HOST);
    }
  });

  fuzz('validateSettings is idempotent and survives a storage round trip', [storedSettings], (raw) => {
    const once = validateSettings(raw);
    expect(validateSettings(once)).toEqual(once);
    expect(validateSettings(structuredClone(once))).toEqual(once);
  });

  fuzz(
    'withSitePolicy never throws, and the site then has the policy asked for',
    [storedSettings, host, fc.constantFrom('always', 'never', 'default') as fc.Arbitrary<'always' | 'never' | 'default'>],
    (raw, h, policy) => {
      const s = withSitePolicy(validateSettings(raw), h, policy);
      expect(validateSettings(s)).toEqual(s);
      // A host the lists can hold (normaliseHost is how they read one) then has exactly that policy.
      if (normaliseHost(h) !== undefined) expect(sitePolicy(s, h)).toBe(policy);
    },
  );

  reaches('stored host lists that survive', storedSettings, (raw) => validateSettings(raw).alwaysRetry.length > 0, 0.05);
});

const storedConsent = fc.oneof(
  fc.record(Object.fromEntries(CONSENT_SOURCES.map((k) => [k, mostly(fc.boolean())])), { requiredKeys: [] }),
  anyValue,
);

describe('fuzz: stored consent', () => {
  fuzz(
    'validateConsent never throws, gives a boolean per source, true only where true was stored, and is idempotent',
    [storedConsent],
    (raw) => {
      const c = validateConsent(raw);
      expect(Object.keys(c).sort()).toEqual([...CONSENT_SOURCES].sort());
      for (const source of CONSENT_SOURCES) {
        expect(typeof c[source]).toBe('boolean');
        if (c[source]) expect((raw as Record<string, unknown>)[source]).toBe(true);
      }
      expect(validateConsent(c)).toEqual(c);
    },
  );
});

const TYPES = [
  'retry-now',
  'stop-retry',
  'start-retry',
  'resubmit',
  'clear-site-data',
  'open-url',
  'diagnose',
  'inspect-tab',
  'check-site',
  'site-policy',
  'panel-state',
  'worker-stats',
  'state',
  'nope',
];
const message = fc.oneof(
  fc.record(
    {
      type: mostly(fc.constantFrom(...TYPES)),
      tabId: mostly(fc.oneof(fc.nat(), fc.integer(), fc.double())),
      host: mostly(host),
      policy: mostly(fc.constantFrom('always', 'never', 'default')),
      cookies: mostly(fc.boolean()),
      url: mostly(
        fc.oneof(fc.webUrl(), fc.constantFrom('javascript:alert(1)', 'data:text/html,x', 'chrome://settings/security', 'chrome://flags')),
      ),
    },
    { requiredKeys: ['type'] },
  ),
  anyValue,
);

describe('fuzz: messages', () => {
  fuzz('isMessage never throws; an accepted message has a known type, and open-url only web or settings pages', [message], (m) => {
    if (!isMessage(m)) return;
    const msg = m as unknown as Record<string, unknown>;
    expect(typeof msg.type).toBe('string');
    if (msg.type === 'open-url') expect(msg.url).toMatch(/^(https?:\/\/|chrome:\/\/settings\/)/);
    if (
      'tabId' in msg &&
      msg.type !== 'check-site' &&
      msg.type !== 'site-policy' &&
      msg.type !== 'worker-stats' &&
      !String(msg.type).startsWith('panel-')
    ) {
      expect(Number.isInteger(msg.tabId) && (msg.tabId as number) >= 0).toBe(true);
    }
    // What crosses the channel is a structured clone: it must be accepted again after one.
    expect(isMessage(structuredClone(m))).toBe(true);
  });

  reaches('accepted messages', message, (m) => isMessage(m), 0.1);
});

// ── records the state layer reads back (core/<domain>/stored.ts) ─────────────────────────────────
const webUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true, authoritySettings: { withUserInfo: true, withPort: true, withIPv6: true } }),
  fc
    .tuple(fc.webUrl(), fc.string({ unit: fc.constantFrom('a', '.', '%', '2', 'e', '/', 'é'), minLength: 400, maxLength: 9000 }))
    .map(([u, p]) => `${u}/${p}`),
);
const classified = fc
  .tuple(
    webUrl,
    fc.integer({ min: 500, max: 599 }),
    fc.constantFrom('GET', 'POST'),
    fc.nat({ max: 2 ** 40 }),
    fc.constantFrom('cloudflare', 'nginx', 'awselb/2.0'),
  )
  .map(([url, status, method, time, server]) =>
    classify({
      kind: 'http',
      url,
      status,
      method,
      time,
      headers: [
        { name: 'server', value: server },
        { name: 'cf-ray', value: '8a1b2c3d4e5f6789-FRA' },
      ],
    }),
  )
  .filter((i): i is Incident => i !== null);
/** A real incident with one field replaced by anything: what an older version or a corrupted store may hold. */
const storedIncident = fc.oneof(
  classified,
  fc.tuple(classified, fc.constantFrom(...INCIDENT_FIELD_NAMES), anyValue).map(([i, field, value]) => ({ ...i, [field]: value })),
  anyValue,
);

describe('fuzz: stored records read back', () => {
  fuzz(
    'parseIncident never throws; what it keeps parses again to the same record and survives a structured clone',
    [storedIncident],
    (raw) => {
      const once = parseIncident(raw);
      if (once === undefined) return;
      expect(parseIncident(once)).toEqual(once);
      expect(parseIncident(structuredClone(once))).toEqual(once);
      expect(once.url.length).toBeLessThanOrEqual(SESSION_URL_MAX);
      expect(['http', 'network', 'soft']).toContain(once.kind);
    },
  );

  fuzz('an incident as classify makes it is read back unchanged (nothing it writes is refused)', [classified], (incident) => {
    expect(parseIncident(incident)).toEqual({ ...incident, url: storedUrl(incident.url) });
  });

  fuzz(
    'parseHistory never throws; newest first, within its bounds, idempotent, no query kept',
    [fc.oneof(fc.array(storedIncident, { maxLength: 30 }), anyValue)],
    (raw) => {
      const history = parseHistory(raw);
      expect(history.length).toBeLessThanOrEqual(HISTORY_LIMIT);
      expect(JSON.stringify(history).length).toBeLessThanOrEqual(HISTORY_MAX_BYTES);
      for (let i = 1; i < history.length; i += 1) expect(history[i - 1]!.time).toBeGreaterThanOrEqual(history[i]!.time);
      for (const entry of history) expect(entry.url).not.toMatch(/[?#]/);
      expect(parseHistory(history)).toEqual(history);
    },
  );

  const retryRecord = fc
    .tuple(
      webUrl,
      fc.array(fc.oneof(fc.nat(), fc.integer()), { maxLength: 8 }),
      fc.nat({ max: 2 ** 40 }),
      fc.constantFrom('waiting', 'offline', 'gave-up', 'x'),
    )
    .map(([url, tabs, at, state]) => {
      const origin = new URL(url).origin;
      return {
        origin,
        probeUrl: url,
        tabs,
        state,
        probes: 3,
        schedule: { origin, startedAt: at, attempt: 2, nextAt: at + 5, notBefore: at, pausedOfflineSince: null, giveUpAt: at + 9 },
        lastProbe: { at, status: 502 },
      };
    });
  const storedRetry = fc.oneof(
    retryRecord,
    fc.tuple(retryRecord, fc.constantFrom(...RETRY_FIELD_NAMES), anyValue).map(([r, f, v]) => ({ ...r, [f]: v })),
    anyValue,
  );

  fuzz(
    'parseRetryRecord never throws; a kept schedule belongs to its origin, its tabs are distinct ids, and it parses again the same',
    [storedRetry],
    (raw) => {
      const once = parseRetryRecord(raw);
      if (once === undefined) return;
      expect(once.schedule.origin).toBe(once.origin);
      expect(new Set(once.tabs).size).toBe(once.tabs.length);
      for (const id of once.tabs) expect(Number.isSafeInteger(id) && id >= 0).toBe(true);
      expect(parseRetryRecord(once)).toEqual(once);
    },
  );

  fuzz('the other per-tab records never throw and parse their own output to the same', [anyValue], (raw) => {
    for (const parse of [parseSubframes, parseResponse, parseGuideMarks, parseRecovery, parseHeardFailure] as Array<
      (v: unknown) => unknown
    >) {
      const once = parse(raw);
      expect(parse(once === undefined ? undefined : once)).toEqual(once);
    }
  });

  fuzz(
    'planMigration never throws and leaves a store that needs no further migration',
    [fc.record({ schema: anyValue, history: fc.oneof(fc.array(storedIncident, { maxLength: 10 }), anyValue) }, { requiredKeys: [] })],
    (raw) => {
      const items: Record<string, unknown> = {};
      if ('schema' in raw) items[schemaItem.key] = raw.schema;
      if ('history' in raw) items[historyItem.key] = raw.history;
      const { set, remove } = planMigration(items, ALL_ITEMS);
      const after = { ...items, ...set };
      for (const key of remove) delete after[key];
      expect(planMigration(after, ALL_ITEMS)).toEqual({ set: {}, remove: [] });
    },
  );

  const heardFailure = fc.oneof(
    {
      weight: 9,
      arbitrary: fc.record(
        {
          url: mostly(fc.webUrl()),
          error: mostly(
            fc.constantFrom('net::ERR_CONNECTION_REFUSED', 'net::ERR_NAME_NOT_RESOLVED', 'net::ERR_HTTP_RESPONSE_CODE_FAILURE'),
          ),
          method: mostly(fc.constantFrom('GET', 'POST')),
          time: mostly(fc.integer({ min: 0, max: 2_000_000_000_000 })),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: anyValue },
  );
  fuzz('parseHeardFailure never throws; a kept note has a web address, a plain error token, GET or POST', [heardFailure], (raw) => {
    const note = parseHeardFailure(raw);
    if (note === undefined) return;
    expect(note.url).toMatch(/^https?:\/\//i);
    expect(note.error).toMatch(/^[A-Za-z0-9_:.-]{1,100}$/);
    expect(['GET', 'POST']).toContain(note.method);
    expect(parseHeardFailure(note)).toEqual(note);
  });
  reaches('failure notes that are kept', heardFailure, (raw) => parseHeardFailure(raw) !== undefined, 0.1);

  fuzz(
    'a reported time (a status read’s) is kept only when plausible, the time of receipt otherwise',
    [anyValue, fc.integer({ min: 0, max: 4_000_000_000_000 })],
    (raw, now) => {
      const at = plausiblePast(raw, now, 10 * 60_000);
      expect(at === now || (at <= now && now - at <= 10 * 60_000)).toBe(true);
    },
  );

  reaches('incidents that are kept', storedIncident, (raw) => parseIncident(raw) !== undefined, 0.3);
  reaches('retry records that are kept', storedRetry, (raw) => parseRetryRecord(raw) !== undefined, 0.3);
});
