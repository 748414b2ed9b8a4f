// Fuzz targets: response headers as the browser reports them (any names, values, duplicates,
// sizes), the platform fingerprint read from them, and the incident classified from an observation.
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import { DIAGNOSTIC_HEADERS, MAX_HEADER_VALUE, pickDiagnosticHeaders } from '../../../src/core/net/headers';
import { fingerprint } from '../../../src/core/incident/fingerprint';
import { classify } from '../../../src/core/incident/classify';
import { describeUrl } from '../../../src/core/net/url';
import { PLATFORM_IDS, type Observation } from '../../../src/model/incident';
import { anyString, anyValue, CONTROL, fuzz, mostly, reaches } from './fuzz';

const PLATFORMS = PLATFORM_IDS;
const NET_CATEGORIES = ['dns', 'refused', 'reset', 'timed-out', 'tls', 'offline', 'other'];
const ALLOWED: ReadonlySet<string> = new Set(DIAGNOSTIC_HEADERS);

/** Header names: the allowlisted ones in any case and padding, and anything else. */
const headerName = fc.oneof(
  fc.constantFrom(...DIAGNOSTIC_HEADERS).chain((n) =>
    fc.constantFrom(
      n,
      n.toUpperCase(),
      ` ${n}\t`,
      n.replace(/^./, (c) => c.toUpperCase()),
    ),
  ),
  fc.constantFrom('set-cookie', 'cookie', 'authorization', '__proto__', 'constructor', 'toString', ''),
  anyString,
);
/** Values shaped like the real ones (cf-ray ids, POP codes, server names) and anything else, up to 300 characters. */
const headerValue = fc.oneof(
  fc.constantFrom('cloudflare', 'nginx', 'AkamaiGHost', 'awselb/2.0', 'Vercel', 'Netlify', 'Google Frontend', 'varnish', 'Apache/2.4'),
  fc.tuple(fc.stringMatching(/^[0-9a-f]{16}$/), fc.stringMatching(/^[A-Za-z]{3}$/)).map(([id, colo]) => `${id}-${colo}`),
  fc.stringMatching(/^[A-Z]{3}[0-9]{1,3}-[A-Z0-9]{1,3}$/),
  fc.constantFrom(
    '1.1 varnish',
    '1.1 vegur',
    '1.1 google',
    '2.0 abc.cloudfront.net (CloudFront)',
    'cache-fra-eddf8230099-FRA, cache-iad-1-IAD',
  ),
  fc.stringMatching(/^[a-z0-9]{3,4}::[a-z0-9]{3,4}::[a-z0-9-]{5,40}$/),
  anyString,
  fc.string({ minLength: 240, maxLength: 300, unit: fc.constantFrom('a', ' ', ',', '-') }),
);
const rawEntry = fc.oneof(
  { weight: 6, arbitrary: fc.record({ name: headerName, value: headerValue }) },
  { weight: 1, arbitrary: fc.record({ name: mostly(headerName), value: mostly(headerValue) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: anyValue },
);
const rawHeaders = fc.oneof({ weight: 8, arbitrary: fc.array(rawEntry, { maxLength: 40 }) }, { weight: 1, arbitrary: anyValue });

const asRaw = (picked: Record<string, string>) => Object.entries(picked).map(([name, value]) => ({ name, value }));

describe('fuzz: response headers', () => {
  fuzz('pickDiagnosticHeaders never throws and keeps only clean, allowlisted, bounded values', [rawHeaders], (raw) => {
    const picked = pickDiagnosticHeaders(raw as never);
    expect(Object.getPrototypeOf(picked)).toBe(Object.prototype);
    for (const [name, value] of Object.entries(picked)) {
      expect(ALLOWED.has(name)).toBe(true);
      expect(typeof value).toBe('string');
      expect(value.length).toBeGreaterThan(0);
      expect(value.length).toBeLessThanOrEqual(MAX_HEADER_VALUE);
      expect(value).not.toMatch(CONTROL);
    }
  });

  fuzz('pickDiagnosticHeaders is idempotent: picking its own output changes nothing', [rawHeaders], (raw) => {
    const picked = pickDiagnosticHeaders(raw as never);
    expect(pickDiagnosticHeaders(asRaw(picked))).toEqual(picked);
  });

  fuzz('fingerprint never throws and names a known platform with a short POP and a bounded reference', [rawHeaders], (raw) => {
    const found = fingerprint(pickDiagnosticHeaders(raw as never));
    if (found.platform) {
      expect(PLATFORMS).toContain(found.platform.id);
      expect(found.platform.name.length).toBeGreaterThan(0);
      if (found.platform.pop !== undefined) expect(found.platform.pop).toMatch(/^[A-Za-z0-9-]{2,20}$/);
    }
    if (found.reference) {
      expect(ALLOWED.has(found.reference.kind)).toBe(true);
      expect(found.reference.value.length).toBeLessThanOrEqual(MAX_HEADER_VALUE);
      expect(found.reference.value).not.toMatch(CONTROL);
    }
  });

  reaches('a recognised platform', rawHeaders, (raw) => fingerprint(pickDiagnosticHeaders(raw as never)).platform !== undefined, 0.2);
  reaches(
    'values cut at the size cap',
    rawHeaders,
    (raw) => Object.values(pickDiagnosticHeaders(raw as never)).some((v) => v.length >= 240),
    0.02,
  );

  fuzz('fingerprint of any dictionary (not only picked headers) never throws', [fc.dictionary(headerName, headerValue)], (headers) => {
    const found = fingerprint(headers);
    expect(found.platform === undefined || PLATFORMS.includes(found.platform.id)).toBe(true);
  });
});

const status = fc.oneof(
  fc.integer({ min: 100, max: 599 }),
  fc.integer({ min: 500, max: 599 }),
  fc.constantFrom(0, -1, 1e21, NaN, Infinity, 502.5),
);
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom('about:blank', 'chrome://newtab/', 'file:///x', 'http://[::1]:8080/'),
  anyString,
);
const observation: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    kind: fc.constant('http'),
    url,
    status: mostly(status),
    headers: rawHeaders,
    ip: mostly(fc.ipV4()),
    method: mostly(fc.constantFrom('GET', 'POST', 'head')),
    time: mostly(fc.double()),
  }),
  fc.record({
    kind: fc.constant('network'),
    url,
    error: mostly(fc.constantFrom('net::ERR_NAME_NOT_RESOLVED', 'NS_ERROR_NET_RESET', 'net::ERR_ABORTED')),
    method: mostly(fc.constant('GET')),
    time: fc.double(),
  }),
  fc.record({
    kind: fc.constant('soft'),
    url,
    title: mostly(fc.constantFrom('502 Bad Gateway', 'example.com | 522: Connection timed out')),
    time: fc.integer(),
  }),
  fc.record(
    { kind: anyValue, url: mostly(url), status: mostly(status), error: anyValue, title: anyValue, time: anyValue },
    { requiredKeys: [] },
  ),
  anyValue,
);

describe('fuzz: classify', () => {
  fuzz('classify never throws and gives null or a well-formed incident of the page host', [observation], (obs) => {
    const incident = classify(obs as Observation);
    if (incident === null) return;
    const info = describeUrl((obs as { url: string }).url);
    expect(info.ok && info.isWeb).toBe(true);
    expect(incident.host).toBe(info.ok ? info.host : '');
    expect(['http', 'network', 'soft']).toContain(incident.kind);
    expect(incident.badge.length).toBeGreaterThan(0);
    expect(incident.badge.length).toBeLessThanOrEqual(4);
    expect(Number.isFinite(incident.time)).toBe(true);
    expect(typeof incident.meaning.key).toBe('string');
    expect(typeof incident.retryable).toBe('boolean');
    if (incident.kind !== 'network') expect(incident.status).toBeGreaterThanOrEqual(500);
    if (incident.kind !== 'network') expect(incident.status).toBeLessThanOrEqual(599);
    if (incident.kind === 'network') expect(NET_CATEGORIES).toContain(incident.netError);
    if (incident.rawError !== undefined) expect(incident.rawError.length).toBeLessThanOrEqual(100);
    if (incident.retryable) expect(incident.method).toMatch(/^(GET|HEAD)$/);
    // A stored incident must survive structured cloning into storage.
    expect(structuredClone(incident)).toEqual(incident);
  });

  reaches('incidents of each kind', observation, (obs) => classify(obs as Observation) !== null, 0.1);
});
