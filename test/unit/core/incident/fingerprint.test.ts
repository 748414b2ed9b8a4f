import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../../src/core/incident/fingerprint';
import { pickDiagnosticHeaders } from '../../../../src/core/net/headers';

/** Header sets as the platforms send them with their own 5xx pages (names in the case they use). */
const REAL: Array<[string, Array<[string, string]>, { id: string; pop?: string; ref?: [string, string] }]> = [
  [
    'Cloudflare 522',
    [
      ['Server', 'cloudflare'],
      ['CF-RAY', '8f1a2b3c4d5e6f70-FRA'],
      ['Content-Type', 'text/html; charset=UTF-8'],
      ['Cache-Control', 'private, max-age=0, no-store'],
    ],
    { id: 'cloudflare', pop: 'FRA', ref: ['cf-ray', '8f1a2b3c4d5e6f70-FRA'] },
  ],
  [
    'Cloudflare fronting nginx',
    [
      ['server', 'cloudflare'],
      ['cf-ray', '7d2c1f0e9b8a7654-SJC'],
      ['cf-cache-status', 'DYNAMIC'],
      ['via', '1.1 nginx'],
    ],
    { id: 'cloudflare', pop: 'SJC', ref: ['cf-ray', '7d2c1f0e9b8a7654-SJC'] },
  ],
  [
    'CloudFront 502',
    [
      ['Server', 'CloudFront'],
      ['X-Cache', 'Error from cloudfront'],
      ['Via', '1.1 3f2a5e7c9d.cloudfront.net (CloudFront)'],
      ['X-Amz-Cf-Pop', 'FRA56-P5'],
      ['X-Amz-Cf-Id', 'tWvqXl2Zr8Qn1_aBcD3eFgH4iJkL5mNoPqRsTuVwXyZ0123456789A=='],
    ],
    { id: 'cloudfront', pop: 'FRA56-P5', ref: ['x-amz-cf-id', 'tWvqXl2Zr8Qn1_aBcD3eFgH4iJkL5mNoPqRsTuVwXyZ0123456789A=='] },
  ],
  [
    'AWS ALB 503',
    [
      ['Server', 'awselb/2.0'],
      ['Content-Type', 'text/html'],
      ['Content-Length', '162'],
    ],
    { id: 'alb' },
  ],
  [
    'Fastly 503 first byte timeout',
    [
      ['X-Served-By', 'cache-fra-eddf8230099-FRA'],
      ['X-Cache', 'MISS'],
      ['Via', '1.1 varnish'],
      ['X-Varnish', '123456789'],
    ],
    { id: 'fastly', pop: 'FRA', ref: ['x-served-by', 'cache-fra-eddf8230099-FRA'] },
  ],
  [
    'Akamai',
    [
      ['Server', 'AkamaiGHost'],
      ['Mime-Version', '1.0'],
    ],
    { id: 'akamai' },
  ],
  [
    'Varnish Guru Meditation',
    [
      ['Server', 'Varnish'],
      ['X-Varnish', '32770'],
      ['Retry-After', '5'],
    ],
    { id: 'varnish', ref: ['x-varnish', '32770'] },
  ],
  [
    'nginx 502',
    [
      ['Server', 'nginx/1.22.1'],
      ['Date', 'Tue, 24 Nov 2026 14:00:00 GMT'],
    ],
    { id: 'nginx' },
  ],
  ['OpenResty', [['Server', 'openresty']], { id: 'nginx' }],
  ['Apache proxy error', [['Server', 'Apache/2.4.62 (Debian)']], { id: 'apache' }],
  [
    'Google Cloud LB',
    [
      ['Via', '1.1 google'],
      ['Content-Type', 'text/html; charset=UTF-8'],
    ],
    { id: 'google' },
  ],
  [
    'Azure Front Door',
    [
      ['x-azure-ref', '20261124T140000Z-17c6b8b7d6f5hd4ghC1FRAxyz0000000000g000000000abc'],
      ['X-Cache', 'CONFIG_NOCACHE'],
    ],
    { id: 'azure-front-door', ref: ['x-azure-ref', '20261124T140000Z-17c6b8b7d6f5hd4ghC1FRAxyz0000000000g000000000abc'] },
  ],
  [
    'Vercel 504',
    [
      ['Server', 'Vercel'],
      ['X-Vercel-Id', 'fra1::iad1::8x2kq-1764000000000-0123456789ab'],
      ['X-Vercel-Error', 'FUNCTION_INVOCATION_TIMEOUT'],
    ],
    { id: 'vercel', pop: 'fra1', ref: ['x-vercel-id', 'fra1::iad1::8x2kq-1764000000000-0123456789ab'] },
  ],
  [
    'Netlify',
    [
      ['Server', 'Netlify'],
      ['X-Nf-Request-Id', '01JD0000000000000000000000'],
    ],
    { id: 'netlify', ref: ['x-nf-request-id', '01JD0000000000000000000000'] },
  ],
  [
    'Heroku router',
    [
      ['Server', 'Cowboy'],
      ['Via', '1.1 vegur'],
    ],
    { id: 'heroku' },
  ],
];

describe('fingerprint of real 5xx header sets', () => {
  it.each(REAL)('%s', (_, raw, expected) => {
    const headers = pickDiagnosticHeaders(raw.map(([name, value]) => ({ name, value })));
    const fp = fingerprint(headers);
    expect(fp.platform?.id).toBe(expected.id);
    expect(fp.platform?.pop).toBe(expected.pop);
    expect(fp.reference ? [fp.reference.kind, fp.reference.value] : undefined).toEqual(expected.ref);
  });

  it('knows nothing from unrelated headers', () => {
    expect(fingerprint(pickDiagnosticHeaders([{ name: 'Server', value: 'Kestrel' }]))).toEqual({});
    expect(fingerprint({})).toEqual({});
  });

  it('does not show a POP that is not a short code', () => {
    const fp = fingerprint({ 'x-amz-cf-pop': '<script>alert(1)</script>' });
    expect(fp.platform?.id).toBe('cloudfront');
    expect(fp.platform?.pop).toBeUndefined();
    expect(fingerprint({ 'cf-ray': 'nonsense' }).platform).toEqual({ id: 'cloudflare', name: 'Cloudflare' });
  });
});

describe('pickDiagnosticHeaders', () => {
  it('keeps only the allowlist, lower-cased, never cookies or auth', () => {
    const got = pickDiagnosticHeaders([
      { name: 'Set-Cookie', value: 'sid=secret' },
      { name: 'Authorization', value: 'Bearer x' },
      { name: 'SERVER', value: 'nginx' },
      { name: 'X-Cache', value: 'MISS' },
    ]);
    expect(got).toEqual({ server: 'nginx', 'x-cache': 'MISS' });
  });

  it('joins duplicates, drops empty values and control characters, caps length', () => {
    const got = pickDiagnosticHeaders([
      { name: 'via', value: '1.1 varnish' },
      { name: 'Via', value: '1.1 google' },
      { name: 'server', value: '' },
      { name: 'x-cache', value: 'HIT\r\nSet-Cookie: x' },
      { name: 'x-served-by', value: 'a'.repeat(10_000) },
    ]);
    expect(got.via).toBe('1.1 varnish, 1.1 google');
    expect(got).not.toHaveProperty('server');
    expect(got['x-cache']).toBe('HIT Set-Cookie: x');
    expect(got['x-served-by']).toHaveLength(256);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['not an array', { server: 'nginx' }],
    ['entries without values', [{ name: 'server' }, { value: 'x' }, null, 42, { name: 3, value: 4 }]],
    ['binary values', [{ name: 'server', binaryValue: [1, 2, 3] }]],
  ])('gives {} for %s', (_, raw) => {
    expect(pickDiagnosticHeaders(raw as never)).toEqual({});
  });

  it('survives a huge header list quickly', () => {
    const raw = Array.from({ length: 100_000 }, (_, i) => ({ name: `x-h${i}`, value: 'v' }));
    raw.push({ name: 'server', value: 'nginx' });
    expect(pickDiagnosticHeaders(raw)).toEqual({}); // past the scan limit: ignored, no hang
  });
});
