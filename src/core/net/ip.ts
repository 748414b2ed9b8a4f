/**
 * IP addresses compared as values, not strings: `2606:4700::6810:84e5`, `2606:4700:0:0:0:0:6810:84E5`
 * and `[2606:4700::6810:84e5]` are the same address, and `::ffff:1.2.3.4` is `1.2.3.4`.
 */
const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Canonical form (dotted quad, or eight 4-digit lower-case hex groups), or undefined for anything else. */
export function normalizeIp(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 64) return undefined;
  let s = raw.trim().toLowerCase();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  s = s.replace(/%.*$/, ''); // zone id
  const v4 = ipv4(s);
  if (v4) return v4;
  if (!s.includes(':')) return undefined;
  return ipv6(s);
}

function ipv4(s: string): string | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts.join('.') : undefined;
}

function ipv6(s: string): string | undefined {
  let head = s;
  let tailGroups: string[] = [];
  // Embedded IPv4 at the end: ::ffff:1.2.3.4, 64:ff9b::1.2.3.4
  const lastColon = s.lastIndexOf(':');
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = ipv4(maybeV4);
    if (!v4) return undefined;
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    tailGroups = [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    head = s.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const split = (part: string | undefined) => (part ? part.split(':') : []);
  const left = split(halves[0]);
  const right = [...split(halves[1]), ...tailGroups];
  if (halves.length === 1 && right.length) left.push(...right.splice(0));
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...right];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const full = groups.map((g) => g.padStart(4, '0'));
  // IPv4-mapped: the browser may report a v4 connection this way.
  if (full.slice(0, 5).every((g) => g === '0000') && full[5] === 'ffff') {
    const n = (g: string) => [parseInt(g.slice(0, 2), 16), parseInt(g.slice(2), 16)];
    return [...n(full[6]!), ...n(full[7]!)].join('.');
  }
  return full.join(':');
}

/** Address blocks no public web site is served from; outside services must never hear of them. */
const SPECIAL_V4 = [
  '0.0.0.0/8', // "this network"; 0.0.0.0 is a common DNS-blocking answer
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT (RFC 6598)
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local
  '172.16.0.0/12',
  '192.0.0.0/24', // IETF protocol assignments (RFC 6890)
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.88.99.0/24', // 6to4 relay anycast (deprecated)
  '192.168.0.0/16',
  '198.18.0.0/15', // benchmarking (RFC 2544)
  '198.51.100.0/24', // documentation (TEST-NET-2)
  '203.0.113.0/24', // documentation (TEST-NET-3)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the broadcast address
];
const SPECIAL_V6 = [
  '::/96', // unspecified, loopback and the deprecated IPv4-compatible block
  '::ffff:0:0/96', // IPv4-mapped (normalizeIp turns these into IPv4 first)
  '64:ff9b::/96', // NAT64 well-known prefix (RFC 6052): a translator on the visitor's network
  '64:ff9b:1::/48', // NAT64 local use (RFC 8215)
  '100::/64', // discard-only (RFC 6666)
  '2001::/23', // IETF protocol assignments: Teredo, benchmarking, ORCHID
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4: the tunnel endpoint, often the visitor's own router
  '3fff::/20', // documentation (RFC 9637)
  'fc00::/7', // unique local (RFC 4193)
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated, still routed inside some networks)
  'ff00::/8', // multicast
];

/** The address as bytes (4 or 16), from a normalised address. */
function bytesOf(normalized: string): number[] {
  if (!normalized.includes(':')) return normalized.split('.').map(Number);
  return normalized.split(':').flatMap((g) => [parseInt(g.slice(0, 2), 16), parseInt(g.slice(2), 16)]);
}

function inBlock(bytes: readonly number[], block: string): boolean {
  const [base, bitsText] = block.split('/') as [string, string];
  const baseBytes = bytesOf(normalizeIp(base)!);
  if (baseBytes.length !== bytes.length) return false;
  let bits = Number(bitsText);
  for (let i = 0; bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (baseBytes[i]! & mask)) return false;
  }
  return true;
}

/**
 * Whether an address is one no public web site is served from: loopback, private, shared (CGNAT),
 * link-local, site-local, unique-local, multicast, reserved, documentation and benchmarking
 * ranges, and the transition prefixes (NAT64, 6to4, Teredo) that lead into someone's own network.
 * Anything that is not an address at all counts as private too: fail closed.
 */
export function isPrivateIp(raw: string): boolean {
  const normalized = normalizeIp(raw);
  if (!normalized) return true;
  const bytes = bytesOf(normalized);
  return (normalized.includes(':') ? SPECIAL_V6 : SPECIAL_V4).some((block) => inBlock(bytes, block));
}

/** Short display form: IPv6 with leading zeros dropped and the longest zero run as `::`. */
export function displayIp(normalized: string): string {
  if (!normalized.includes(':')) return normalized;
  const groups = normalized.split(':').map((g) => g.replace(/^0+(?=.)/, ''));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j += 1;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  const left = groups.slice(0, best.start).join(':');
  const right = groups.slice(best.start + best.length).join(':');
  return `${left}::${right}`;
}
