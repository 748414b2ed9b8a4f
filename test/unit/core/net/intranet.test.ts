// Split-horizon names: what public DNS says of a name, and when the outside checks keep it inside.
import { describe, expect, it } from 'vitest';
import { failedOnDns, nameStaysInside, publicDnsVerdict } from '../../../../src/core/net/intranet';
import type { DnsOutcome, Evidence } from '../../../../src/model/evidence';

const dns = (consensus: DnsOutcome['consensus'], addresses: string[][]): Evidence => ({
  check: 'dns',
  outcome: {
    kind: 'answers',
    consensus,
    answers: addresses.map((a, i) => ({ resolver: `r${i}`, rcode: consensus === 'nxdomain' ? 'nxdomain' : 'noerror', addresses: a })),
    unanswered: [],
  },
  summary: { key: 'x' },
  ms: 1,
});

describe('publicDnsVerdict', () => {
  it('unknown to public DNS, or known only with private addresses: private', () => {
    expect(publicDnsVerdict(dns('nxdomain', [[], []]))).toBe('private');
    expect(publicDnsVerdict(dns('no-address', [[]]))).toBe('private');
    expect(publicDnsVerdict(dns('resolves', [['10.0.0.5'], ['10.0.0.5']]))).toBe('private');
    expect(publicDnsVerdict(dns('resolves', [['93.184.216.34', '192.168.1.2']]))).toBe('private');
    expect(publicDnsVerdict(dns('inconsistent', [['fd00::1'], []]))).toBe('private');
  });

  it('public addresses only: public; SERVFAIL or no DNS evidence: unknown', () => {
    expect(publicDnsVerdict(dns('resolves', [['93.184.216.34'], ['2606:2800:220:1:248:1893:25c8:1946']]))).toBe('public');
    expect(publicDnsVerdict(dns('inconsistent', [['93.184.216.34'], []]))).toBe('public');
    expect(publicDnsVerdict(dns('servfail', [[], []]))).toBe('unknown');
    expect(publicDnsVerdict(undefined)).toBe('unknown');
    expect(publicDnsVerdict({ check: 'dns', outcome: { kind: 'none', reason: 'timeout' }, summary: { key: 'x' }, ms: 1 })).toBe('unknown');
  });
});

describe('nameStaysInside', () => {
  it('private stays inside; after a DNS failure only a public verdict lets the name out', () => {
    const dnsFailure = { netError: 'dns' as const };
    expect(failedOnDns(dnsFailure)).toBe(true);
    expect(failedOnDns({ netError: 'refused' })).toBe(false);
    expect(failedOnDns(undefined)).toBe(false);
    expect(nameStaysInside('private', undefined)).toBe(true);
    expect(nameStaysInside('unknown', undefined)).toBe(false);
    expect(nameStaysInside('public', undefined)).toBe(false);
    expect(nameStaysInside('unknown', dnsFailure)).toBe(true);
    expect(nameStaysInside('private', dnsFailure)).toBe(true);
    expect(nameStaysInside('public', dnsFailure)).toBe(false);
  });
});
