/**
 * What a URL is, for Downcheck's purposes: a web page we can reason about, or something else
 * (browser pages, files, data). Never throws; odd input gets `{ ok: false }`.
 */
import { storedUrl } from './stored';

export type UrlInfo =
  | {
      ok: true;
      /** `http` or `https` pages are the only ones Downcheck acts on. */
      isWeb: boolean;
      scheme: string;
      /** Lower-case; IDN in punycode (as the URL parser gives it); IPv6 literals keep their brackets. */
      host: string;
      /** Explicit port, if any. */
      port?: string;
      origin: string;
    }
  | { ok: false; reason: 'invalid' | 'too-long' };

/** Longer than any URL a browser navigates to in practice; beyond it we do not parse. */
const MAX_URL_LENGTH = 64 * 1024;

export function describeUrl(raw: unknown): UrlInfo {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, reason: 'invalid' };
  if (raw.length > MAX_URL_LENGTH) return { ok: false, reason: 'too-long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const isWeb = (scheme === 'http' || scheme === 'https') && url.hostname.length > 0;
  return {
    ok: true,
    isWeb,
    scheme,
    host: url.hostname.toLowerCase(),
    ...(url.port ? { port: url.port } : {}),
    origin: isWeb ? url.origin : 'null',
  };
}

/** Hostname only, or undefined for anything that is not a web URL. */
export function webHost(raw: unknown): string | undefined {
  const info = describeUrl(raw);
  return info.ok && info.isWeb ? info.host : undefined;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function privateIPv4(host: string): boolean | undefined {
  const m = IPV4.exec(host);
  if (!m) return undefined;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) || // link-local
    (a === 100 && b >= 64 && b <= 127) // carrier-grade NAT (RFC 6598)
  );
}

function privateIPv6(host: string): boolean | undefined {
  if (!host.startsWith('[') || !host.endsWith(']')) return undefined;
  const ip = host.slice(1, -1).toLowerCase();
  if (ip === '::1' || ip === '::') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped?.[1]) return privateIPv4(mapped[1]) ?? true;
  // The URL parser writes mapped IPv4 as hex (::ffff:a00:1): treat any mapped address as private-unknown → private.
  if (ip.startsWith('::ffff:')) return true;
  return /^f[cd]/.test(ip) /* ULA, RFC 4193 */ || /^fe[89ab]/.test(ip) /* link-local */;
}

const PRIVATE_SUFFIXES = ['.local', '.internal', '.localhost', '.lan', '.home.arpa', '.intranet', '.corp', '.home'];

/**
 * `0.0..` or `192.11022107..` reach here unparsed (the URL parser reads an address only without
 * the extra dots): once those are gone, an all-numeric host is read the way the URL parser reads
 * addresses (one number, hex, octal, short forms), so its spelling cannot hide a private one.
 */
function numericHost(host: string): string {
  if (!/^[0-9a-fx.]+$/.test(host) || !/\d/.test(host)) return host;
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return host;
  }
}

/**
 * Hosts whose name must never leave the browser: loopback, private and link-local ranges,
 * single-label intranet names and the reserved private suffixes.
 */
export function isPrivateHost(hostInput: string): boolean {
  // Every trailing dot: the URL parser keeps `a.local..` and `10.0.0.1..` as they are.
  const host = hostInput.toLowerCase().replace(/\.+$/, '');
  const numeric = numericHost(host);
  // Either reading being private is enough: the number reading only ever adds privacy.
  return privateByRules(host) || (numeric !== host && privateByRules(numeric));
}

function privateByRules(host: string): boolean {
  if (host.length === 0) return true;
  const v4 = privateIPv4(host);
  if (v4 !== undefined) return v4;
  const v6 = privateIPv6(host);
  if (v6 !== undefined) return v6;
  if (!host.includes('.')) return true; // single-label: intranet or localhost
  if (host === 'localhost') return true;
  return PRIVATE_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

/** `https://shop.example:8443` for a web URL, else undefined. */
export function originOf(raw: unknown): string | undefined {
  const info = describeUrl(raw);
  return info.ok && info.isWeb ? info.origin : undefined;
}

/**
 * Same document: equal URLs once the fragment is set aside, compared as storage keeps them (no
 * user:pass@, a very long URL cut the same way), so a stored incident still matches its page.
 */
export function samePage(a: string, b: string): boolean {
  return pageKey(a) === pageKey(b);
}

function pageKey(url: string): string {
  const bare = url.split('#', 1)[0]!;
  return storedUrl(bare) ?? bare;
}

/**
 * Where a re-probe of a failed page goes: the page itself, without its fragment, when it was
 * fetched with GET or HEAD from `origin`; otherwise that origin's root, so a form's target is
 * never requested again. `undefined` for a URL that is not a web page.
 */
export function reprobeTarget(pageUrl: string, method: string | undefined, origin: string | undefined = originOf(pageUrl)): string | undefined {
  if (!origin) return undefined;
  const idempotent = method === 'GET' || method === 'HEAD';
  return idempotent && originOf(pageUrl) === origin ? pageUrl.split('#', 1)[0]! : `${origin}/`;
}
