/**
 * IP addresses compared as values, not strings: `2606:4700::6810:84e5`, `2606:4700:0:0:0:0:6810:84E5`
 * and `[2606:4700::6810:84e5]` are the same address, and `::ffff:1.2.3.4` is `1.2.3.4`.
 */
import { isPrivateHost } from '../core/url';

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

/** Loopback, private, link-local, unspecified (`0.0.0.0`, a common DNS-blocking answer), ULA. */
export function isPrivateIp(normalized: string): boolean {
  if (!normalized.includes(':')) return isPrivateHost(normalized);
  const groups = normalized.split(':');
  const zeroUpTo7 = groups.slice(0, 7).every((g) => g === '0000');
  if (zeroUpTo7 && (groups[7] === '0000' || groups[7] === '0001')) return true; // :: and ::1
  return /^f[cd]/.test(normalized) /* ULA */ || /^fe[89ab]/.test(normalized) /* link-local */;
}

/** Short display form: IPv6 with leading zeros dropped and the longest zero run as `::`. */
export function displayIp(normalized: string): string {
  if (!normalized.includes(':')) return normalized;
  const groups = normalized.split(':').map((g) => g.replace(/^0+(?=.)/, ''));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length; ) {
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
