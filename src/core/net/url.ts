import { isPrivateIp, normalizeIp } from './ip';

/**
 * What a URL is, for Downcheck's purposes: a web page we can reason about, or something else
 * (browser pages, files, data). Never throws; odd input gets `{ ok: false }`.
 */

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

/**
 * The page a check of `input` asks: the site's front page, `https://` unless the visitor typed
 * `http://` (an intranet or a local server), with the port if one was typed. Anything that is not
 * a web host (a file, a script, an empty field) gives `undefined`.
 */
export function siteUrl(input: string): string | undefined {
  const text = input.trim();
  if (!text || text.length > 2048) return undefined;
  const explicit = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  const info = describeUrl(explicit ? text : `https://${text}`);
  if (!info.ok || !info.isWeb) return undefined;
  return `${info.origin}/`;
}

/**
 * The page "tell me when it's back" probes for a checked site: what was typed (`checked`), when it
 * names the site checked (it keeps an `http://` or a port the host name alone would lose); else the host.
 */
export function watchedSiteUrl(checkedHost: string, checked: string): string | undefined {
  const typed = siteUrl(checked);
  return typed && webHost(typed) === checkedHost ? typed : siteUrl(checkedHost);
}

/** Hostname only, or undefined for anything that is not a web URL. */
export function webHost(raw: unknown): string | undefined {
  const info = describeUrl(raw);
  return info.ok && info.isWeb ? info.host : undefined;
}

/**
 * Names that never resolve on the public internet, or resolve only inside someone's network:
 * RFC 6761 / 6762 / 8375 / 9476 special-use names, Tor's `.onion`, reverse-DNS `.arpa`, and the
 * suffixes intranets commonly use.
 */
const PRIVATE_SUFFIXES = [
  '.local',
  '.localhost',
  '.localdomain',
  '.internal',
  '.lan',
  '.home',
  '.home.arpa',
  '.intranet',
  '.corp',
  '.onion',
  '.test',
  '.invalid',
  '.arpa',
  '.alt',
];

/** A host the URL parser would read as an IPv4 address, or that only looks like one: digits, dots, hex. */
const IPV4_LIKE = /^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d*))*$/;

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
 * Hosts whose name must never leave the browser: addresses in private, special or reserved
 * blocks (core/net/ip.ts), single-label intranet names and the special-use and intranet suffixes.
 * Takes what the URL parser gives (`[::1]`, `10.0.0.1`) as well as bare addresses (`::1`).
 */
export function isPrivateHost(hostInput: string): boolean {
  if (typeof hostInput !== 'string') return true;
  // Every trailing dot: the URL parser keeps `a.local..` and `10.0.0.1..` as they are.
  const host = hostInput.trim().toLowerCase().replace(/\.+$/, '');
  const numeric = numericHost(host);
  // Either reading being private is enough: the number reading only ever adds privacy.
  return privateByRules(host) || (numeric !== host && privateByRules(numeric));
}

function privateByRules(host: string): boolean {
  if (host.length === 0) return true;
  if (host.startsWith('[') || host.includes(':')) return isPrivateIp(host);
  if (IPV4_LIKE.test(host)) {
    // Read as the browser would connect; a spelling even the URL parser refuses fails closed.
    const read = numericHost(host);
    // A single label stays private whatever number it reads as (an intranet name like `0100000000`).
    return normalizeIp(read) !== read || isPrivateIp(read) || !host.includes('.');
  }
  if (!host.includes('.')) return true; // single-label: intranet or localhost
  return PRIVATE_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

/**
 * A URL without `user:password@`: what may be stored, shown or asked again. Credentials in a URL
 * are secrets the visitor typed for one site; they are never kept, and a probe never sends them.
 * Anything that is not a URL comes back unchanged (there is nothing to strip from it).
 */
export function withoutCredentials(raw: string): string {
  if (typeof raw !== 'string' || !raw.includes('@')) return raw;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  if (!url.username && !url.password) return raw;
  url.username = '';
  url.password = '';
  return url.href;
}

/** `https://shop.example:8443` for a web URL, else undefined. */
export function originOf(raw: unknown): string | undefined {
  const info = describeUrl(raw);
  return info.ok && info.isWeb ? info.origin : undefined;
}

/** A tab's own URL (session): long enough for real pages, never a 64 KB pushState address. */
export const SESSION_URL_MAX = 8 * 1024;
/** History keeps origin + path, no query or fragment, at most this long. */

/**
 * A web URL fit to be stored: user name and password removed; when longer than `max`, its origin
 * and the start of its path (no query, no fragment). `undefined` for anything that is not http(s).
 */
export function storedUrl(raw: unknown, max = SESSION_URL_MAX): string | undefined {
  if (typeof raw !== 'string' || raw.length > 64 * 1024) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return undefined;
  url.username = '';
  url.password = '';
  if (url.href.length <= max) return url.href;
  url.hash = '';
  if (url.href.length <= max) return url.href;
  return url.origin + url.pathname.slice(0, Math.max(1, max - url.origin.length));
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
 * Where a probe of a failed page goes (the diagnosis's re-probe, Chrome's header re-probe, the
 * auto-retry's probes). Never the exact URL the tab asked for when replaying it could do harm:
 * - a page fetched with GET or HEAD from `origin`: its path, without query or fragment (a one-time
 *   `?code=` or magic-login link that answered 5xx must not be used up by the probe);
 * - a host on the visitor's network ({@link onLocalNetwork}): its root only (a public page may
 *   have sent the tab to `http://192.168.0.1/apply.cgi?…`, and nothing of that request is sent again);
 * - anything else (a form's target, another origin): that origin's root.
 * `user:password@` is never sent. `undefined` for a URL that is not a web page.
 */
export function reprobeTarget(
  pageUrl: string,
  method: string | undefined,
  origin: string | undefined = originOf(pageUrl),
): string | undefined {
  if (!origin) return undefined;
  const idempotent = method === 'GET' || method === 'HEAD';
  if (!idempotent || originOf(pageUrl) !== origin || onLocalNetwork(new URL(origin).hostname)) return `${origin}/`;
  const url = new URL(withoutCredentials(pageUrl));
  url.hash = '';
  url.search = '';
  return url.href;
}

/**
 * Whether auto-retry may load this page again by itself once its site answers. Not a page on the
 * visitor's network with a query: a public page may have redirected the tab there (a router's
 * `apply.cgi?…`), and only the visitor may send that again. Other pages come back as the
 * visitor's own reload would (query included: their reload would send it too).
 */
export function mayReloadByItself(pageUrl: string): boolean {
  const info = describeUrl(pageUrl);
  if (!info.ok || !info.isWeb) return false;
  return !(onLocalNetwork(info.host) && new URL(pageUrl).search !== '');
}

/**
 * A private or intranet host other than this machine: where routers, printers and NAS boxes with
 * state-changing GETs live. The visitor's own machine (`localhost`, 127/8, `::1`) is left out:
 * that is where their development servers restart, and auto-retry is for them too.
 */
export function onLocalNetwork(host: string): boolean {
  return isPrivateHost(host) && !isLoopbackHost(host);
}

/** `localhost`, `*.localhost`, 127.0.0.0/8 and `[::1]`, in any spelling the URL parser gives. */
export function isLoopbackHost(hostInput: string): boolean {
  const host = hostInput.trim().toLowerCase().replace(/\.+$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const ip = normalizeIp(numericHost(host));
  return ip !== undefined && (ip === '0000:0000:0000:0000:0000:0000:0000:0001' || /^127\./.test(ip));
}

/**
 * The Accept header of Firefox's top-level navigations (Chromium's adds image types): a re-probe
 * asks for the page as a reload would, not with a script's `*\/*`. CORS-safelisted, so no preflight.
 */
export const NAVIGATION_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
