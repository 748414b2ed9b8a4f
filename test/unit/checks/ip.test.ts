import { describe, expect, it } from 'vitest';
import { displayIp, isPrivateIp, normalizeIp } from '../../../src/checks/ip';

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

  it.each(['', 'example.com', '256.1.1.1', '1.2.3', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ':::', 'g::1', '1:2:3:4:5:6:7::8:9', 42, null, 'x'.repeat(100)])(
    'refuses %s',
    (raw) => expect(normalizeIp(raw)).toBeUndefined(),
  );

  it('display form is short', () => {
    expect(displayIp(normalizeIp('2606:4700:0:0:0:0:6810:84e5')!)).toBe('2606:4700::6810:84e5');
    expect(displayIp(normalizeIp('::1')!)).toBe('::1');
    expect(displayIp(normalizeIp('1:0:2:0:3:0:4:5')!)).toBe('1:0:2:0:3:0:4:5');
    expect(displayIp('1.2.3.4')).toBe('1.2.3.4');
  });

  it('knows private addresses in any spelling', () => {
    for (const ip of ['10.1.2.3', '127.0.0.1', '0.0.0.0', '192.168.1.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(isPrivateIp(normalizeIp(ip)!), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '2606:4700::6810:84e5', '8.8.8.8']) expect(isPrivateIp(normalizeIp(ip)!), ip).toBe(false);
  });
});
