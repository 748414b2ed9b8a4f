import { describe, expect, it } from 'vitest';
import {
  describeUrl,
  isLoopbackHost,
  isPrivateHost,
  mayReloadByItself,
  onLocalNetwork,
  reprobeTarget,
  samePage,
  storedUrl,
  watchedSiteUrl,
  webHost,
  withoutCredentials,
} from '../../../../src/core/net/url';

describe('describeUrl gives every shape of URL a defined outcome', () => {
  it.each([
    ['https://shop.example/cart?x=1#y', { isWeb: true, host: 'shop.example', origin: 'https://shop.example' }],
    ['HTTP://Shop.EXAMPLE:8080/', { isWeb: true, host: 'shop.example', port: '8080', origin: 'http://shop.example:8080' }],
    ['https://bücher.example/', { isWeb: true, host: 'xn--bcher-kva.example' }],
    ['http://[::1]:8080/', { isWeb: true, host: '[::1]', port: '8080' }],
    ['http://[2001:db8::1]/', { isWeb: true, host: '[2001:db8::1]' }],
    ['http://127.0.0.1:3000/x', { isWeb: true, host: '127.0.0.1', port: '3000' }],
    ['file:///etc/passwd', { isWeb: false, scheme: 'file' }],
    ['data:text/html,<h1>x</h1>', { isWeb: false, scheme: 'data' }],
    ['chrome://settings', { isWeb: false, scheme: 'chrome' }],
    ['chrome-extension://abc/popup.html', { isWeb: false }],
    ['moz-extension://abc/popup.html', { isWeb: false }],
    ['about:blank', { isWeb: false, scheme: 'about' }],
    ['about:neterror?e=dnsNotFound', { isWeb: false }],
    ['view-source:https://a.example/', { isWeb: false }],
    ['javascript:alert(1)', { isWeb: false }],
  ])('%s', (raw, expected) => expect(describeUrl(raw)).toMatchObject({ ok: true, ...expected }));

  it.each([['not a url'], [''], ['http://'], ['https://exa mple.com/'], ['http://[::1/']])('%s is invalid', (raw) =>
    expect(describeUrl(raw)).toEqual({ ok: false, reason: 'invalid' }),
  );

  it('refuses absurdly long input without parsing it', () => {
    expect(describeUrl(`https://a.example/${'x'.repeat(70_000)}`)).toEqual({ ok: false, reason: 'too-long' });
  });

  it.each([undefined, null, 42, {}])('non-string %s is invalid', (raw) =>
    expect(describeUrl(raw)).toEqual({ ok: false, reason: 'invalid' }),
  );

  it('webHost is the host for web pages only', () => {
    expect(webHost('https://a.example/x?token=secret')).toBe('a.example');
    expect(webHost('file:///x')).toBeUndefined();
    expect(webHost('%%')).toBeUndefined();
  });
});

describe('isPrivateHost: names that must never leave the browser', () => {
  it.each([
    // names
    'localhost',
    'LOCALHOST',
    'intranet',
    'printer.local',
    'db.internal',
    'app.localhost',
    'nas.home.arpa',
    'router.lan',
    '',
    'localhost.',
    'box.localdomain',
    'localdomain',
    'shop.home',
    'wiki.corp',
    'hr.intranet',
    'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion',
    'site.test',
    'a.b.test',
    'nowhere.invalid',
    'x.alt',
    '1.0.0.127.in-addr.arpa',
    'example.arpa',
    'SITE.TEST.',
    ' site.test ',
    // IPv4: RFC 1918, loopback, this-network, link-local, CGNAT
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '0.1.2.3',
    // IPv4: special-purpose blocks
    '192.0.0.1',
    '192.0.0.255',
    '192.0.2.1',
    '192.88.99.1',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.7',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    // IPv4 spellings read as the URL parser reads them (hex, one number, short forms), or failing closed
    '0x7f.1',
    '2130706433',
    '127.1',
    '999.1.1.1',
    '10.0.0.1..',
    '0.0..',
    // IPv6
    '[::1]',
    '[::]',
    '[fd12:3456::1]',
    '[fc00::1]',
    '[fe80::1]',
    '[febf::1]',
    '[fec0::1]',
    '[feff::1]',
    '[ff02::1]',
    '[ff05::1:3]',
    '[::ffff:192.168.0.1]',
    '[::ffff:c0a8:1]',
    '[::ffff:7f00:1]',
    '[::127.0.0.1]',
    '[64:ff9b::8.8.8.8]',
    '[64:ff9b::808:808]',
    '[64:ff9b:1::1]',
    '[2002:c000:0204::1]',
    '[2002::]',
    '[2001:db8::1]',
    '[2001::1]',
    '[2001:2::1]',
    '[100::1]',
    '[3fff::1]',
    // bare IPv6 (a DoH answer, Firefox's details.ip), zone ids, junk
    '::1',
    'fe80::1%eth0',
    '2002:0808:0808::1',
    '[not-an-ip]',
    '[1::2::3]',
    ':::',
    'FD00::1',
  ])('%s is private', (host) => expect(isPrivateHost(host)).toBe(true));

  it.each([
    'example.com',
    'shop.example',
    'xn--bcher-kva.example',
    'www.github.com',
    'localhost.example.com',
    'test.example.com',
    'onion.example',
    'mytest.com',
    'local.com',
    'arpa.example',
    'alternative.org',
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.15.255.255',
    '172.32.0.1',
    '192.0.1.255',
    '192.0.3.1',
    '192.169.0.1',
    '198.17.255.255',
    '198.20.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.1.1',
    '223.255.255.255',
    '11.0.0.1',
    '126.255.255.255',
    '128.0.0.1',
    '[2606:4700::1111]',
    '[2001:4860:4860::8888]',
    '[2a00:1450:4001::200e]',
    '[2003::1]',
    '[2001:200::1]',
    '[64:ff9c::1]',
    '[2400:cb00::1]',
    '[::ffff:8.8.8.8]',
    '2606:4700::6810:84e5',
    '1.2.3',
    '01.2.3.4',
    '1.1..', // 1.2.0.3, 1.2.3.4 and 1.0.0.1 to the URL parser: where the browser would connect
  ])('%s is public', (host) => expect(isPrivateHost(host)).toBe(false));

  it('every host the URL parser gives for a private address is private', () => {
    for (const raw of [
      'http://0x7f.1/',
      'http://2130706433/',
      'http://127.1/',
      'http://[::ffff:10.0.0.1]/',
      'http://[64:ff9b::7f00:1]/',
      'http://0/',
    ]) {
      const host = webHost(raw)!;
      expect(isPrivateHost(host), `${raw} → ${host}`).toBe(true);
    }
  });

  it('non-strings are private (fail closed)', () => {
    for (const v of [undefined, null, 42, {}]) expect(isPrivateHost(v as unknown as string)).toBe(true);
  });
});

describe('withoutCredentials', () => {
  it.each([
    ['https://user:secret@shop.example/cart?x=1#y', 'https://shop.example/cart?x=1#y'],
    ['https://user@shop.example/', 'https://shop.example/'],
    ['https://:secret@shop.example/', 'https://shop.example/'],
    ['http://a%40b:p%3Aw@shop.example:8080/x', 'http://shop.example:8080/x'],
  ])('%s → %s', (raw, clean) => expect(withoutCredentials(raw)).toBe(clean));

  it.each([
    'https://shop.example/a@b',
    'https://shop.example/?mail=a@b.example',
    'https://shop.example/#@x',
    'not a url @ all',
    '',
    'mailto:a@b.example',
  ])('leaves %s as it is', (raw) => expect(withoutCredentials(raw)).toBe(raw));

  it('the re-probe never sends them', () => {
    expect(reprobeTarget('https://user:secret@shop.example/cart#x', 'GET')).toBe('https://shop.example/cart');
    expect(reprobeTarget('https://user:secret@shop.example/cart', 'POST')).toBe('https://shop.example/');
  });
});

describe('samePage', () => {
  it.each([
    ['https://a.example/x', 'https://a.example/x#y', true],
    ['https://a.example/x', 'https://a.example/x?q', false],
    ['https://a.example/x', 'https://b.example/x', false],
  ])('%s vs %s → %s', (a, b, same) => expect(samePage(a, b)).toBe(same));

  it('a stored incident (credentials stripped, a long URL cut) still matches its page', async () => {
    const withCredentials = 'https://user:pass@shop.example/cart?x=1#top';
    expect(samePage(storedUrl(withCredentials)!, withCredentials)).toBe(true);
    const long = `https://flood.example/${'a'.repeat(20_000)}?q=1#f`;
    expect(storedUrl(long)!.length).toBeLessThan(long.length);
    expect(samePage(storedUrl(long)!, long)).toBe(true);
    expect(samePage(storedUrl(long)!, `https://flood.example/${'a'.repeat(20_000)}?q=2`)).toBe(true); // cut alike: a known limit
    expect(samePage(storedUrl(long)!, 'https://flood.example/')).toBe(false);
  });
});

describe('reprobeTarget', () => {
  it('the failed page itself after a GET or HEAD, without its query or fragment', () => {
    expect(reprobeTarget('https://a.example/checkout?step=2#pay', 'GET')).toBe('https://a.example/checkout');
    expect(reprobeTarget('https://a.example/x', 'HEAD')).toBe('https://a.example/x');
    // A one-time login link that answered 5xx: the probe must not use it up.
    expect(reprobeTarget('https://a.example/login/magic?code=9f8e7d&next=%2F', 'GET')).toBe('https://a.example/login/magic');
    expect(reprobeTarget('https://a.example/x?', 'GET')).toBe('https://a.example/x');
    expect(reprobeTarget('http://127.0.0.1:3000/dev?x=1', 'GET')).toBe('http://127.0.0.1:3000/dev');
  });
  it("a page on the visitor's network: its root only, nothing of the request a public page may have sent it to", () => {
    expect(reprobeTarget('http://192.168.0.1/cgi-bin/apply.cgi?dns=6.6.6.6', 'GET')).toBe('http://192.168.0.1/');
    expect(reprobeTarget('http://router.lan:8080/reboot', 'GET')).toBe('http://router.lan:8080/');
    expect(reprobeTarget('http://[fe80::1]/x?y', 'GET')).toBe('http://[fe80::1]/');
  });
  it('the root after anything else, a form target is never asked again', () => {
    for (const method of ['POST', 'PUT', undefined])
      expect(reprobeTarget('https://a.example/checkout/pay', method)).toBe('https://a.example/');
  });
  it('the root of the given origin when the page is elsewhere; nothing for a non-web URL', () => {
    expect(reprobeTarget('https://b.example/x', 'GET', 'https://a.example')).toBe('https://a.example/');
    expect(reprobeTarget('chrome://settings', 'GET')).toBeUndefined();
  });
});

describe('mayReloadByItself and the hosts it keeps apart', () => {
  it("a page on the visitor's network with a query is never loaded again by itself", () => {
    expect(mayReloadByItself('http://192.168.0.1/cgi-bin/apply.cgi?dns=6.6.6.6')).toBe(false);
    expect(mayReloadByItself('http://router.lan/apply.cgi?x=1')).toBe(false);
    expect(mayReloadByItself('http://0xc0a80001/a?b')).toBe(false);
    expect(mayReloadByItself('chrome://settings')).toBe(false);
  });
  it('public pages (query included, as the visitor reload sends it), this machine, and network pages without a query are', () => {
    expect(mayReloadByItself('https://shop.example/login/magic?code=1')).toBe(true);
    expect(mayReloadByItself('http://127.0.0.1:3000/dev?x=1')).toBe(true);
    expect(mayReloadByItself('http://app.localhost:5173/?x=1')).toBe(true);
    expect(mayReloadByItself('http://[::1]:8080/?x=1')).toBe(true);
    expect(mayReloadByItself('http://192.168.0.1/status')).toBe(true);
  });
  it('isLoopbackHost and onLocalNetwork', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'a.localhost', '127.0.0.1', '127.1.2.3', '0x7f000001', '[::1]', '[0:0:0:0:0:0:0:1]'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['192.168.0.1', '10.0.0.1', '[fd00::1]', 'nas.local', 'intranet', 'shop.example', '93.184.216.34'])
      expect(isLoopbackHost(host), host).toBe(false);
    expect(onLocalNetwork('192.168.0.1')).toBe(true);
    expect(onLocalNetwork('wiki.corp')).toBe(true);
    expect(onLocalNetwork('127.0.0.1')).toBe(false);
    expect(onLocalNetwork('shop.example')).toBe(false);
  });
});

describe("watchedSiteUrl: the page a checked site's watch probes", () => {
  it.each([
    ['127.0.0.1', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080/'],
    ['shop.example', 'shop.example', 'https://shop.example/'],
    ['shop.example', '  http://Shop.example/path  ', 'http://shop.example/'],
    // What was typed names another site (typed again since): the host checked, on https.
    ['shop.example', 'other.example', 'https://shop.example/'],
    ['shop.example', '', 'https://shop.example/'],
  ])('%s checked, %j typed → %s', (host, typed, url) => expect(watchedSiteUrl(host, typed)).toBe(url));

  it('nothing for a host that is not a web host', () => expect(watchedSiteUrl('', 'javascript:alert(1)')).toBeUndefined());
});
