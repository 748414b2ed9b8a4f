import { describe, expect, it } from 'vitest';
import { classify } from '../../../../src/core/incident/classify';
import { badgeFor, BADGE_COLORS } from '../../../../src/core/present/badge';
import type { Observation } from '../../../../src/model/incident';
import en from '../../../../public/_locales/en/messages.json';

const messages = en as Record<string, { message: string }>;
const http = (status: number, headers: Array<[string, string]> = [], extra: Partial<Extract<Observation, { kind: 'http' }>> = {}) =>
  classify({
    kind: 'http',
    url: 'https://shop.example/cart?id=7',
    status,
    headers: headers.map(([name, value]) => ({ name, value })),
    time: 1000,
    ...extra,
  });

describe('classify: HTTP responses', () => {
  it.each([100, 200, 204, 301, 304, 400, 403, 404, 429, 499, 600, 999, -1, 0, 502.5, NaN])('status %s is not an incident', (status) => {
    expect(http(status)).toBeNull();
  });

  it.each([
    // status, headers, retryable, fault, explanation key, severity
    [500, [], true, 'origin', 'fault_generic_500', 'critical'],
    [501, [], false, 'origin', 'fault_generic_5xx', 'critical'],
    [502, [], true, 'origin', 'fault_generic_502', 'critical'],
    [503, [], true, 'origin', 'fault_generic_503', 'warning'],
    [504, [], true, 'origin', 'fault_generic_504', 'critical'],
    [505, [], false, 'origin', 'fault_generic_5xx', 'critical'],
    [502, [['Server', 'nginx/1.22.1']], true, 'origin', 'fault_gateway_502', 'critical'],
    [504, [['Server', 'nginx']], true, 'origin', 'fault_gateway_504', 'critical'],
    [
      520,
      [
        ['Server', 'cloudflare'],
        ['CF-RAY', '8f1a2b3c4d5e6f70-FRA'],
      ],
      true,
      'origin',
      'fault_cf_520',
      'critical',
    ],
    [521, [['Server', 'cloudflare']], true, 'origin', 'fault_cf_521', 'critical'],
    [522, [['Server', 'cloudflare']], true, 'origin', 'fault_cf_522', 'critical'],
    [523, [['Server', 'cloudflare']], true, 'origin', 'fault_cf_523', 'critical'],
    [524, [['Server', 'cloudflare']], true, 'origin', 'fault_cf_524', 'critical'],
    [525, [['Server', 'cloudflare']], false, 'origin', 'fault_cf_525', 'critical'],
    [526, [['Server', 'cloudflare']], false, 'origin', 'fault_cf_526', 'critical'],
    [527, [['Server', 'cloudflare']], true, 'origin', 'fault_cf_527', 'critical'],
    [530, [['Server', 'cloudflare']], true, 'dns', 'fault_cf_530', 'critical'],
    [502, [['Server', 'cloudflare']], true, 'origin', 'fault_cf_origin_502', 'critical'],
    [504, [['Server', 'cloudflare']], true, 'origin', 'fault_cf_origin_504', 'critical'],
    [502, [['X-Amz-Cf-Pop', 'FRA56-P5']], true, 'origin', 'fault_cloudfront_502', 'critical'],
    [503, [['Server', 'awselb/2.0']], true, 'origin', 'fault_alb_503', 'warning'],
    [522, [], true, 'origin', 'fault_generic_5xx', 'critical'], // a 522 without Cloudflare headers: no platform story
  ] as const)('%s with %j → retryable %s, fault %s, %s', (status, headers, retryable, fault, explanation, severity) => {
    const incident = http(status, headers as unknown as Array<[string, string]>);
    expect(incident).toMatchObject({ kind: 'http', status, retryable, fault, severity, badge: String(status) });
    expect(incident?.explanation.key).toBe(explanation);
  });

  it('every message key it can produce exists in the English locale', () => {
    const statuses = [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511, 520, 521, 522, 523, 524, 525, 526, 527, 530, 599];
    const headerSets: Array<Array<[string, string]>> = [
      [],
      [['Server', 'cloudflare']],
      [['X-Amz-Cf-Pop', 'FRA56-P5']],
      [['Server', 'awselb/2.0']],
      [['Server', 'nginx']],
    ];
    for (const status of statuses)
      for (const headers of headerSets) {
        const incident = http(status, headers)!;
        expect(messages[incident.meaning.key], incident.meaning.key).toBeDefined();
        expect(messages[incident.explanation.key], incident.explanation.key).toBeDefined();
      }
  });

  it('keeps the Cloudflare data centre and Ray ID for support', () => {
    const incident = http(522, [
      ['Server', 'cloudflare'],
      ['CF-RAY', '8f1a2b3c4d5e6f70-FRA'],
    ]);
    expect(incident?.platform).toEqual({ id: 'cloudflare', name: 'Cloudflare', pop: 'FRA' });
    expect(incident?.reference).toEqual({ kind: 'cf-ray', value: '8f1a2b3c4d5e6f70-FRA' });
    expect(incident?.meaning.key).toBe('meaning_522');
  });

  it('keeps Retry-After raw for the retry policy', () => {
    expect(http(503, [['Retry-After', '120']])?.retryAfter).toBe('120');
    expect(http(503)).not.toHaveProperty('retryAfter');
  });

  it('a POST is never retryable; a missing method means a navigation GET; a garbage method is "OTHER"', () => {
    expect(http(502, [], { method: 'POST' })).toMatchObject({ retryable: false, method: 'POST' });
    expect(http(502, [], { method: 'head' })).toMatchObject({ retryable: true, method: 'HEAD' });
    expect(http(502, [])).toMatchObject({ method: 'GET' });
    expect(http(502, [], { method: 'G E T\n' })).toMatchObject({ retryable: false, method: 'OTHER' });
  });

  it('keeps a plausible server address only', () => {
    expect(http(502, [], { ip: '203.0.113.7' })?.ip).toBe('203.0.113.7');
    expect(http(502, [], { ip: '2001:db8::1' })?.ip).toBe('2001:db8::1');
    expect(http(502, [], { ip: '<img src=x>' })).not.toHaveProperty('ip');
  });

  it('keeps "reached through a proxy" only as a plain true', () => {
    expect(http(502, [], { proxied: true })).toMatchObject({ proxied: true });
    expect(http(502, [], { proxied: 'yes' as never })).not.toHaveProperty('proxied');
    expect(http(502)).not.toHaveProperty('proxied');
  });

  it('a status with its own meaning vs the generic one', () => {
    expect(http(599)?.meaning).toEqual({ key: 'meaning_5xx', subs: ['599'] });
  });
});

describe('classify: URLs of every shape', () => {
  it.each([
    ['https://bücher.example/x', 'xn--bcher-kva.example'],
    ['http://[2001:db8::1]:8443/', '[2001:db8::1]'],
    ['http://127.0.0.1:8080/x', '127.0.0.1'],
    ['https://shop.example:444/', 'shop.example'],
  ])('%s → host %s', (url, host) => expect(http(502, [], { url })?.host).toBe(host));

  it.each([
    'file:///x',
    'data:text/html,x',
    'chrome://newtab',
    'about:blank',
    'chrome-extension://x/y',
    'moz-extension://x/y',
    'not a url',
    '',
    'x'.repeat(70_000),
  ])('%s is never an incident', (url) => {
    expect(http(502, [], { url })).toBeNull();
    expect(classify({ kind: 'network', url, error: 'net::ERR_NAME_NOT_RESOLVED', time: 1 })).toBeNull();
    expect(classify({ kind: 'soft', url, title: '502 Bad Gateway', time: 1 })).toBeNull();
  });
});

describe('classify: hostile or broken input never throws', () => {
  const junk: unknown[] = [
    undefined,
    null,
    {},
    { kind: 'http' },
    { kind: 'http', url: 'https://a.example/', status: '502' },
    { kind: 'http', url: 'https://a.example/', status: 502, headers: 'server: nginx' },
    { kind: 'http', url: 'https://a.example/', status: 502, headers: [null, 1, { name: 'server' }], time: 'now' },
    { kind: 'network', url: 'https://a.example/', error: { code: 1 } },
    { kind: 'soft', url: 'https://a.example/', title: 42 },
    { kind: 'weird', url: 'https://a.example/' },
  ];
  it.each(junk.map((j) => [JSON.stringify(j) ?? String(j), j]))('%s', (_, obs) => {
    expect(() => classify(obs as Observation)).not.toThrow();
  });

  it('malformed headers still give a usable incident', () => {
    const incident = classify({
      kind: 'http',
      url: 'https://a.example/',
      status: 502,
      headers: [null, 1, { name: 'server' }] as never,
      time: Number.NaN,
    });
    expect(incident).toMatchObject({ status: 502, headers: {}, time: 0 });
  });
});

describe('classify: network errors', () => {
  it.each([
    ['net::ERR_NAME_NOT_RESOLVED', 'dns', 'DNS', 'dns', true],
    ['NS_ERROR_UNKNOWN_HOST', 'dns', 'DNS', 'dns', true],
    ['net::ERR_CONNECTION_REFUSED', 'refused', 'REF', 'origin', true],
    ['NS_ERROR_NET_RESET', 'reset', 'RST', 'unknown', true],
    ['net::ERR_CONNECTION_TIMED_OUT', 'timed-out', 'TIME', 'unknown', true],
    ['net::ERR_CERT_DATE_INVALID', 'tls', 'TLS', 'unknown', false],
    ['net::ERR_INTERNET_DISCONNECTED', 'offline', 'OFF', 'you', true],
    ['net::ERR_WHATEVER', 'other', 'ERR', 'unknown', true],
  ])('%s → %s (%s), fault %s, retryable %s', (error, netError, badge, fault, retryable) => {
    const incident = classify({ kind: 'network', url: 'http://gone.example/', error, method: 'GET', time: 5 });
    expect(incident).toMatchObject({ kind: 'network', netError, badge, fault, retryable, rawError: error, host: 'gone.example' });
    expect(messages[incident!.meaning.key]).toBeDefined();
    expect(messages[incident!.explanation.key]).toBeDefined();
  });

  it.each(['net::ERR_ABORTED', 'NS_BINDING_ABORTED', 'net::ERR_BLOCKED_BY_CLIENT'])('%s is not an incident', (error) => {
    expect(classify({ kind: 'network', url: 'http://a.example/', error, time: 5 })).toBeNull();
  });

  it('a failed POST is not retryable', () => {
    expect(
      classify({ kind: 'network', url: 'http://a.example/', error: 'net::ERR_CONNECTION_RESET', method: 'POST', time: 5 })?.retryable,
    ).toBe(false);
  });
});

describe('classify: soft errors', () => {
  it('an error title on a 200 page is a soft incident with the code from the title', () => {
    expect(classify({ kind: 'soft', url: 'https://blog.example/', title: '504 Gateway Time-out', time: 1 })).toMatchObject({
      kind: 'soft',
      status: 504,
      badge: '504',
      severity: 'warning',
      retryable: false, // answered 200: a probe cannot tell when it is fixed
      headers: {},
    });
  });
  it('an ordinary title is nothing', () => {
    expect(classify({ kind: 'soft', url: 'https://blog.example/', title: 'Top 502 recipes', time: 1 })).toBeNull();
  });
});

describe('badgeFor', () => {
  it('shows the code in red for a broken site, amber for 503, and a tooltip naming the host', () => {
    const b502 = badgeFor(http(502)!);
    expect(b502).toEqual({ text: '502', color: BADGE_COLORS.critical, title: { key: 'badge_title', subs: ['502', 'shop.example'] } });
    expect(badgeFor(http(503)!).color).toBe(BADGE_COLORS.warning);
    expect(messages.badge_title).toBeDefined();
  });
  it('labels network errors in at most four characters', () => {
    for (const error of ['net::ERR_NAME_NOT_RESOLVED', 'net::ERR_CONNECTION_REFUSED', 'net::ERR_TIMED_OUT', 'net::ERR_X']) {
      const text = badgeFor(classify({ kind: 'network', url: 'http://a.example/', error, time: 1 })!).text;
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThanOrEqual(4);
    }
  });
});

describe('classify: the one retry rule', () => {
  it("an incident's `retryable` is core/retry-policy's isRetryable, for every network error, status and method", async () => {
    const { isRetryable } = await import('../../../../src/core/retry/policy');
    // One error string per category: dns, refused, reset, timed-out, tls (Chrome and Firefox), offline, other.
    const errors = ['net::ERR_NAME_NOT_RESOLVED', 'net::ERR_CONNECTION_REFUSED', 'net::ERR_CONNECTION_RESET', 'net::ERR_TIMED_OUT'];
    errors.push('net::ERR_CERT_DATE_INVALID', 'SEC_ERROR_UNKNOWN_ISSUER', 'net::ERR_INTERNET_DISCONNECTED', 'net::ERR_TOO_MANY_REDIRECTS');
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', undefined]) {
      for (const error of errors) {
        const incident = classify({ kind: 'network', url: 'https://shop.example/', error, method, time: 1 });
        expect(incident?.retryable, `${error} ${method}`).toBe(
          isRetryable({ method: incident?.method, netError: incident?.netError }).retry,
        );
      }
      for (let status = 500; status < 600; status += 1) {
        const incident = http(status, [], { method });
        if (incident) expect(incident.retryable, `${status} ${method}`).toBe(isRetryable({ method: incident.method, status }).retry);
      }
    }
  });
});
