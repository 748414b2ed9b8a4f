// Where a background request may go after a redirect: every hop https, public, on the same site when
// asked, few; a hop the browser hides is never followed.
import { describe, expect, it } from 'vitest';
import { isPublicHost, isRedirect, MAX_REDIRECT_HOPS, nextHop, publicAddresses } from '../../../../src/core/net/next-hop';

const FROM = 'https://status.shop.example/api/v2/status.json';
const SITE = { maxHops: 3, site: 'shop.example' };

describe('nextHop', () => {
  it('follows an https hop on the same site, relative or absolute, without its fragment', () => {
    expect(nextHop(FROM, 'https://www.status.shop.example/api/v2/status.json', 1, SITE)).toEqual({
      follow: true,
      url: 'https://www.status.shop.example/api/v2/status.json',
    });
    expect(nextHop(FROM, '/v2/status.json#x', 1, SITE)).toEqual({ follow: true, url: 'https://status.shop.example/v2/status.json' });
    expect(nextHop(FROM, 'https://shop.example:443/s', 1, SITE)).toEqual({ follow: true, url: 'https://shop.example/s' });
  });

  it('never follows into the visitor network: private, loopback, link-local, intranet names and addresses', () => {
    for (const location of [
      'http://192.168.0.1/cgi-bin/apply.cgi?x=1',
      'https://192.168.0.1/cgi-bin/apply.cgi',
      'https://10.0.0.1/',
      'https://127.0.0.1/',
      'https://[::1]/',
      'https://[fe80::1]/',
      'https://169.254.169.254/latest/meta-data/',
      'https://0x7f000001/',
      'https://2130706433/',
      'https://router.lan/',
      'https://nas.local/',
      'https://intranet/',
      'https://wiki.corp/',
      'https://localhost/',
    ]) {
      expect(nextHop(FROM, location, 1, { maxHops: 3 }).follow, location).toBe(false);
    }
    expect(nextHop(FROM, 'https://192.168.0.1/', 1, { maxHops: 3 })).toEqual({ follow: false, reason: 'private' });
  });

  it('only https, no credentials, no odd port', () => {
    expect(nextHop(FROM, 'http://www.shop.example/', 1, SITE)).toEqual({ follow: false, reason: 'not-https' });
    expect(nextHop(FROM, 'ftp://www.shop.example/', 1, SITE)).toEqual({ follow: false, reason: 'not-https' });
    expect(nextHop(FROM, 'javascript:alert(1)', 1, SITE)).toEqual({ follow: false, reason: 'not-https' });
    expect(nextHop(FROM, 'https://u:p@www.shop.example/', 1, SITE)).toEqual({ follow: false, reason: 'credentials' });
    expect(nextHop(FROM, 'https://www.shop.example:8443/', 1, SITE)).toEqual({ follow: false, reason: 'port' });
  });

  it('stays on the registrable domain when asked', () => {
    expect(nextHop(FROM, 'https://status.evil.example/', 1, SITE)).toEqual({ follow: false, reason: 'other-site' });
    expect(nextHop(FROM, 'https://shop.example.evil.example/', 1, SITE)).toEqual({ follow: false, reason: 'other-site' });
    expect(nextHop(FROM, 'https://status.evil.example/', 1, { maxHops: 3 })).toMatchObject({ follow: true });
  });

  it('a hidden or missing Location, no hops allowed, or too many hops: not followed', () => {
    expect(nextHop(FROM, null, 1, SITE)).toEqual({ follow: false, reason: 'unreadable' });
    expect(nextHop(FROM, '  ', 1, SITE)).toEqual({ follow: false, reason: 'unreadable' });
    expect(nextHop(FROM, 'https://www.shop.example/', 1)).toEqual({ follow: false, reason: 'not-allowed' });
    expect(nextHop(FROM, 'https://www.shop.example/', 1, { maxHops: 0 })).toEqual({ follow: false, reason: 'not-allowed' });
    expect(nextHop(FROM, 'https://www.shop.example/', 4, SITE)).toEqual({ follow: false, reason: 'too-many' });
    expect(nextHop(FROM, 'https://www.shop.example/', 2, { maxHops: 99 })).toMatchObject({ follow: true });
    expect(nextHop(FROM, 'https://www.shop.example/', MAX_REDIRECT_HOPS + 1, { maxHops: 99 })).toEqual({
      follow: false,
      reason: 'too-many',
    });
    expect(nextHop(FROM, 'https://www.shop.example/', 0, SITE)).toEqual({ follow: false, reason: 'too-many' });
    expect(nextHop(FROM, `https://www.shop.example/${'a'.repeat(3000)}`, 1, SITE)).toEqual({ follow: false, reason: 'invalid' });
    expect(nextHop('not a url', 'relative', 1, SITE)).toEqual({ follow: false, reason: 'invalid' });
  });
});

describe('helpers', () => {
  it('publicAddresses: every one public, and at least one', () => {
    expect(publicAddresses(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'])).toBe(true);
    expect(publicAddresses(['93.184.216.34', '10.0.0.1'])).toBe(false);
    expect(publicAddresses([])).toBe(false);
    expect(publicAddresses(undefined)).toBe(false);
    expect(publicAddresses([42])).toBe(false);
  });

  it('isPublicHost and isRedirect', () => {
    expect(isPublicHost('shop.example')).toBe(true);
    expect(isPublicHost('')).toBe(false);
    expect(isPublicHost('[::1]')).toBe(false);
    expect(isRedirect('opaqueredirect', 0)).toBe(true);
    expect(isRedirect('basic', 302)).toBe(true);
    expect(isRedirect('basic', 304)).toBe(false);
    expect(isRedirect('basic', 200)).toBe(false);
  });
});
