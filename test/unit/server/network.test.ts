import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientOfAddress, DailyHasher, forwardedAddress, ipv6Groups } from '../../../server/network';
import { RateLimiter } from '../../../server/limiter';

const DAY = 86_400_000;

describe('client networks and blocks', () => {
  it('IPv4 by /24, IPv4-mapped IPv6 alike', () => {
    expect(clientOfAddress('203.0.113.77')).toEqual({ network: 'v4:203.0.113', block: 'v4:203.0.113' });
    expect(clientOfAddress('::ffff:203.0.113.9')).toEqual(clientOfAddress('203.0.113.77'));
    expect(clientOfAddress('::FFFF:cb00:7109')).toEqual(clientOfAddress('203.0.113.77'));
  });
  it('IPv6 by /48 for the network and /64 for the rate-limit block', () => {
    expect(clientOfAddress('2001:db8:1:2:3:4:5:6')).toEqual({ network: 'v6:2001:db8:1', block: 'v6:2001:db8:1:2' });
    expect(clientOfAddress('2001:db8:1::1')).toEqual({ network: 'v6:2001:db8:1', block: 'v6:2001:db8:1:0' });
    expect(clientOfAddress('fe80::1%eth0')?.network).toBe('v6:fe80:0:0');
  });
  it('refuses what is no address', () => {
    for (const bad of ['', '1.2.3', '1.2.3.256', '::1::2', '1:2:3:4:5:6:7:8:9', 'example.com', undefined, null])
      expect(clientOfAddress(bad as string)).toBeNull();
    expect(ipv6Groups('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('believes X-Forwarded-For only from a trusted proxy, and takes its right-most untrusted hop', () => {
    expect(forwardedAddress('10.0.0.1', '198.51.100.7', [])).toBe('10.0.0.1');
    expect(forwardedAddress('10.0.0.1', '198.51.100.7', ['10.0.0.1'])).toBe('198.51.100.7');
    expect(forwardedAddress('::ffff:10.0.0.1', '1.1.1.1, 198.51.100.7, 10.0.0.2', ['10.0.0.1', '10.0.0.2'])).toBe('198.51.100.7');
    expect(forwardedAddress('10.0.0.1', 'junk', ['10.0.0.1'])).toBe('10.0.0.1');
  });
});

describe('daily keyed hashes', () => {
  it('are stable within a day, change with the day and with the secret, and hide the input', async () => {
    const a = new DailyHasher('secret-a');
    const t = Date.UTC(2026, 0, 1, 10);
    const h = await a.hash('v4:203.0.113', t);
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(await a.hash('v4:203.0.113', t + 3_600_000)).toBe(h);
    expect(await a.hash('v4:203.0.113', t + DAY)).not.toBe(h);
    expect(await new DailyHasher('secret-b').hash('v4:203.0.113', t)).not.toBe(h);
    expect(h).not.toContain('203');
  });
  it('are the same from Node’s synchronous HMAC as from WebCrypto, so both engines count one network once', async () => {
    const hmac = (key: Uint8Array, data: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(data).digest());
    const t = Date.UTC(2026, 0, 1, 10);
    for (const [value, at] of [
      ['v4:203.0.113', t],
      ['v6:2001:db8:1', t],
      ['v4:203.0.113', t + DAY],
    ] as const) {
      const sync = new DailyHasher('secret-a', hmac);
      expect(await sync.hash(value, at)).toBe(await new DailyHasher('secret-a').hash(value, at));
    }
    const sync = new DailyHasher('secret-a', hmac);
    expect(await sync.hash('v4:203.0.113', t + DAY)).not.toBe(await sync.hash('v4:203.0.113', t));
  });
});

describe('rate limit', () => {
  it('allows 60 reports in any 60 s, answers the 61st with the seconds to wait', () => {
    const limiter = new RateLimiter(60);
    const t = 1_000_000_000_000 + 59_000; // one second before a minute boundary
    for (let i = 0; i < 60; i += 1) expect(limiter.take('k', t + i * 10)).toBeNull();
    expect(limiter.take('k', t + 2_000)).toBe(58);
    expect(limiter.take('other', t + 2_000)).toBeNull();
    expect(limiter.take('k', t + 60_000)).toBeNull();
  });
  it('is off at 0', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 100; i += 1) expect(limiter.take('k', i)).toBeNull();
  });
});
