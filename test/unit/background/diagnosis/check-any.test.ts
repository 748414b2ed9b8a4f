import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { checkFromEntryPoint, siteFrom } = await import('../../../../src/background/diagnosis/check-any');
const { siteUrl } = await import('../../../../src/core/net/url');

describe('siteFrom (address bar keyword and context menu)', () => {
  it.each([
    ['example.com', 'example.com'],
    ['  Example.COM  ', 'example.com'],
    ['https://shop.example/account?x=1', 'shop.example'],
    ['https://shop.example:443/', 'shop.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['bücher.example', 'xn--bcher-kva.example'],
    // What the host name alone would lose is kept: a check of https://<host>/ is of another site.
    ['http://user:pw@shop.example:8080/', 'http://shop.example:8080'],
    ['http://intranet/wiki', 'http://intranet'],
    ['http://shop.example:80/', 'http://shop.example'],
    ['https://shop.example:8443/x', 'shop.example:8443'],
    ['127.0.0.1:8080', '127.0.0.1:8080'],
    ['http://[::1]:3000/', 'http://[::1]:3000'],
  ])('%s → %s', (input, site) => expect(siteFrom(input)).toBe(site));

  it.each([
    'https://shop.example/account?x=1',
    'http://user:pw@shop.example:8080/a/b',
    'http://127.0.0.2:39337/page',
    'https://shop.example:8443/x#y',
    'http://intranet/',
  ])('the check of the page or link %s is of its own origin', (url) => {
    expect(siteUrl(siteFrom(url)!)).toBe(`${new URL(url).origin}/`);
  });

  it.each([
    [''],
    ['   '],
    [undefined],
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['not a host'],
    ['x'.repeat(3000)],
    ['ftp://a.example/'],
  ])('%s → nothing', (input) => expect(siteFrom(input)).toBeUndefined());
});

describe('checkFromEntryPoint', () => {
  beforeEach(() => fakeBrowser.reset());

  it('opens the popup page checking the host, and nothing for text that is no host', async () => {
    expect(await checkFromEntryPoint('https://shop.example/cart')).toBe(true);
    expect(await checkFromEntryPoint('javascript:alert(1)')).toBe(false);
    const tabs = await fakeBrowser.tabs.query({});
    const wanted = fakeBrowser.runtime.getURL('src/popup/index.html?check=shop.example');
    expect(tabs.filter((t) => t.url === wanted)).toHaveLength(1);
    expect(tabs.filter((t) => t.url?.includes('check='))).toHaveLength(1);
  });

  it('a page on http and another port opens the check of that page’s site', async () => {
    expect(await checkFromEntryPoint('http://127.0.0.1:8080/status')).toBe(true);
    const tabs = await fakeBrowser.tabs.query({});
    expect(tabs.map((t) => t.url)).toContain(fakeBrowser.runtime.getURL('src/popup/index.html?check=http%3A%2F%2F127.0.0.1%3A8080'));
  });
});
