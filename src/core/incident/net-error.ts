import type { NetErrorCategory } from '../../model/incident';

/**
 * Chrome (`net::ERR_*`) and Firefox (`NS_ERROR_*`, `SEC_ERROR_*`, …) report the same failures in
 * different words. `null` means "not a failure of the site": the user stopped the load, went
 * Back/Forward, a download took over, another extension blocked it, the browser refused the
 * address itself (an unsafe port, a malformed URL), or the HTTP response was
 * already seen (Chrome's ERR_HTTP_RESPONSE_CODE_FAILURE follows an empty 5xx body).
 */
export function normalizeNetError(raw: unknown): NetErrorCategory | null {
  if (typeof raw !== 'string') return 'other';
  const code = raw
    .trim()
    .replace(/^net::/i, '')
    .toUpperCase()
    .slice(0, 100);
  if (code === '') return 'other';
  if (NOT_A_FAILURE.has(code)) return null;
  const exact = EXACT.get(code);
  if (exact) return exact;
  if (/^ERR_DNS_/.test(code)) return 'dns';
  if (/^ERR_(CERT_|SSL_)|^(SEC_ERROR_|SSL_ERROR_|MOZILLA_PKIX_ERROR_)/.test(code)) return 'tls';
  return 'other';
}

const NOT_A_FAILURE = new Set([
  'ERR_ABORTED',
  'ERR_BLOCKED_BY_CLIENT',
  'ERR_BLOCKED_BY_ADMINISTRATOR',
  'ERR_CACHE_MISS', // Back/Forward to a POST result: Chrome asks to resubmit
  'ERR_HTTP_RESPONSE_CODE_FAILURE', // the 5xx itself was already recorded from its headers
  'ERR_UNKNOWN_URL_SCHEME',
  // The browser refused the address itself (a port it never connects to, a malformed URL or
  // redirect): no server was asked, so there is nothing to diagnose or to retry.
  'ERR_UNSAFE_PORT',
  'ERR_UNSAFE_REDIRECT',
  'ERR_INVALID_URL',
  'ERR_DISALLOWED_URL_SCHEME',
  'NS_ERROR_PORT_ACCESS_NOT_ALLOWED',
  'NS_ERROR_MALFORMED_URI',
  'NS_ERROR_UNKNOWN_PROTOCOL',
  'NS_BINDING_ABORTED',
  'NS_ERROR_ABORT',
  'NS_BINDING_REDIRECTED',
  'NS_BINDING_RETARGETED', // became a download
  'NS_ERROR_PARSED_DATA_CACHED',
  'NS_ERROR_DOCUMENT_NOT_CACHED',
]);

const EXACT = new Map<string, NetErrorCategory>([
  ['ERR_NAME_NOT_RESOLVED', 'dns'],
  ['ERR_NAME_RESOLUTION_FAILED', 'dns'],
  ['ERR_ICANN_NAME_COLLISION', 'dns'],
  ['NS_ERROR_UNKNOWN_HOST', 'dns'],
  ['NS_ERROR_UNKNOWN_PROXY_HOST', 'dns'],
  ['ERR_CONNECTION_REFUSED', 'refused'],
  ['NS_ERROR_CONNECTION_REFUSED', 'refused'],
  ['ERR_CONNECTION_RESET', 'reset'],
  ['ERR_CONNECTION_CLOSED', 'reset'],
  ['ERR_CONNECTION_ABORTED', 'reset'],
  ['ERR_EMPTY_RESPONSE', 'reset'],
  ['NS_ERROR_NET_RESET', 'reset'],
  ['NS_ERROR_NET_INTERRUPT', 'reset'],
  ['NS_ERROR_NET_PARTIAL_TRANSFER', 'reset'],
  ['ERR_CONNECTION_TIMED_OUT', 'timed-out'],
  ['ERR_TIMED_OUT', 'timed-out'],
  ['NS_ERROR_NET_TIMEOUT', 'timed-out'],
  ['NS_ERROR_NET_TIMEOUT_EXTERNAL', 'timed-out'],
  ['ERR_INTERNET_DISCONNECTED', 'offline'],
  ['NS_ERROR_OFFLINE', 'offline'],
  ['ERR_BAD_SSL_CLIENT_AUTH_CERT', 'tls'],
  ['NS_ERROR_NET_INADEQUATE_SECURITY', 'tls'],
  ['NS_ERROR_GENERATE_FAILURE', 'tls'],
]);

/**
 * Chrome titles its own error page (a network failure, an empty 5xx) with the site's host name
 * alone; a site's own page almost never is. A cheap first filter before asking the browser about
 * a tab. An IDN host is titled in Unicode, which this cannot compare: such tabs pass.
 */
export function titledLikeBrowserErrorPage(title: string | undefined, url: string): boolean {
  if (!title) return false;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  const shown = title.trim().toLowerCase();
  return shown === host || shown === host.replace(/^\[(.*)\]$/, '$1') || host.split('.').some((label) => label.startsWith('xn--'));
}
