// Fuzz targets: URLs and host names as pages give them — IDN, IPv6, the odd IPv4 forms the URL
// parser accepts (one number, hex, octal, short forms), full-width dots, trailing dots, case — and
// the privacy rule built on them: a private host is never classified public, whatever its spelling.
// (The private-host rules themselves live in src/core/net/url.ts and are tested in test/unit/core/net/url.test.ts.)
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import { describeUrl, isPrivateHost, originOf, reprobeTarget, samePage, webHost } from '../../../src/core/net/url';
import { refuseOutside } from '../../../src/checks/kit/no-evidence';
import { displayIp, isPrivateIp, normalizeIp } from '../../../src/core/net/ip';
import { titledLikeBrowserErrorPage } from '../../../src/core/incident/net-error';
import { anyString, anyValue, fuzz, reaches } from './fuzz';

type Quad = [number, number, number, number];
const byte = fc.integer({ min: 0, max: 255 });
/** Loopback, RFC 1918, link-local, "this network" and carrier-grade NAT addresses. */
const privateQuad: fc.Arbitrary<Quad> = fc.oneof(
  fc.tuple(fc.constant(10), byte, byte, byte),
  fc.tuple(fc.constant(127), byte, byte, byte),
  fc.tuple(fc.constant(0), byte, byte, byte),
  fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), byte, byte),
  fc.tuple(fc.constant(192), fc.constant(168), byte, byte),
  fc.tuple(fc.constant(169), fc.constant(254), byte, byte),
  fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), byte, byte),
);

const radix = (n: number, base: 'dec' | 'hex' | 'HEX' | 'oct') =>
  base === 'dec'
    ? String(n)
    : base === 'hex'
      ? `0x${n.toString(16)}`
      : base === 'HEX'
        ? `0X${n.toString(16).toUpperCase()}`
        : `0${n.toString(8)}`;
const base = fc.constantFrom('dec', 'hex', 'HEX', 'oct') as fc.Arbitrary<'dec' | 'hex' | 'HEX' | 'oct'>;
const dot = fc.constantFrom('.', '.', '.', '\u3002', '\uff0e', '\uff61'); // the URL parser maps ideographic and full-width dots to '.'

/** One IPv4 address in any spelling a URL may carry: a.b.c.d, a.b.(c·256+d), a.(b,c,d), one number; each part in any base. */
const ipv4Spelling = (q: Quad) =>
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.array(base, { minLength: 4, maxLength: 4 }), dot).map(([parts, bases, sep]) => {
    const [a, b, c, d] = q;
    const groups =
      parts === 4
        ? [a, b, c, d]
        : parts === 3
          ? [a, b, c * 256 + d]
          : parts === 2
            ? [a, (b * 256 + c) * 256 + d]
            : [((a * 256 + b) * 256 + c) * 256 + d];
    return groups.map((g, i) => radix(g, bases[i]!)).join(sep);
  });

const hex4 = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
/** Private IPv6 literals: loopback and unspecified in long and short forms, ULA, link-local, IPv4-mapped private. */
const privateIpv6 = fc.oneof(
  fc.constantFrom('::1', '0:0:0:0:0:0:0:1', '0000:0000:0000:0000:0000:0000:0000:0001', '::', '0::0', '::0:1'),
  fc
    .tuple(fc.constantFrom('fc', 'fd', 'FC', 'Fd'), fc.integer({ min: 0, max: 255 }), fc.array(hex4, { minLength: 1, maxLength: 6 }))
    .map(([p, n, rest]) => `${p}${n.toString(16).padStart(2, '0')}::${rest.join(':')}`),
  fc
    .tuple(
      fc.constantFrom('fe8', 'fe9', 'fea', 'feb', 'FE8'),
      fc.integer({ min: 0, max: 15 }),
      fc.array(hex4, { minLength: 1, maxLength: 4 }),
    )
    .map(([p, n, rest]) => `${p}${n.toString(16)}::${rest.join(':')}`),
  privateQuad.chain((q) =>
    fc.constantFrom(
      `::ffff:${q.join('.')}`,
      `0:0:0:0:0:ffff:${q.join('.')}`,
      `::FFFF:${((q[0] << 8) | q[1]).toString(16)}:${((q[2] << 8) | q[3]).toString(16)}`,
    ),
  ),
);

const SUFFIXES = ['local', 'internal', 'localhost', 'lan', 'home.arpa', 'intranet', 'corp', 'home'];
const label = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/),
  fc.constantFrom('café', 'bücher', 'пример', '例え', 'xn--caf-dma'),
);
const upperSome = (s: string) => fc.boolean().map((up) => (up ? s.toUpperCase() : s));
/** Private names: single labels (IDN too), localhost, and names under the reserved private suffixes, in any case. */
const privateName = fc
  .oneof(
    label,
    fc.constant('localhost'),
    fc
      .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom(...SUFFIXES))
      .map(([labels, suffix]) => [...labels, suffix].join('.')),
    fc.array(label, { minLength: 1, maxLength: 2 }).map((labels) => `${labels.join('.')}.ⓛⓞⓒⓐⓛ`),
  )
  .chain(upperSome);

const trailingDots = fc.constantFrom('', '', '.', '..', '...');
const privateHostInUrl = fc.oneof(
  privateQuad.chain(ipv4Spelling),
  privateIpv6.map((ip) => `[${ip}]`),
  privateName,
);
const privateUrl = fc
  .tuple(
    fc.constantFrom('http', 'https', 'HTTP', 'hTTps'),
    fc.constantFrom('', 'user@', 'user:pass@'),
    privateHostInUrl,
    trailingDots,
    fc.constantFrom('', ':80', ':8443', ':0'),
    fc.constantFrom('', '/', '/a/b?c=d#e', '?x', '#f'),
  )
  .map(([scheme, user, host, dots, port, rest]) => `${scheme}://${user}${host}${host.startsWith('[') ? '' : dots}${port}${rest}`);

const anyUrl = fc.oneof(
  fc.webUrl({ withFragments: true, withQueryParameters: true, validSchemes: ['http', 'https'] }),
  fc.webUrl({ authoritySettings: { withIPv4: true, withIPv6: true, withIPv4Extended: true, withPort: true, withUserInfo: true } }),
  privateUrl,
  fc.constantFrom(
    'about:blank',
    'chrome://settings',
    'moz-extension://x/y',
    'file:///etc/hosts',
    'data:text/html,x',
    'javascript:alert(1)',
    'http://',
    'http:///x',
    'https://a..b/',
  ),
  anyString,
);

describe('fuzz: URLs', () => {
  fuzz('describeUrl never throws; a web URL has a lower-case host and an http(s) origin', [fc.oneof(anyUrl, anyValue)], (raw) => {
    const info = describeUrl(raw);
    if (!info.ok) {
      expect(['invalid', 'too-long']).toContain(info.reason);
      return;
    }
    expect(info.host).toBe(info.host.toLowerCase());
    if (info.isWeb) {
      expect(['http', 'https']).toContain(info.scheme);
      expect(info.host.length).toBeGreaterThan(0);
      expect(info.origin.startsWith(`${info.scheme}://`)).toBe(true);
    } else expect(info.origin).toBe('null');
  });

  fuzz('normalisation is idempotent: the origin describes the same host and origin again', [anyUrl], (raw) => {
    const info = describeUrl(raw);
    if (!info.ok || !info.isWeb) return;
    const again = describeUrl(info.origin);
    expect(again).toEqual({ ...info });
    expect(webHost(`${info.scheme}://${info.host}/`)).toBe(info.host);
    expect(originOf(info.origin)).toBe(info.origin);
  });

  fuzz(
    'reprobeTarget stays on the page origin and drops the fragment',
    [anyUrl, fc.constantFrom('GET', 'HEAD', 'POST', undefined)],
    (raw, method) => {
      const target = reprobeTarget(raw, method);
      const origin = originOf(raw);
      if (origin === undefined) {
        expect(target).toBeUndefined();
        return;
      }
      expect(originOf(target)).toBe(origin);
      expect(target).not.toContain('#');
      expect(samePage(raw, raw)).toBe(true);
    },
  );
});

describe('fuzz: tab titles read at a worker start (Chrome builds)', () => {
  fuzz(
    'titledLikeBrowserErrorPage never throws, says no without a title, and yes for a web page titled with its own host',
    [fc.oneof(anyString, fc.constant(undefined)), anyUrl],
    (title, url) => {
      const answer = titledLikeBrowserErrorPage(title, url);
      expect(typeof answer).toBe('boolean');
      if (!title) expect(answer).toBe(false);
      const host = webHost(url);
      if (host) expect(titledLikeBrowserErrorPage(` ${host.toUpperCase()} `, url)).toBe(true);
    },
  );
});

describe('fuzz: private hosts are never classified public', () => {
  fuzz('a private host in any spelling: the URL parser gives a host isPrivateHost calls private', [privateUrl], (raw) => {
    const host = webHost(raw);
    fc.pre(host !== undefined); // a spelling the URL parser refuses never becomes a host at all
    expect(isPrivateHost(host!)).toBe(true);
    expect(refuseOutside({ host: host!, origin: originOf(raw)! })).toBe('private-host');
  });

  reaches('private URLs the URL parser accepts', privateUrl, (raw) => webHost(raw) !== undefined, 0.5);
  reaches('hosts with extra trailing dots', privateUrl, (raw) => /\.\.$/.test(webHost(raw) ?? ''), 0.05);

  fuzz('isPrivateHost never throws, for any string', [fc.oneof(anyString, privateHostInUrl)], (host) => {
    expect(typeof isPrivateHost(host)).toBe('boolean');
  });

  const asciiName = privateName.filter((name) => /^[\x21-\x7e]+$/.test(name)); // hosts reach isPrivateHost in punycode
  fuzz(
    'a private host name keeps being private with trailing dots and in upper case',
    [
      fc.oneof(
        asciiName,
        privateQuad.map((q) => q.join('.')),
      ),
      trailingDots,
    ],
    (host, dots) => {
      expect(isPrivateHost(`${host}${dots}`)).toBe(true);
      expect(isPrivateHost(`${host}${dots}`.toUpperCase())).toBe(true);
    },
  );
});

const publicIp = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended());
describe('fuzz: IP addresses from outside answers (DoH data, the browser-reported address)', () => {
  fuzz(
    'normalizeIp never throws and is idempotent',
    [
      fc.oneof(
        publicIp,
        privateIpv6,
        privateQuad.map((q) => q.join('.')),
        anyString,
        anyValue,
      ),
    ],
    (raw) => {
      const ip = normalizeIp(raw);
      if (ip === undefined) return;
      expect(ip).toMatch(/^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f]{4}(:[0-9a-f]{4}){7})$/);
      expect(normalizeIp(ip)).toBe(ip);
      expect(normalizeIp(`[${displayIp(ip)}]`)).toBe(ip);
    },
  );

  fuzz(
    'a private address is private in any notation normalizeIp accepts',
    [
      fc.oneof(
        privateIpv6,
        privateQuad.map((q) => q.join('.')),
      ),
    ],
    (raw) => {
      const ip = normalizeIp(raw);
      expect(ip).toBeDefined();
      expect(isPrivateIp(ip!)).toBe(true);
    },
  );
});
