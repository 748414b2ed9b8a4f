// Bugs the fuzz targets found, each pinned by the smallest input that showed it.
import { describe, expect, it } from 'vitest';
import { MAX_HEADER_VALUE, pickDiagnosticHeaders } from '../../../src/core/net/headers';
import { text } from '../../../src/core/schema/validate';
import { classify } from '../../../src/core/incident/classify';
import { isPrivateHost, webHost } from '../../../src/core/net/url';
import { refuseOutside } from '../../../src/checks/kit/no-evidence';
import { sitePolicy, validateSettings, withSitePolicy } from '../../../src/core/settings/settings';
import type { Observation } from '../../../src/model/incident';
import { fetchJson } from '../../../src/checks/kit/http';
import { parseStatusJson } from '../../../src/checks/sources/status-page';
import type { CheckContext } from '../../../src/checks/kit/types';
import { HISTORY_URL_MAX, historyUrl } from '../../../src/core/present/stored';

describe('fuzz regressions', () => {
  it('bug: a header value cut at the size cap kept a trailing space, so picking it again changed it', () => {
    const value = `${'a'.repeat(MAX_HEADER_VALUE - 1)} a`;
    const picked = pickDiagnosticHeaders([{ name: 'server', value }]);
    expect(picked.server).toBe('a'.repeat(MAX_HEADER_VALUE - 1));
    expect(pickDiagnosticHeaders([{ name: 'server', value: picked.server }])).toEqual(picked);
  });

  it('bug: display text cut at its limit kept a trailing space, so cleaning it again changed it', () => {
    expect(text('ab cd', 3)).toBe('ab');
    expect(text(text('!     !', 6)!, 6)).toBe(text('!     !', 6));
  });

  it('bug: classify threw on a network error that is an object without a prototype', () => {
    const obs = { kind: 'network', url: 'http://a.example/', error: Object.create(null), method: 'GET', time: 0 } as unknown as Observation;
    expect(() => classify(obs)).not.toThrow();
    expect(classify(obs)?.rawError).toBeUndefined();
  });

  it('bug: classify kept String() of a non-string network error, unbounded', () => {
    const obs = { kind: 'network', url: 'http://a.example/', error: new Array(1000).fill('x'), time: 0 } as unknown as Observation;
    expect(classify(obs)?.rawError).toBeUndefined();
  });

  it('bug: a private host with several trailing dots was classified public (a.local.., 10.0.0.1..)', () => {
    for (const url of ['http://a.local../', 'http://10.0.0.1../', 'http://intranet.corp.../']) {
      const host = webHost(url)!;
      expect(isPrivateHost(host)).toBe(true);
      expect(refuseOutside({ host })).toBe('private-host');
    }
  });

  it('bug: a private address spelled with few parts and trailing dots was classified public (0.0.., 192.11022107..)', () => {
    // The URL parser reads 0.0 as 0.0.0.0 and 192.11022107 as 192.168.52.27, but not with the extra dots.
    for (const url of ['http://0.0../', 'http://192.11022107../', 'http://100.4194304.../', 'http://0x7f.1../']) {
      expect(isPrivateHost(webHost(url)!)).toBe(true);
    }
    expect(isPrivateHost('93.184.216.34')).toBe(false);
    expect(isPrivateHost('1.1..')).toBe(false); // 1.0.0.1: public, spelled oddly
  });

  it('bug: setting a policy for a host with surrounding spaces put it in both the always and the never list', () => {
    const stored = validateSettings({ alwaysRetry: ['shop.example'] });
    const next = withSitePolicy(stored, ' shop.example ', 'never');
    expect(next.alwaysRetry).toEqual([]);
    expect(next.neverRetry).toEqual(['shop.example']);
    expect(sitePolicy(next, 'shop.example')).toBe('never');
  });

  it('bug: an outside answer with bytes that are not UTF-8 was silently repaired and believed', async () => {
    const body = new Uint8Array([...Buffer.from('{"status":{"indicator":"none","description":"'), 0xc3, 0x28, 0xff, ...Buffer.from('"}}')]);
    const ctx = { fetch: async () => new Response(body, { status: 200 }), now: Date.now } as unknown as CheckContext;
    const result = await fetchJson(ctx, 'http://status.example/api/v2/status.json', {
      maxBytes: 1024,
      timeoutMs: 1000,
      signal: new AbortController().signal,
      parse: parseStatusJson,
    });
    expect(result).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('bug: a history URL cut at its limit right after /. changed again on the next read', () => {
    const origin = 'http://shop.example';
    const url = `${origin}/${'a'.repeat(HISTORY_URL_MAX - origin.length - 3)}/.x`; // the cut leaves `/.`
    const once = historyUrl(url)!;
    expect(historyUrl(once)).toBe(once);
    expect(once.length).toBeLessThanOrEqual(HISTORY_URL_MAX);
  });

  it('bug (in the fix above): an all-digit single label read as a number became public (0100000000 is 1.0.0.0)', () => {
    // The URL parser never hands such a label over, but a private reading must never be lost.
    expect(isPrivateHost('0100000000')).toBe(true);
    expect(isPrivateHost('intranet')).toBe(true);
  });
});
