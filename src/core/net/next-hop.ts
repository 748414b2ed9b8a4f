/**
 * Where a background request may go after a redirect. The extension's own requests bypass CORS (it
 * holds host access to every site), so a redirect it followed blindly could make it send a GET to
 * a device on the visitor's network. Every hop is judged here before it is requested; a hop that
 * cannot be read (browsers hand extensions an opaque answer for `redirect: 'manual'`) is never
 * followed. See docs/requests.md.
 */
import { registrableDomain } from './domain';
import { isPrivateIp } from './ip';
import { isPrivateHost } from './url';

/** More hops than a status page that moved between `www.` and its bare name ever needs. */
export const MAX_REDIRECT_HOPS = 3;

export interface HopPolicy {
  /** Hops that may be followed; 0 (the default): none. Capped at {@link MAX_REDIRECT_HOPS}. */
  maxHops?: number;
  /** Every hop must stay on this registrable domain (the status page's own site). */
  site?: string;
}

export type HopRefusal =
  | 'unreadable' // the browser hid where the redirect goes
  | 'not-allowed' // this request follows no redirect at all
  | 'too-many'
  | 'invalid' // not a URL, or too long
  | 'not-https'
  | 'credentials'
  | 'port' // an explicit port other than 443: how services on the visitor's machine are reached
  | 'private' // a private, loopback, link-local or intranet name or address
  | 'other-site';

export type HopDecision = { follow: true; url: string } | { follow: false; reason: HopRefusal };

const MAX_LOCATION_LENGTH = 2048;

/**
 * Whether to follow a redirect from `from` to `location` (the `Location` header, relative or
 * absolute; `null` when the browser hid it), as hop number `hop` (1 for the first redirect).
 */
export function nextHop(from: string, location: string | null | undefined, hop: number, policy: HopPolicy = {}): HopDecision {
  const allowed = Math.min(MAX_REDIRECT_HOPS, Math.max(0, Math.floor(Number(policy.maxHops) || 0)));
  if (allowed === 0) return { follow: false, reason: 'not-allowed' };
  if (typeof location !== 'string' || location.trim() === '') return { follow: false, reason: 'unreadable' };
  if (!(hop >= 1 && hop <= allowed)) return { follow: false, reason: 'too-many' };
  if (location.length > MAX_LOCATION_LENGTH) return { follow: false, reason: 'invalid' };
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    return { follow: false, reason: 'invalid' };
  }
  if (url.protocol !== 'https:') return { follow: false, reason: 'not-https' };
  if (url.username || url.password) return { follow: false, reason: 'credentials' };
  if (url.port !== '' && url.port !== '443') return { follow: false, reason: 'port' };
  if (!isPublicHost(url.hostname)) return { follow: false, reason: 'private' };
  if (policy.site !== undefined && registrableDomain(url.hostname) !== policy.site) return { follow: false, reason: 'other-site' };
  url.hash = '';
  return { follow: true, url: url.href };
}

/** A host a redirect may lead to: a public name, or a public address written as one. */
export function isPublicHost(host: string): boolean {
  if (typeof host !== 'string' || host.length === 0) return false;
  return !isPrivateHost(host);
}

/**
 * Whether addresses a name resolved to (Firefox's own resolver) allow a hop there: every one
 * public, and at least one. No answer is no permission.
 */
export const publicAddresses = (addresses: readonly unknown[] | undefined): boolean =>
  Array.isArray(addresses) && addresses.length > 0 && addresses.every((a) => typeof a === 'string' && !isPrivateIp(a));

/** A response that redirects: the opaque answer of `redirect: 'manual'`, or a 3xx whose Location is readable. */
export const isRedirect = (type: string, status: number): boolean =>
  type === 'opaqueredirect' || (status >= 300 && status <= 399 && status !== 304);
