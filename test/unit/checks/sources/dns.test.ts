import { describe, expect, it } from 'vitest';
import { dnsCheck, dnsConsensus, parseDohAnswer } from '../../../../src/checks/sources/dns';
import { DEFAULT_ENDPOINTS } from '../../../../src/checks/kit/endpoints';
import { RateLimiter } from '../../../../src/checks/kit/limits';
import { contextFor, expectOnlyHostSent, LATE_MS, never, timed, useOutsideServices } from '../helpers';

const services = useOutsideServices();

const PUBLIC_V4 = '93.184.216.34';

describe('DNS over HTTPS', () => {
  it('asks Cloudflare and Google for A and AAAA of the hostname only', async () => {
    const evidence = await dnsCheck.run(contextFor(services, { browserIp: PUBLIC_V4 }), never());
    expect(evidence).toMatchObject({
      check: 'dns',
      outcome: { kind: 'answers', consensus: 'resolves', browserIp: PUBLIC_V4, browserIpMatches: true, unanswered: [] },
      summary: { key: 'check_dns_resolves', subs: [`${PUBLIC_V4}, 2606:2800:220:1:248:1893:25c8:1946`] },
    });
    const asked = services.log.map((r) => `${r.service} ${r.query.name} ${r.query.type}`).sort();
    expect(asked).toEqual([
      'doh-cloudflare shop.example A',
      'doh-cloudflare shop.example AAAA',
      'doh-google shop.example A',
      'doh-google shop.example AAAA',
    ]);
    expect(services.requests('doh-cloudflare').every((r) => r.accept === 'application/dns-json')).toBe(true);
    expectOnlyHostSent(services);
    expect(dnsCheck.needsConsent).toBe(true);
    expect(DEFAULT_ENDPOINTS.doh.map((r) => r.url)).toEqual(['https://cloudflare-dns.com/dns-query', 'https://dns.google/resolve']);
  });

  it('compares IPv6 addresses as values (the incident ip is the default)', async () => {
    const incident = { ip: '2606:2800:220:1:248:1893:25C8:1946' } as never;
    const evidence = await dnsCheck.run(contextFor(services, { incident }), never());
    expect(evidence.outcome).toMatchObject({ browserIpMatches: true });
  });

  it('follows a CNAME to the addresses', async () => {
    services.setBehaviour({ doh: { cname: 'shop.cdn.example.', a: ['203.0.113.7'], aaaa: [] } });
    const evidence = await dnsCheck.run(contextFor(services, { browserIp: '203.0.113.7' }), never());
    expect(evidence.outcome).toMatchObject({ consensus: 'resolves', browserIpMatches: true });
  });

  it('spots an address no public resolver gives (stale or hijacked DNS)', async () => {
    const evidence = await dnsCheck.run(contextFor(services, { browserIp: '10.66.0.1' }), never());
    expect(evidence).toMatchObject({ outcome: { browserIpMatches: false }, summary: { key: 'check_dns_mismatch', subs: ['10.66.0.1'] } });
  });

  it.each([
    ['NXDOMAIN', 'nxdomain', 'check_dns_nxdomain'],
    ['SERVFAIL', 'servfail', 'check_dns_servfail'],
    ['REFUSED', 'servfail', 'check_dns_servfail'],
  ] as const)('%s from both resolvers → %s', async (rcode, consensus, key) => {
    services.setBehaviour({ doh: { rcode } });
    const evidence = await dnsCheck.run(contextFor(services, { browserIp: PUBLIC_V4 }), never());
    expect(evidence).toMatchObject({ outcome: { consensus }, summary: { key } });
    expect(evidence.outcome).not.toHaveProperty('browserIpMatches');
  });

  it('resolvers that disagree are inconsistent', async () => {
    services.setBehaviour({ cloudflareDns: { rcode: 'SERVFAIL' } });
    const evidence = await dnsCheck.run(contextFor(services), never());
    expect(evidence).toMatchObject({ outcome: { consensus: 'inconsistent' }, summary: { key: 'check_dns_inconsistent' } });
  });

  it('a name without addresses', async () => {
    services.setBehaviour({ doh: { a: [], aaaa: [] } });
    expect((await dnsCheck.run(contextFor(services), never())).outcome).toMatchObject({ consensus: 'no-address' });
  });

  it('one broken resolver does not spoil the other', async () => {
    services.setBehaviour({ cloudflareDns: { fault: 'malformed' } });
    const evidence = await dnsCheck.run(contextFor(services), never());
    expect(evidence.outcome).toMatchObject({
      consensus: 'resolves',
      answers: [{ resolver: 'Google' }],
      unanswered: [{ resolver: 'Cloudflare', reason: 'malformed' }],
    });
  });

  it.each([
    ['malformed', 'malformed'],
    ['wrong-shape', 'malformed'],
    ['huge', 'too-large'],
    ['http-500', 'http-error'],
    ['rate-limited', 'rate-limited'],
  ] as const)('a %s answer from both is no evidence (%s)', async (fault, reason) => {
    services.setBehaviour({ doh: { fault } });
    expect((await dnsCheck.run(contextFor(services), never())).outcome).toMatchObject({ kind: 'none', reason });
  });

  it('resolvers that never answer end at the deadline', async () => {
    services.setBehaviour({ doh: { fault: 'hang' } });
    const { value, ms } = await timed(dnsCheck.run(contextFor(services, { deadlineAt: Date.now() + 300 }), never()));
    expect(value.outcome).toEqual({ kind: 'none', reason: 'timeout' });
    expect(ms).toBeLessThan(300 + LATE_MS); // at the deadline: the resolvers never answer
  });

  it('a rate-limited resolver is not asked again', async () => {
    let now = 0;
    const limiter = new RateLimiter({ now: () => now });
    services.setBehaviour({ doh: { fault: 'rate-limited' } });
    await dnsCheck.run(contextFor(services, { limiter, now: () => now }), never());
    expect(services.log).toHaveLength(4);
    services.setBehaviour();
    const again = await dnsCheck.run(contextFor(services, { limiter, now: () => now }), never());
    expect(again.outcome).toMatchObject({ kind: 'none', reason: 'rate-limited', retryAt: 30_000 });
    expect(services.log).toHaveLength(4);
    now = 30_000;
    expect((await dnsCheck.run(contextFor(services, { limiter, now: () => now }), never())).outcome.kind).toBe('answers');
  });

  describe("the browser's own resolver (Firefox dns.resolve)", () => {
    it('agreeing', async () => {
      const evidence = await dnsCheck.run(contextFor(services, { resolveDns: async () => [PUBLIC_V4] }), never());
      expect(evidence).toMatchObject({ outcome: { local: { kind: 'addresses', matches: true } }, summary: { key: 'check_dns_resolves' } });
    });

    it('giving addresses no public resolver gives', async () => {
      const evidence = await dnsCheck.run(contextFor(services, { resolveDns: async () => ['0.0.0.0'] }), never());
      expect(evidence).toMatchObject({
        outcome: { local: { kind: 'addresses', addresses: ['0.0.0.0'], matches: false } },
        summary: { key: 'check_dns_local_mismatch', subs: ['0.0.0.0'] },
      });
    });

    it('failing where public resolvers succeed', async () => {
      const resolveDns = async () => {
        throw new Error('NS_ERROR_UNKNOWN_HOST');
      };
      const evidence = await dnsCheck.run(contextFor(services, { resolveDns }), never());
      expect(evidence).toMatchObject({ outcome: { local: { kind: 'failed' } }, summary: { key: 'check_dns_local_fails' } });
    });

    it('not asked when the page came through a proxy: the proxy looked the name up, not the browser', async () => {
      let asked = 0;
      const resolveDns = async () => {
        asked += 1;
        throw new Error('NS_ERROR_UNKNOWN_HOST');
      };
      const incident = { proxied: true } as never;
      const evidence = await dnsCheck.run(contextFor(services, { resolveDns, incident }), never());
      expect(evidence).toMatchObject({ outcome: { consensus: 'resolves' }, summary: { key: 'check_dns_resolves' } });
      expect(evidence.outcome).not.toHaveProperty('local');
      expect(asked).toBe(0);
    });

    it('hanging is ignored at the deadline', async () => {
      // The public resolvers must answer before the deadline even on a loaded machine: 800 ms.
      const { value, ms } = await timed(
        dnsCheck.run(contextFor(services, { deadlineAt: Date.now() + 800, resolveDns: () => new Promise(() => undefined) }), never()),
      );
      expect(value.outcome).toMatchObject({ consensus: 'resolves' });
      expect(value.outcome).not.toHaveProperty('local');
      expect(ms).toBeLessThan(800 + LATE_MS); // at the deadline: the browser's resolver never answers
    });
  });

  it('never asks about private hosts or IP literals', async () => {
    for (const host of ['localhost', 'nas.local', 'intranet', '192.168.1.10', '[fd00::1]', 'printer.home.arpa']) {
      const evidence = await dnsCheck.run(contextFor(services, { host, origin: `http://${host}` }), never());
      expect(evidence.outcome, host).toEqual({ kind: 'none', reason: 'private-host' });
    }
    expect((await dnsCheck.run(contextFor(services, { host: '93.184.216.34', origin: 'http://93.184.216.34' }), never())).outcome).toEqual({
      kind: 'none',
      reason: 'not-applicable',
    });
    expect(services.log).toHaveLength(0);
  });
});

describe('DoH parsing', () => {
  it('keeps only address records of the asked type', () => {
    const answer = {
      Status: 0,
      Answer: [
        { name: 'a.', type: 5, TTL: 1, data: 'b.' },
        { name: 'b.', type: 1, TTL: 1, data: '1.2.3.4' },
        { name: 'b.', type: 1, TTL: 1, data: 'not an ip' },
        { name: 'b.', type: 28, TTL: 1, data: '::1' },
        'garbage',
      ],
    };
    expect(parseDohAnswer(answer, 'A')).toEqual({ rcode: 'noerror', addresses: ['1.2.3.4'] });
    expect(parseDohAnswer(answer, 'AAAA')).toEqual({ rcode: 'noerror', addresses: ['0000:0000:0000:0000:0000:0000:0000:0001'] });
    expect(parseDohAnswer({ Status: 3 }, 'A')).toEqual({ rcode: 'nxdomain', addresses: [] });
    for (const bad of [null, [], {}, { Status: '0' }, { Status: -1 }, { Status: 0, Answer: 'x' }])
      expect(parseDohAnswer(bad, 'A')).toBeUndefined();
  });

  it('consensus', () => {
    const r = (rcode: 'noerror' | 'nxdomain' | 'servfail', addresses: string[] = []) => ({ resolver: 'x', rcode, addresses });
    expect(dnsConsensus([r('noerror', ['1.2.3.4']), r('noerror')])).toBe('resolves');
    expect(dnsConsensus([r('nxdomain'), r('nxdomain')])).toBe('nxdomain');
    expect(dnsConsensus([r('nxdomain'), r('servfail')])).toBe('servfail');
    expect(dnsConsensus([r('noerror', ['1.2.3.4']), r('nxdomain')])).toBe('inconsistent');
  });
});
