import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { checkFromEntryPoint, hostFrom } = await import('../../../src/background/check-any');

describe('hostFrom (address bar keyword and context menu)', () => {
  it.each([
    ['example.com', 'example.com'],
    ['  Example.COM  ', 'example.com'],
    ['https://shop.example/account?x=1', 'shop.example'],
    ['http://user:pw@shop.example:8080/', 'shop.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['bücher.example', 'xn--bcher-kva.example'],
  ])('%s → %s', (input, host) => expect(hostFrom(input)).toBe(host));

  it.each([
    [''],
    ['   '],
    [undefined],
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['not a host'],
    ['x'.repeat(3000)],
    ['ftp://a.example/'],
  ])('%s → nothing', (input) => expect(hostFrom(input)).toBeUndefined());
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
});
