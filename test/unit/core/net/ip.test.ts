import { describe, expect, it } from 'vitest';
import { displayIp, isPrivateIp, normalizeIp } from '../../../../src/core/net/ip';

describe('normalizeIp', () => {
  it.each([
    ['93.184.216.34', '93.184.216.34'],
    [' 93.184.216.34 ', '93.184.216.34'],
    ['2606:2800:220:1:248:1893:25c8:1946', '2606:2800:0220:0001:0248:1893:25c8:1946'],
    ['[2606:4700::6810:84E5]', '2606:4700:0000:0000:0000:0000:6810:84e5'],
    ['2606:4700:0:0:0:0:6810:84e5', '2606:4700:0000:0000:0000:0000:6810:84e5'],
    ['::1', '0000:0000:0000:0000:0000:0000:0000:0001'],
    ['::', '0000:0000:0000:0000:0000:0000:0000:0000'],
    ['fe80::1%eth0', 'fe80:0000:0000:0000:0000:0000:0000:0001'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::ffff:102:304', '1.2.3.4'],
    ['64:ff9b::1.2.3.4', '0064:ff9b:0000:0000:0000:0000:0102:0304'],
  ])('%s → %s', (raw, normal) => expect(normalizeIp(raw)).toBe(normal));

  it.each([
    '',
    'example.com',
    '256.1.1.1',
    '1.2.3',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    ':::',
    'g::1',
    '1:2:3:4:5:6:7::8:9',
    42,
    null,
    'x'.repeat(100),
  ])('refuses %s', (raw) => expect(normalizeIp(raw)).toBeUndefined());

  it('display form is short', () => {
    expect(displayIp(normalizeIp('2606:4700:0:0:0:0:6810:84e5')!)).toBe('2606:4700::6810:84e5');
    expect(displayIp(normalizeIp('::1')!)).toBe('::1');
    expect(displayIp(normalizeIp('1:0:2:0:3:0:4:5')!)).toBe('1:0:2:0:3:0:4:5');
    expect(displayIp('1.2.3.4')).toBe('1.2.3.4');
  });

  it('knows private addresses in any spelling', () => {
    for (const ip of ['10.1.2.3', '127.0.0.1', '0.0.0.0', '192.168.1.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(isPrivateIp(normalizeIp(ip)!), ip).toBe(true);
      expect(isPrivateIp(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '2606:4700::6810:84e5', '8.8.8.8']) expect(isPrivateIp(normalizeIp(ip)!), ip).toBe(false);
  });

  // Each block's first and last address, and its neighbours just outside (public unless another block holds them).
  it.each([
    ['0.0.0.0', true],
    ['0.255.255.255', true],
    ['1.0.0.0', false],
    ['100.63.255.255', false],
    ['100.64.0.0', true],
    ['100.127.255.255', true],
    ['100.128.0.0', false],
    ['172.15.255.255', false],
    ['172.16.0.0', true],
    ['172.31.255.255', true],
    ['172.32.0.0', false],
    ['191.255.255.255', false],
    ['192.0.0.0', true],
    ['192.0.0.255', true],
    ['192.0.1.0', false],
    ['198.17.255.255', false],
    ['198.18.0.0', true],
    ['198.19.255.255', true],
    ['198.20.0.0', false],
    ['223.255.255.255', false],
    ['224.0.0.0', true],
    ['239.255.255.255', true],
    ['240.0.0.0', true],
    ['255.255.255.255', true],
    ['64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['64:ff9b::', true],
    ['64:ff9b::ffff:ffff', true],
    ['64:ff9b:0:0:0:1::', false],
    ['64:ff9b:1::', true],
    ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', true],
    ['64:ff9b:2::', false],
    ['2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:200::', false],
    ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['2001:db8::', true],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db9::', false],
    ['2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['2002::', true],
    ['2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['2003::', false],
    ['3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['3fff::', true],
    ['3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['3fff:1000::', false],
    ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['fc00::', true],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['fe00::', false],
    ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['fe80::', true],
    ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['fec0::', true],
    ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['ff00::', true],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['::2', true],
    ['::ffff:ffff', true],
    ['0:0:0:0:0:1::', false],
    ['100::', true],
    ['100::ffff:ffff:ffff:ffff', true],
    ['100:0:0:1::', false],
  ])('%s → private: %s', (ip, isPrivate) => expect(isPrivateIp(ip)).toBe(isPrivate));

  it('anything that is not an address is private (fail closed)', () => {
    for (const raw of ['', 'example.com', '256.1.1.1', '1::2::3', 'x'.repeat(100)]) expect(isPrivateIp(raw), raw).toBe(true);
  });
});
