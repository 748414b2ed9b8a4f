import { describe, expect, it } from 'vitest';
import { describeUrl, isPrivateHost, reprobeTarget, samePage, webHost } from '../../../src/core/url';

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

  it.each([undefined, null, 42, {}])('non-string %s is invalid', (raw) => expect(describeUrl(raw)).toEqual({ ok: false, reason: 'invalid' }));

  it('webHost is the host for web pages only', () => {
    expect(webHost('https://a.example/x?token=secret')).toBe('a.example');
    expect(webHost('file:///x')).toBeUndefined();
    expect(webHost('%%')).toBeUndefined();
  });
});

describe('isPrivateHost: names that must never leave the browser', () => {
  it.each([
    'localhost', 'LOCALHOST', 'intranet', 'printer.local', 'db.internal', 'app.localhost', 'nas.home.arpa', 'router.lan',
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.1.1', '100.64.0.1', '0.0.0.0',
    '[::1]', '[fd12:3456::1]', '[fe80::1]', '[::ffff:192.168.0.1]', '', 'localhost.',
  ])('%s is private', (host) => expect(isPrivateHost(host)).toBe(true));

  it.each(['example.com', 'shop.example', 'xn--bcher-kva.example', '8.8.8.8', '172.32.0.1', '203.0.113.7', '[2001:db8::1]', '[2606:4700::1111]'])(
    '%s is public',
    (host) => expect(isPrivateHost(host)).toBe(false),
  );
});

describe('samePage', () => {
  it.each([
    ['https://a.example/x', 'https://a.example/x#y', true],
    ['https://a.example/x', 'https://a.example/x?q', false],
    ['https://a.example/x', 'https://b.example/x', false],
  ])('%s vs %s → %s', (a, b, same) => expect(samePage(a, b)).toBe(same));

  it('a stored incident (credentials stripped, a long URL cut) still matches its page', async () => {
    const { storedUrl } = await import('../../../src/core/stored');
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
  it('the failed page itself after a GET or HEAD, without its fragment', () => {
    expect(reprobeTarget('https://a.example/checkout?step=2#pay', 'GET')).toBe('https://a.example/checkout?step=2');
    expect(reprobeTarget('https://a.example/x', 'HEAD')).toBe('https://a.example/x');
  });
  it('the root after anything else, a form target is never asked again', () => {
    for (const method of ['POST', 'PUT', undefined]) expect(reprobeTarget('https://a.example/checkout/pay', method)).toBe('https://a.example/');
  });
  it('the root of the given origin when the page is elsewhere; nothing for a non-web URL', () => {
    expect(reprobeTarget('https://b.example/x', 'GET', 'https://a.example')).toBe('https://a.example/');
    expect(reprobeTarget('chrome://settings', 'GET')).toBeUndefined();
  });
});
