// The crowd service's address, as the build setting (and later the options field) gives it.
// Pure: the one check every source of the address goes through before a request is made.

/** Longer addresses are refused: a real service address is short, and the value is stored and shown. */
export const MAX_SERVICE_URL_LENGTH = 200;

export type ServiceUrlProblem = 'empty' | 'too-long' | 'malformed' | 'scheme' | 'insecure' | 'credentials' | 'query' | 'fragment';
export type ServiceUrl = { ok: true; url: string } | { ok: false; problem: ServiceUrlProblem };

/** Loopback hosts as URL spells them (IPv4 forms such as 127.1 are already normalised): plain http is allowed only there. */
const isLoopback = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

/**
 * A service address: https (http only to this machine), no user or password, no query or fragment. The result is
 * its origin and path without a trailing slash, to which `/v1/…` is appended; empty text means no service.
 */
export function parseServiceUrl(text: unknown): ServiceUrl {
  if (typeof text !== 'string') return { ok: false, problem: 'malformed' };
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'empty' };
  if (trimmed.length > MAX_SERVICE_URL_LENGTH) return { ok: false, problem: 'too-long' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: 'scheme' };
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) return { ok: false, problem: 'insecure' };
  // A bare '@' or ':' before the host still means credentials were meant, even if URL drops the empty ones.
  if (url.username || url.password || /^[a-z]+:\/\/[^/?#]*@/i.test(trimmed)) return { ok: false, problem: 'credentials' };
  if (url.search || trimmed.includes('?')) return { ok: false, problem: 'query' };
  if (url.hash || trimmed.includes('#')) return { ok: false, problem: 'fragment' };
  const normalised = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (normalised.length > MAX_SERVICE_URL_LENGTH) return { ok: false, problem: 'too-long' };
  return { ok: true, url: normalised };
}
