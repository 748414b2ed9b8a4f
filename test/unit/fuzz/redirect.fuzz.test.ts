// Fuzz targets: the redirect and next-hop rules (core/net/next-hop.ts) and the replay rules of the
// probes (core/net/url.ts). A followed hop is always https, public, without credentials or odd port,
// on the asked site and within the hop budget; a private address is never a hop in any spelling;
// a probe never carries the page's query, and a page on the visitor's network is probed at its root.
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import { registrableDomain } from '../../../src/core/net/domain';
import { publicDnsVerdict } from '../../../src/core/net/intranet';
import { isPrivateIp } from '../../../src/core/net/ip';
import { MAX_REDIRECT_HOPS, nextHop } from '../../../src/core/net/next-hop';
import { isPrivateHost, mayReloadByItself, onLocalNetwork, originOf, reprobeTarget } from '../../../src/core/net/url';
import { anyString, fuzz, reaches } from './fuzz';

const byte = fc.integer({ min: 0, max: 255 });
const privateQuad = fc.oneof(
  fc.tuple(fc.constant(10), byte, byte, byte),
  fc.tuple(fc.constant(127), byte, byte, byte),
  fc.tuple(fc.constant(192), fc.constant(168), byte, byte),
  fc.tuple(fc.constant(169), fc.constant(254), byte, byte),
  fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), byte, byte),
  fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), byte, byte),
);
/** A private IPv4 address as a URL may spell it: dotted, one number, hex, octal. */
const privateSpelling = privateQuad.chain(([a, b, c, d]) => {
  const n = ((a * 256 + b) * 256 + c) * 256 + d;
  return fc.constantFrom(
    `${a}.${b}.${c}.${d}`,
    String(n),
    `0x${n.toString(16)}`,
    `0${a.toString(8)}.${b}.${c}.${d}`,
    `${a}.${b}.${c * 256 + d}`,
  );
});
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?$/);
const publicName = fc
  .tuple(
    fc.array(label, { minLength: 0, maxLength: 2 }),
    fc.constantFrom('shop.example', 'status.shop.example', 'evil.example', 'bbc.co.uk'),
  )
  .map(([sub, base]) => [...sub, base].join('.'));
const host = fc.oneof(
  { weight: 4, arbitrary: publicName },
  { weight: 1, arbitrary: privateSpelling },
  {
    weight: 1,
    arbitrary: fc.constantFrom('localhost', 'router.lan', 'nas.local', 'intranet', 'wiki.corp', '[::1]', '[fd00::1]', '[fe80::1]'),
  },
);
const scheme = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('https', 'HTTPS') },
  { weight: 1, arbitrary: fc.constantFrom('http', 'ftp', 'javascript') },
);
const port = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('', ':443') },
  { weight: 1, arbitrary: fc.constantFrom(':8443', ':80', ':0') },
);
const path = fc.oneof(fc.constant('/'), fc.webPath(), fc.constantFrom('/api/v2/status.json', '/cgi-bin/apply.cgi'));
const query = fc.oneof(
  fc.constant(''),
  fc.webQueryParameters().map((q) => `?${q}`),
  fc.constantFrom('?code=9f8e', '?'),
);
const credentials = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('user:pass@', 'u@') });
const location = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(scheme, credentials, host, port, path, query).map(([s, c, h, p, pa, q]) => `${s}://${c}${h}${p}${pa}${q}`),
  },
  { weight: 1, arbitrary: fc.tuple(path, query).map(([p, q]) => `${p}${q}`) }, // relative
  { weight: 1, arbitrary: anyString },
);
const policy = fc.record(
  {
    maxHops: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 5 }) },
      { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -2, max: 8 }), fc.constant(Number.NaN)) },
    ),
    site: fc.constantFrom('shop.example', 'evil.example', 'bbc.co.uk'),
  },
  { requiredKeys: ['maxHops'] },
);
const from = fc.constantFrom(
  'https://status.shop.example/api/v2/status.json',
  'https://www.githubstatus.com/api/v2/status.json',
  'http://192.168.0.1/',
);
const hop = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: -1, max: 6 }) });

describe('fuzz: redirects and the next hop', () => {
  reaches('followed hops', fc.tuple(from, location, hop, policy), ([f, l, h, p]) => nextHop(f, l, h, p).follow);

  fuzz(
    'nextHop: a followed hop is https, public, plain, on the asked site and within budget',
    [from, fc.option(location), hop, policy],
    (f, l, h, p) => {
      const decision = nextHop(f, l, h, p);
      if (!decision.follow) return true;
      const url = new URL(decision.url);
      expect(url.protocol).toBe('https:');
      expect(url.username + url.password).toBe('');
      expect(url.port).toBe('');
      expect(url.hash).toBe('');
      expect(isPrivateHost(url.hostname)).toBe(false);
      if (p.site !== undefined) expect(registrableDomain(url.hostname)).toBe(p.site);
      expect(h).toBeGreaterThanOrEqual(1);
      expect(h).toBeLessThanOrEqual(Math.min(MAX_REDIRECT_HOPS, p.maxHops ?? 0));
      return true;
    },
  );

  fuzz(
    'nextHop: a private address is never a hop, in any spelling, with any path',
    [privateSpelling, port, path, query, hop],
    (ip, p, pa, q, h) => {
      for (const s of ['https', 'http'])
        expect(nextHop('https://status.shop.example/', `${s}://${ip}${p}${pa}${q}`, h, { maxHops: 3 }).follow).toBe(false);
      return true;
    },
  );

  fuzz(
    'nextHop: an unreadable Location (opaque redirect) is never followed',
    [from, hop, policy, fc.constantFrom(null, undefined, '', ' ')],
    (f, h, p, l) => {
      return nextHop(f, l, h, p).follow === false;
    },
  );
});

describe('fuzz: what a probe replays', () => {
  const pageUrl = fc
    .tuple(fc.constantFrom('http', 'https'), credentials, host, port, path, query, fc.constantFrom('', '#frag'))
    .map(([s, c, h, p, pa, q, f]) => `${s}://${c}${h}${p}${pa}${q}${f}`);
  const method = fc.constantFrom('GET', 'HEAD', 'POST', undefined);

  fuzz(
    'reprobeTarget: same origin, never the query, fragment or credentials; root for the visitor network',
    [pageUrl, method],
    (raw, m) => {
      let target: string | undefined;
      try {
        target = reprobeTarget(raw, m);
      } catch (error) {
        throw new Error(`threw for ${raw}: ${String(error)}`);
      }
      const origin = originOf(raw);
      if (!origin) return target === undefined;
      const url = new URL(target!);
      expect(url.origin).toBe(origin);
      expect(url.search + url.hash + url.username + url.password).toBe('');
      if (onLocalNetwork(url.hostname) || (m !== 'GET' && m !== 'HEAD')) expect(url.pathname).toBe('/');
      return true;
    },
  );

  fuzz('mayReloadByItself: a visitor-network page with a query never comes back by itself', [pageUrl], (raw) => {
    const info = originOf(raw);
    if (!info) return mayReloadByItself(raw) === false;
    const url = new URL(raw);
    if (onLocalNetwork(url.hostname) && url.search !== '') expect(mayReloadByItself(raw)).toBe(false);
    return true;
  });

  fuzz(
    'publicDnsVerdict: an answer with any private address is never "public"',
    [
      fc.array(
        fc.oneof(
          privateSpelling.filter((s) => s.includes('.') && s.split('.').length === 4),
          fc.ipV4(),
          fc.ipV6(),
        ),
        { maxLength: 6 },
      ),
      fc.constantFrom('resolves', 'inconsistent', 'nxdomain', 'no-address', 'servfail'),
    ],
    (addresses, consensus) => {
      const verdict = publicDnsVerdict({
        check: 'dns',
        outcome: {
          kind: 'answers',
          consensus: consensus as 'resolves',
          answers: [{ resolver: 'r', rcode: 'noerror', addresses }],
          unanswered: [],
        },
        summary: { key: 'x' },
        ms: 1,
      });
      if (addresses.some((a) => isPrivateIp(a))) expect(verdict).toBe('private');
      if (verdict === 'public') expect(addresses.length).toBeGreaterThan(0);
      return true;
    },
  );
});
