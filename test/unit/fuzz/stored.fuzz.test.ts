// Fuzz targets: records read back from storage (any shape an older version, a hand-edited entry or
// a corrupted store may hold) and messages arriving on the extension's message channel.
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SETTINGS, GIVE_UP_CHOICES, sitePolicy, validateSettings, withSitePolicy } from '../../../src/core/settings';
import { CONSENT_SOURCES, validateConsent } from '../../../src/core/consent';
import { isMessage } from '../../../src/shared/messages';
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

const HOST = /^(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}$|^\[[0-9a-f:.]+\]$/; // `_` is kept (issue 11 item 12)

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

  fuzz('withSitePolicy never throws, and the site then has the policy asked for', [storedSettings, host, fc.constantFrom('always', 'never', 'default') as fc.Arbitrary<'always' | 'never' | 'default'>], (raw, h, policy) => {
    const s = withSitePolicy(validateSettings(raw), h, policy);
    expect(validateSettings(s)).toEqual(s);
    const normal = h.trim().toLowerCase();
    if (HOST.test(normal) && normal.length <= 255) expect(sitePolicy(s, normal)).toBe(policy);
  });

  reaches('stored host lists that survive', storedSettings, (raw) => validateSettings(raw).alwaysRetry.length > 0, 0.05);
});

const storedConsent = fc.oneof(fc.record(Object.fromEntries(CONSENT_SOURCES.map((k) => [k, mostly(fc.boolean())])), { requiredKeys: [] }), anyValue);

describe('fuzz: stored consent', () => {
  fuzz('validateConsent never throws, gives a boolean per source, true only where true was stored, and is idempotent', [storedConsent], (raw) => {
    const c = validateConsent(raw);
    expect(Object.keys(c).sort()).toEqual([...CONSENT_SOURCES].sort());
    for (const source of CONSENT_SOURCES) {
      expect(typeof c[source]).toBe('boolean');
      if (c[source]) expect((raw as Record<string, unknown>)[source]).toBe(true);
    }
    expect(validateConsent(c)).toEqual(c);
  });
});

const TYPES = ['retry-now', 'stop-retry', 'start-retry', 'resubmit', 'clear-site-data', 'open-url', 'diagnose', 'inspect-tab', 'check-site', 'site-policy', 'panel-state', 'state', 'nope'];
const message = fc.oneof(
  fc.record(
    {
      type: mostly(fc.constantFrom(...TYPES)),
      tabId: mostly(fc.oneof(fc.nat(), fc.integer(), fc.double())),
      host: mostly(host),
      policy: mostly(fc.constantFrom('always', 'never', 'default')),
      cookies: mostly(fc.boolean()),
      url: mostly(fc.oneof(fc.webUrl(), fc.constantFrom('javascript:alert(1)', 'data:text/html,x', 'chrome://settings/security', 'chrome://flags'))),
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
    if ('tabId' in msg && msg.type !== 'check-site' && msg.type !== 'site-policy' && !String(msg.type).startsWith('panel-')) {
      expect(Number.isInteger(msg.tabId) && (msg.tabId as number) >= 0).toBe(true);
    }
    // What crosses the channel is a structured clone: it must be accepted again after one.
    expect(isMessage(structuredClone(m))).toBe(true);
  });

  reaches('accepted messages', message, (m) => isMessage(m), 0.1);
});
