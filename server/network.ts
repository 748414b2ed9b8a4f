// A client's network and address block, derived from its address and kept only as keyed hashes.
// The clear strings returned here live for one request in memory; only `keyedHash` output is ever stored.
import { dayOf } from '../src/core/crowd/signal.ts';
import { toHex } from '../src/core/crowd/report.ts';

export interface Client {
  /** Distinct-network identity: `asn:<n>` on Workers, the /24 or /48 on Node. */
  network: string;
  /** Rate-limit identity: the /24 of an IPv4 address, the /64 of an IPv6 one. */
  block: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4Parts(address: string): number[] | null {
  const m = IPV4.exec(address);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

/** The 8 16-bit groups of an IPv6 address (an embedded IPv4 tail included), or null. */
export function ipv6Groups(address: string): number[] | null {
  let text = address.replace(/%.*$/, '').toLowerCase();
  const v4 = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const parts = ipv4Parts(v4[2]!);
    if (!parts) return null;
    text = `${v4[1]}${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const groups = s.split(':');
    if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const fill = 8 - head.length - rest.length;
  return fill >= 1 ? [...head, ...Array<number>(fill).fill(0), ...rest] : null;
}

/** The client identity of an address: IPv4 (and IPv4-mapped IPv6) by /24, other IPv6 by /48 (network) and /64 (block). */
export function clientOfAddress(address: string | undefined | null): Client | null {
  if (!address) return null;
  const v4 = ipv4Parts(address);
  if (v4) return { network: `v4:${v4.slice(0, 3).join('.')}`, block: `v4:${v4.slice(0, 3).join('.')}` };
  const groups = ipv6Groups(address);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const a = [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8];
    return { network: `v4:${a.join('.')}`, block: `v4:${a.join('.')}` };
  }
  const hex = groups.map((g) => g.toString(16));
  return { network: `v6:${hex.slice(0, 3).join(':')}`, block: `v6:${hex.slice(0, 4).join(':')}` };
}

/**
 * The client address behind trusted proxies: the right-most X-Forwarded-For entry that is not itself a trusted proxy.
 * Only when the direct peer is one of `trusted`; otherwise the peer itself.
 */
export function forwardedAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: readonly string[],
): string | undefined {
  const strip = (a: string): string =>
    a
      .trim()
      .replace(/^\[(.*)\](?::\d+)?$/, '$1')
      .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const isTrusted = (a: string | undefined): boolean => !!a && trusted.includes(strip(a));
  if (!isTrusted(peer) || !forwardedFor) return peer;
  const hops = forwardedFor.split(',').map(strip).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i -= 1) if (!trusted.includes(hops[i]!)) return clientOfAddress(hops[i]) ? hops[i] : peer;
  return peer;
}

/**
 * Keyed hashes with a key that changes every UTC day: HMAC(HMAC(secret, day), value). Without the secret, which is
 * never stored beside the data, a stored hash cannot be matched against the small space of /24s.
 */
/** HMAC-SHA-256, synchronous: Node's crypto, which spares a WebCrypto job (about half a millisecond under load). */
export type HmacSha256 = (key: Uint8Array, data: Uint8Array) => Uint8Array;

export class DailyHasher {
  private keys = new Map<number, Promise<CryptoKey>>();
  private syncKey: { day: number; key: Uint8Array } | null = null;
  private readonly enc = new TextEncoder();

  /** `hmac`: a synchronous HMAC (Node); without it, WebCrypto (Workers). Both give the same hashes. */
  constructor(
    private readonly secret: string,
    private readonly hmac?: HmacSha256,
  ) {}

  private async keyFor(day: number): Promise<CryptoKey> {
    let key = this.keys.get(day);
    if (!key) {
      key = (async () => {
        const root = await crypto.subtle.importKey('raw', this.enc.encode(this.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        const dayKey = await crypto.subtle.sign('HMAC', root, this.enc.encode(dayLabel(day)));
        return crypto.subtle.importKey('raw', dayKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      })();
      this.keys.clear(); // only today's key stays in memory
      this.keys.set(day, key);
    }
    return key;
  }

  private signSync(hmac: HmacSha256, day: number, value: string): Uint8Array {
    if (this.syncKey?.day !== day) this.syncKey = { day, key: hmac(this.enc.encode(this.secret), this.enc.encode(dayLabel(day))) };
    return hmac(this.syncKey.key, this.enc.encode(value));
  }

  private memo = new Map<string, string>();
  private memoDay = -1;

  async hash(value: string, now: number): Promise<string> {
    const day = dayOf(now);
    // Today's hashes of recent networks, in memory only, spare a WebCrypto round trip per report.
    if (day !== this.memoDay || this.memo.size >= 50_000) {
      this.memo.clear();
      this.memoDay = day;
    }
    const known = this.memo.get(value);
    if (known) return known;
    const signature = this.hmac
      ? this.signSync(this.hmac, day, value)
      : new Uint8Array(await crypto.subtle.sign('HMAC', await this.keyFor(day), this.enc.encode(value)));
    const hash = toHex(signature.subarray(0, 16));
    this.memo.set(value, hash);
    return hash;
  }
}

const dayLabel = (day: number): string => `downcheck-crowd-day:${day}`;

/** A random secret for a process that was given none: hashes then change on restart, which only splits counts. */
export const randomSecret = (): string => toHex(crypto.getRandomValues(new Uint8Array(32)));
