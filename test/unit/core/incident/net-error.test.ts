import { describe, expect, it } from 'vitest';
import { normalizeNetError } from '../../../../src/core/incident/net-error';

describe('normalizeNetError: Chrome and Firefox say the same thing differently', () => {
  it.each([
    ['net::ERR_NAME_NOT_RESOLVED', 'dns'],
    ['net::ERR_NAME_RESOLUTION_FAILED', 'dns'],
    ['net::ERR_DNS_TIMED_OUT', 'dns'],
    ['NS_ERROR_UNKNOWN_HOST', 'dns'],
    ['net::ERR_CONNECTION_REFUSED', 'refused'],
    ['NS_ERROR_CONNECTION_REFUSED', 'refused'],
    ['net::ERR_CONNECTION_RESET', 'reset'],
    ['net::ERR_EMPTY_RESPONSE', 'reset'],
    ['NS_ERROR_NET_RESET', 'reset'],
    ['NS_ERROR_NET_INTERRUPT', 'reset'],
    ['net::ERR_CONNECTION_TIMED_OUT', 'timed-out'],
    ['net::ERR_TIMED_OUT', 'timed-out'],
    ['NS_ERROR_NET_TIMEOUT', 'timed-out'],
    ['net::ERR_CERT_DATE_INVALID', 'tls'],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'tls'],
    ['net::ERR_SSL_PROTOCOL_ERROR', 'tls'],
    ['SEC_ERROR_UNKNOWN_ISSUER', 'tls'],
    ['SSL_ERROR_BAD_CERT_DOMAIN', 'tls'],
    ['MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT', 'tls'],
    ['net::ERR_INTERNET_DISCONNECTED', 'offline'],
    ['NS_ERROR_OFFLINE', 'offline'],
    ['net::ERR_TOO_MANY_REDIRECTS', 'other'],
    ['net::ERR_SOMETHING_NEW', 'other'],
    ['', 'other'],
    ['   ', 'other'],
    ['x'.repeat(100_000), 'other'],
  ])('%s → %s', (raw, category) => expect(normalizeNetError(raw)).toBe(category));

  it.each([
    'net::ERR_ABORTED',
    'NS_BINDING_ABORTED',
    'NS_ERROR_ABORT',
    'net::ERR_BLOCKED_BY_CLIENT',
    'net::ERR_CACHE_MISS',
    'net::ERR_HTTP_RESPONSE_CODE_FAILURE',
    'NS_BINDING_RETARGETED',
    'NS_BINDING_REDIRECTED',
    'net::ERR_UNSAFE_PORT',
    'NS_ERROR_PORT_ACCESS_NOT_ALLOWED',
    'net::ERR_INVALID_URL',
    'NS_ERROR_MALFORMED_URI',
  ])('%s is not a site failure', (raw) => expect(normalizeNetError(raw)).toBeNull());

  it.each([undefined, null, 42, {}])('non-string %s is "other", not a throw', (raw) => expect(normalizeNetError(raw)).toBe('other'));
});
