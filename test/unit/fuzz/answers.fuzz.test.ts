// Fuzz targets: answers of the outside services, after JSON.parse — DoH JSON, check-host.net,
// Globalping, Statuspage, the Wayback Machine — each generated near its real shape (fields of the
// right name with values of any kind) and as anything at all, deep nesting included.
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import { parseDohAnswer, dnsConsensus } from '../../../src/checks/sources/dns';
import { normalizeIp } from '../../../src/core/net/ip';
import { parseCheckHostNode, parseCheckHostStart } from '../../../src/checks/sources/vantage/check-host';
import { parseGlobalpingMeasurement } from '../../../src/checks/sources/vantage/globalping';
import { parseStatusJson, registrableDomain } from '../../../src/checks/sources/status-page';
import { parseAvailability } from '../../../src/checks/sources/archive';
import type { ResolverAnswer } from '../../../src/model/evidence';
import { anyString, anyValue, CONTROL, fuzz, mostly, nested, reaches } from './fuzz';

/** Also a wrapping of the answer in many levels of arrays/objects, and the answer as JSON text round trip. */
const hostile = <T>(shape: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: shape },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 5_000 }), shape).map(([depth, v]) => nested(depth, v)) },
    { weight: 1, arbitrary: shape.map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown) },
    { weight: 2, arbitrary: anyValue },
  );

// ── DoH ─────────────────────────────────────────────────────────────────────────────────────
const ipText = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  fc.constantFrom('::ffff:1.2.3.4', '[2606:4700::1]', 'fe80::1%eth0', '999.1.1.1', ''),
  anyString,
);
const dohRecord = fc.record(
  { name: mostly(fc.domain()), type: mostly(fc.constantFrom(1, 28, 5, 6, '1')), TTL: mostly(fc.nat()), data: mostly(ipText) },
  { requiredKeys: [] },
);
const wellFormedDoh = fc.record({
  Status: fc.constantFrom(0, 0, 0, 2, 3),
  Answer: fc.array(
    fc.oneof(
      fc.record({ name: fc.domain(), type: fc.constant(1), TTL: fc.nat(), data: fc.ipV4() }),
      fc.record({ name: fc.domain(), type: fc.constant(28), TTL: fc.nat(), data: fc.ipV6() }),
      fc.record({ name: fc.domain(), type: fc.constant(5), TTL: fc.nat(), data: fc.domain() }),
    ),
    { minLength: 1, maxLength: 80 },
  ),
});
const dohAnswer = hostile(
  fc.oneof(
    wellFormedDoh,
    fc.record(
      {
        Status: mostly(fc.constantFrom(0, 2, 3, 5, 9, -1, 65536, 0.5)),
        TC: mostly(fc.boolean()),
        Question: mostly(fc.array(fc.record({ name: fc.domain(), type: fc.constantFrom(1, 28) }), { maxLength: 2 })),
        Answer: mostly(fc.array(mostly(dohRecord), { maxLength: 80 })),
        Authority: anyValue,
      },
      { requiredKeys: [] },
    ),
  ),
);

describe('fuzz: DoH JSON', () => {
  fuzz(
    'parseDohAnswer never throws; addresses are canonical, of the asked family, at most 64',
    [dohAnswer, fc.constantFrom('A', 'AAAA') as fc.Arbitrary<'A' | 'AAAA'>],
    (json, type) => {
      const parsed = parseDohAnswer(json, type);
      if (parsed === undefined) return;
      expect(['noerror', 'nxdomain', 'servfail', 'refused', 'other']).toContain(parsed.rcode);
      expect(parsed.addresses.length).toBeLessThanOrEqual(64);
      if (parsed.rcode !== 'noerror') expect(parsed.addresses).toEqual([]);
      for (const ip of parsed.addresses) {
        expect(normalizeIp(ip)).toBe(ip);
        expect(ip.includes(':')).toBe(type === 'AAAA');
      }
    },
  );

  reaches(
    'answers with addresses',
    dohAnswer,
    (json) => (parseDohAnswer(json, 'A')?.addresses.length ?? 0) + (parseDohAnswer(json, 'AAAA')?.addresses.length ?? 0) > 0,
  );
  reaches('DNS errors', dohAnswer, (json) => ['nxdomain', 'servfail'].includes(parseDohAnswer(json, 'A')?.rcode ?? ''));

  const answer: fc.Arbitrary<ResolverAnswer> = fc.record({
    resolver: fc.constantFrom('Cloudflare', 'Google'),
    rcode: fc.constantFrom('noerror', 'nxdomain', 'servfail', 'refused', 'other'),
    addresses: fc.array(fc.ipV4(), { maxLength: 3 }),
  });
  fuzz('dnsConsensus gives one of its five answers for any set of resolver answers', [fc.array(answer, { maxLength: 5 })], (answers) => {
    expect(['resolves', 'nxdomain', 'servfail', 'no-address', 'inconsistent']).toContain(dnsConsensus(answers));
  });
});

// ── check-host.net ──────────────────────────────────────────────────────────────────────────
const nodeName = fc.oneof(
  fc.stringMatching(/^[a-z]{2}[0-9]\.node\.check-host\.net$/),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
  anyString,
);
const checkHostStart = hostile(
  fc.record(
    {
      ok: mostly(fc.constant(1)),
      error: fc.oneof(fc.constant(undefined), fc.constantFrom('limit_exceeded', 'host is empty'), anyValue),
      request_id: mostly(fc.stringMatching(/^[0-9a-f]{1,12}$/)),
      permanent_link: anyValue,
      nodes: mostly(
        fc.dictionary(
          nodeName,
          mostly(fc.tuple(mostly(fc.constantFrom('de', 'us', 'JP', 'x')), fc.string(), mostly(fc.string()), fc.ipV4(), fc.string())),
          { maxKeys: 60 },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);
const checkHostNode = hostile(
  fc.oneof(
    fc.constantFrom(null, [], [null], [[null]]),
    fc.tuple(
      fc.tuple(
        mostly(fc.constantFrom(0, 1, null)),
        mostly(fc.double()),
        mostly(fc.string()),
        mostly(fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.constant(null))),
        mostly(fc.ipV4()),
      ),
    ),
  ),
);

describe('fuzz: check-host.net answers', () => {
  fuzz('parseCheckHostStart never throws; a start has a safe id and at most 40 well-named nodes', [checkHostStart], (json) => {
    const parsed = parseCheckHostStart(json);
    if (parsed === undefined) return;
    if ('refused' in parsed) {
      expect(parsed.refused.length).toBeLessThanOrEqual(100);
      return;
    }
    expect(parsed.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(parsed.nodes.size).toBeGreaterThan(0);
    expect(parsed.nodes.size).toBeLessThanOrEqual(40);
    for (const [name, place] of parsed.nodes) {
      expect(name).toMatch(/^[a-z0-9.-]{1,100}$/i);
      expect(place.location.length).toBeGreaterThan(0);
      expect(place.location).not.toMatch(CONTROL);
      if (place.country !== undefined) expect(place.country).toMatch(/^[A-Z]{2}$/);
    }
  });

  reaches('started checks', checkHostStart, (json) => {
    const p = parseCheckHostStart(json);
    return p !== undefined && 'id' in p;
  });
  reaches(
    'refusals',
    checkHostStart,
    (json) => {
      const p = parseCheckHostStart(json);
      return p !== undefined && 'refused' in p;
    },
    0.02,
  );
  reaches('node results', checkHostNode, (json) => typeof parseCheckHostNode(json) === 'object');

  fuzz('parseCheckHostNode never throws; a result has a known state, an HTTP status and a sane time', [checkHostNode], (json) => {
    const parsed = parseCheckHostNode(json);
    if (parsed === undefined || parsed === 'pending') return;
    expect(['up', 'server-error', 'unreachable']).toContain(parsed.state);
    if (parsed.status !== undefined) expect(parsed.status).toBeGreaterThanOrEqual(100);
    if (parsed.status !== undefined) expect(parsed.status).toBeLessThanOrEqual(599);
    if (parsed.ms !== undefined) expect(Number.isInteger(parsed.ms) && parsed.ms >= 0 && parsed.ms <= 3_600_000).toBe(true);
    if (parsed.state === 'server-error') expect(parsed.status).toBeGreaterThanOrEqual(500);
  });
});

// ── Globalping ──────────────────────────────────────────────────────────────────────────────
const probeResult = fc.record(
  {
    probe: mostly(
      fc.record({ country: mostly(fc.constantFrom('DE', 'US', 'de', 'XYZ')), city: mostly(fc.string()) }, { requiredKeys: [] }),
    ),
    result: mostly(
      fc.record(
        {
          status: mostly(fc.constantFrom('in-progress', 'finished', 'failed', 'offline', 'other')),
          statusCode: mostly(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(null))),
          timings: mostly(fc.record({ total: mostly(fc.oneof(fc.double(), fc.constant(null))) }, { requiredKeys: [] })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const measurement = hostile(
  fc.record(
    {
      id: mostly(fc.string()),
      status: mostly(fc.constantFrom('in-progress', 'finished', 'x')),
      results: mostly(fc.array(mostly(probeResult), { maxLength: 70 })),
    },
    { requiredKeys: [] },
  ),
);

describe('fuzz: Globalping answers', () => {
  fuzz('parseGlobalpingMeasurement never throws; at most 50 results, each pending, offline or a clean node', [measurement], (json) => {
    const parsed = parseGlobalpingMeasurement(json);
    if (parsed === undefined) return;
    expect(typeof parsed.finished).toBe('boolean');
    expect(parsed.results.length).toBeLessThanOrEqual(50);
    for (const r of parsed.results) {
      if (r === 'pending' || r === 'offline') continue;
      expect(['up', 'server-error', 'unreachable']).toContain(r.state);
      if (r.status !== undefined) expect(Number.isInteger(r.status) && r.status >= 100 && r.status <= 599).toBe(true);
      if (r.ms !== undefined) expect(Number.isInteger(r.ms) && r.ms >= 0 && r.ms <= 600_000).toBe(true);
      expect(r.location.length).toBeGreaterThan(0);
      expect(r.location).not.toMatch(CONTROL);
      if (r.country !== undefined) expect(r.country).toMatch(/^[A-Z]{2}$/);
    }
  });
});

describe('fuzz: Globalping generator', () => {
  reaches(
    'measurements with probe results',
    measurement,
    (json) => parseGlobalpingMeasurement(json)?.results.some((r) => typeof r === 'object') ?? false,
  );
});

// ── Statuspage ──────────────────────────────────────────────────────────────────────────────
const statusJson = hostile(
  fc.record(
    {
      page: anyValue,
      status: mostly(
        fc.record(
          {
            indicator: mostly(fc.constantFrom('none', 'minor', 'major', 'critical', 'maintenance', 'NONE')),
            description: mostly(anyString),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

describe('fuzz: Statuspage answers', () => {
  fuzz('parseStatusJson never throws; a known indicator and a clean description of at most 200 characters', [statusJson], (json) => {
    const parsed = parseStatusJson(json);
    if (parsed === undefined) return;
    expect(['none', 'minor', 'major', 'critical', 'maintenance']).toContain(parsed.indicator);
    expect(parsed.description.length).toBeLessThanOrEqual(200);
    expect(parsed.description).not.toMatch(CONTROL);
  });

  reaches('reported statuses', statusJson, (json) => parseStatusJson(json) !== undefined);

  fuzz('registrableDomain never throws and gives a suffix of the host', [fc.oneof(fc.domain(), anyString)], (host) => {
    const domain = registrableDomain(host);
    if (domain !== undefined) expect(host.replace(/\.$/, '').endsWith(domain)).toBe(true);
  });
});

// ── Wayback Machine ─────────────────────────────────────────────────────────────────────────
const snapshotUrl = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('http', 'https', 'javascript', 'ftp'),
      fc.constantFrom(
        'web.archive.org',
        'archive.org',
        'evil.example',
        'web.archive.org.evil.example',
        'user:pw@web.archive.org',
        'web.archive.org:8080',
      ),
      fc.webPath(),
    )
    .map(([s, h, p]) => `${s}://${h}/web/20240101000000${p}`),
  fc.webUrl(),
  anyString,
);
const wellFormedAvailability = fc.record({
  archived_snapshots: fc.record({
    closest: fc.record({
      available: fc.constant(true),
      url: fc.oneof(snapshotUrl, fc.constant('http://web.archive.org/web/20240315093000/http://shop.example/')),
      timestamp: fc.stringMatching(/^\d{14}$/),
      status: fc.constant('200'),
    }),
  }),
});
const availability = hostile(
  fc.oneof(
    wellFormedAvailability,
    fc.record(
      {
        url: anyValue,
        archived_snapshots: mostly(
          fc.record(
            {
              closest: mostly(
                fc.record(
                  {
                    available: mostly(fc.boolean()),
                    url: mostly(snapshotUrl),
                    timestamp: mostly(fc.stringMatching(/^\d{14}$/)),
                    status: mostly(fc.constant('200')),
                  },
                  { requiredKeys: [] },
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  ),
);

describe('fuzz: Wayback answers', () => {
  fuzz(
    'parseAvailability never throws; a snapshot link is https on the Wayback Machine, without credentials or port',
    [availability],
    (json) => {
      const parsed = parseAvailability(json);
      if (parsed === undefined || parsed.kind === 'not-archived') return;
      const link = new URL(parsed.snapshotUrl);
      expect(link.protocol).toBe('https:');
      expect(['web.archive.org', 'archive.org']).toContain(link.hostname);
      expect(link.username + link.password + link.port).toBe('');
      expect(parsed.timestamp).toMatch(/^\d{14}$/);
      expect(parsed.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    },
  );

  reaches('archived snapshots', availability, (json) => parseAvailability(json)?.kind === 'archived');
});
