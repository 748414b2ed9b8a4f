import { describe, expect, it } from 'vitest';
import { parseIncident } from '../../../../src/core/incident/stored';
import { boundHistory, HISTORY_LIMIT, HISTORY_MAX_BYTES, historyUrl, parseHistory } from '../../../../src/core/present/stored';
import { SESSION_URL_MAX, storedUrl } from '../../../../src/core/net/url';
import { validateSettings } from '../../../../src/core/settings/settings';
import { classify } from '../../../../src/core/incident/classify';
import type { Incident } from '../../../../src/model/incident';

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
