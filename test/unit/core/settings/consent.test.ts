import { describe, expect, it } from 'vitest';
import {
  allows,
  anyConsent,
  consentFor,
  DEFAULT_CONSENT,
  SENDS_SITE,
  sendsSite,
  validateConsent,
  withConsent,
  withoutSiteSources,
} from '../../../../src/core/settings/consent';
import { CONSENT_SOURCES } from '../../../../src/model/settings';
import { CHECK_IDS, type CheckId } from '../../../../src/model/evidence';
import { ALL_CHECKS } from '../../../../src/checks/all-checks';

const ALL = { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true };

describe('consent', () => {
  it('agrees to nothing by default, and only a literal true counts', () => {
    for (const raw of [undefined, null, 'yes', 1, [], {}, { dns: 'true' }, { dns: 1, vantage: {}, statusPage: [true], archive: 'on' }]) {
      expect(validateConsent(raw)).toEqual(DEFAULT_CONSENT);
    }
    expect(validateConsent({ ...ALL, extra: true })).toEqual(ALL);
    expect(validateConsent({ vantage: true })).toEqual({ ...DEFAULT_CONSENT, vantage: true });
    expect(Object.isFrozen(DEFAULT_CONSENT)).toBe(true);
  });

  it('maps each check to its source; local checks need none', () => {
    expect(Object.fromEntries(CHECK_IDS.map((id) => [id, consentFor(id)]))).toEqual({
      reprobe: null,
      online: null,
      connectivity: 'connectivity',
      gateway: null,
      dns: 'dns',
      vantage: 'vantage',
      'status-page': 'statusPage',
      archive: 'archive',
      crowd: null,
    });
    expect([...new Set(CHECK_IDS.map(consentFor).filter(Boolean))].sort()).toEqual([...CONSENT_SOURCES].sort());
  });

  it('every check that needs consent has a source, and the others do not', () => {
    for (const check of ALL_CHECKS) expect(consentFor(check.id) !== null, check.id).toBe(check.needsConsent);
  });

  it('allows local checks always, outside checks per source', () => {
    for (const id of ['reprobe', 'online', 'gateway'] as const) expect(allows(DEFAULT_CONSENT, id)).toBe(true);
    for (const id of ['connectivity', 'dns', 'vantage', 'status-page', 'archive'] as const) {
      expect(allows(DEFAULT_CONSENT, id)).toBe(false);
      expect(allows(ALL, id)).toBe(true);
    }
    expect(allows({ ...DEFAULT_CONSENT, dns: true }, 'vantage')).toBe(false);
    expect(allows({ ...DEFAULT_CONSENT, dns: true }, 'dns')).toBe(true);
  });

  it('fails closed for unknown checks and garbage consent', () => {
    expect(allows(ALL, 'telemetry' as CheckId)).toBe(false);
    expect(allows(ALL, 'reprobe', true)).toBe(false); // needs consent but maps to no source
    expect(allows('everything' as never, 'dns')).toBe(false);
  });

  it('switches one source at a time', () => {
    const c = withConsent(DEFAULT_CONSENT, 'archive', true);
    expect(c).toEqual({ ...DEFAULT_CONSENT, archive: true });
    expect(anyConsent(c)).toBe(true);
    expect(anyConsent(withConsent(c, 'archive', false))).toBe(false);
  });
});

describe('sources that send the site (Firefox: "browsing activity")', () => {
  const all = validateConsent({ connectivity: true, dns: true, vantage: true, statusPage: true, archive: true });
  it('are every source but the connectivity baseline', () => {
    expect([...SENDS_SITE].sort()).toEqual(CONSENT_SOURCES.filter((s) => s !== 'connectivity').sort());
  });
  it('are withdrawn together, the baseline kept', () => {
    expect(withoutSiteSources(all)).toEqual({ ...DEFAULT_CONSENT, connectivity: true });
    expect(sendsSite(withoutSiteSources(all))).toBe(false);
    expect(sendsSite(withConsent(DEFAULT_CONSENT, 'connectivity', true))).toBe(false);
    for (const source of SENDS_SITE) expect(sendsSite(withConsent(DEFAULT_CONSENT, source, true))).toBe(true);
  });
});
