import { describe, expect, it } from 'vitest';
import type {
  Evidence,
  GatewayOutcome,
  NoEvidenceReason,
  ResolverAnswer,
  StatusIndicator,
  VantageNode,
} from '../../../../src/model/evidence';
import { readStatus, verdict } from '../../../../src/core/diagnosis/verdict';
import { VERDICT_KINDS, type Confidence, type VerdictKind } from '../../../../src/model/verdict';

// ── evidence builders (summaries carry a recognisable key so reasons can be asserted) ─────────
const probe = (status: number): Evidence => ({
  check: 'reprobe',
  outcome: { kind: 'answered', status, redirected: false },
  summary: { key: `probe_${status}` },
  ms: 100,
});
const probeDead = (error: 'network' | 'timeout' = 'network'): Evidence => ({
  check: 'reprobe',
  outcome: { kind: 'unreachable', error },
  summary: { key: `probe_${error}` },
  ms: 100,
});
const online: Evidence = {
  check: 'connectivity',
  outcome: { kind: 'online', via: 'www.gstatic.com' },
  summary: { key: 'conn_online' },
  ms: 20,
};
const offline: Evidence = { check: 'connectivity', outcome: { kind: 'offline', tried: 2 }, summary: { key: 'conn_offline' }, ms: 20 };
const captive: Evidence = {
  check: 'connectivity',
  outcome: { kind: 'intercepted', via: 'www.gstatic.com', status: 200 },
  summary: { key: 'conn_captive' },
  ms: 20,
};
const gateway = (outcome: Omit<GatewayOutcome, 'kind'>, key: string): Evidence => ({
  check: 'gateway',
  outcome: { kind: 'link', ...outcome },
  summary: { key },
  ms: 0,
});
const cf522 = gateway({ failed: 'gateway-to-origin', siteAnswered: true, status: 522, platform: 'Cloudflare' }, 'fault_cf_522');
const cf530 = gateway({ failed: 'origin-dns', siteAnswered: true, status: 530, platform: 'Cloudflare' }, 'fault_cf_530');
const origin500 = gateway({ failed: 'origin', siteAnswered: true, status: 500 }, 'fault_generic_500');
const netDns = gateway({ failed: 'name-lookup', siteAnswered: false, netError: 'dns' }, 'fault_net_dns');
const netOffline = gateway({ failed: 'your-connection', siteAnswered: false, netError: 'offline' }, 'fault_net_offline');
const netRefused = gateway({ failed: 'refused', siteAnswered: false, netError: 'refused' }, 'fault_net_refused');
const netTimeout = gateway({ failed: 'path', siteAnswered: false, netError: 'timed-out' }, 'fault_net_timed_out');
const answer = (resolver: string, rcode: ResolverAnswer['rcode'], addresses: string[] = []): ResolverAnswer => ({
  resolver,
  rcode,
  addresses,
});
const dns = (answers: ResolverAnswer[], extra: Record<string, unknown> = {}, key = 'dns'): Evidence => {
  const resolving = answers.filter((a) => a.rcode === 'noerror');
  const consensus =
    resolving.length && resolving.length < answers.length
      ? 'inconsistent'
      : resolving.length
        ? 'resolves'
        : answers.every((a) => a.rcode === 'nxdomain')
          ? 'nxdomain'
          : 'servfail';
  return { check: 'dns', outcome: { kind: 'answers', consensus, answers, unanswered: [], ...extra }, summary: { key }, ms: 30 };
};
const dnsOk = dns(
  [answer('Cloudflare', 'noerror', ['1.2.3.4']), answer('Google', 'noerror', ['1.2.3.4'])],
  { browserIp: '1.2.3.4', browserIpMatches: true },
  'dns_ok',
);
const dnsMismatch = dns(
  [answer('Cloudflare', 'noerror', ['1.2.3.4']), answer('Google', 'noerror', ['1.2.3.4'])],
  { browserIp: '10.9.9.9', browserIpMatches: false },
  'dns_mismatch',
);
const dnsLocalFails = dns([answer('Cloudflare', 'noerror', ['1.2.3.4'])], { local: { kind: 'failed' } }, 'dns_local_fails');
const dnsLocalOther = dns(
  [answer('Cloudflare', 'noerror', ['1.2.3.4'])],
  { local: { kind: 'addresses', addresses: ['0.0.0.0'], matches: false } },
  'dns_local_other',
);
const nx2 = dns([answer('Cloudflare', 'nxdomain'), answer('Google', 'nxdomain')], {}, 'dns_nxdomain');
const nx1 = dns([answer('Google', 'nxdomain')], {}, 'dns_nxdomain');
const servfail2 = dns([answer('Cloudflare', 'servfail'), answer('Google', 'servfail')], {}, 'dns_servfail');
const dnsSplit = dns([answer('Cloudflare', 'servfail'), answer('Google', 'noerror', ['1.2.3.4'])], {}, 'dns_split');
const vantage = (up: number, down: number): Evidence => {
  const nodes: VantageNode[] = [
    ...Array.from({ length: up }, (_, i) => ({ source: 'check-host', location: `Up ${i}`, state: 'up' as const, status: 200 })),
    ...Array.from({ length: down }, (_, i) => ({ source: 'globalping', location: `Down ${i}`, state: 'unreachable' as const })),
  ];
  return {
    check: 'vantage',
    outcome: { kind: 'observed', nodes, up, down, sources: [] },
    summary: { key: `vantage_${up}_${down}` },
    ms: 6_000,
  };
};
const status = (indicator: StatusIndicator): Evidence => ({
  check: 'status-page',
  outcome: {
    kind: 'reported',
    page: 'status.shop.example',
    pageUrl: 'https://status.shop.example',
    found: 'discovered',
    indicator,
    description: '',
  },
  summary: { key: `status_${indicator}` },
  ms: 50,
});
const archived: Evidence = { check: 'archive', outcome: { kind: 'not-archived' }, summary: { key: 'archive' }, ms: 50 };
const none = (check: Evidence['check'], reason: NoEvidenceReason): Evidence =>
  ({ check, outcome: { kind: 'none', reason }, summary: { key: `none_${reason}` }, ms: 0 }) as Evidence;

type Row = [name: string, evidence: Evidence[], kind: VerdictKind, confidence: Confidence, firstReasons?: string[]];

const TABLE: Row[] = [
  // ── the examples ──
  [
    'your probe fails, vantage all up → just you',
    [netTimeout, probeDead(), online, vantage(3, 0)],
    'just-you-connection',
    'high',
    ['vantage_3_0', 'probe_network'],
  ],
  [
    'DoH NXDOMAIN from both → the site’s DNS is down for everyone',
    [netDns, probeDead(), nx2],
    'down-for-everyone',
    'high',
    ['dns_nxdomain'],
  ],
  [
    'DoH gives another address than the browser used, vantage up → your DNS',
    [netTimeout, probeDead(), dnsMismatch, vantage(3, 0)],
    'just-you-dns',
    'high',
    ['dns_mismatch', 'vantage_3_0'],
  ],
  [
    'offline → your connection, whatever else',
    [offline, probeDead(), nx2, vantage(0, 3), status('major'), cf522],
    'just-you-connection',
    'high',
    ['conn_offline'],
  ],
  [
    '“offline” but the re-probe just reached the site’s gateway → the test endpoints are blocked, not you',
    [offline, probe(522), cf522],
    'down-for-everyone',
    'medium',
  ],
  [
    'Cloudflare 522 + vantage down → down for everyone, high',
    [cf522, vantage(0, 3)],
    'down-for-everyone',
    'high',
    ['vantage_0_3', 'fault_cf_522'],
  ],

  // ── every verdict ──
  ['back up: the re-probe succeeds', [cf522, probe(200)], 'back-up', 'high', ['probe_200']],
  ['back up on a 404 too (the server answers)', [origin500, probe(404)], 'back-up', 'high'],
  ['blocked for you: 403 while outside sees it up', [probe(403), vantage(4, 0)], 'blocked-for-you', 'high', ['probe_403', 'vantage_4_0']],
  ['blocked for you: 429 alone is a rate limit on you', [probe(429)], 'blocked-for-you', 'medium'],
  ['blocked for you: 403 alone is only a hint', [probe(403)], 'blocked-for-you', 'low'],
  ['partly down: some vantage points fail', [cf522, probe(522), vantage(3, 2)], 'partly-down', 'medium', ['vantage_3_2']],
  ['partly down: one odd node out of many is only a hint', [vantage(5, 1)], 'partly-down', 'low'],
  ['partly down: errors for you while the world gets through', [cf522, probe(522), vantage(4, 0)], 'partly-down', 'medium'],
  ['your DNS: your lookup failed, public resolvers resolve', [netDns, probeDead(), dnsOk], 'just-you-dns', 'medium', ['dns_ok']],
  ['your DNS: Firefox’s resolver fails where public ones succeed', [netTimeout, probeDead(), dnsLocalFails], 'just-you-dns', 'medium'],
  ['your DNS: your resolver gives an address nobody else gives', [netTimeout, probeDead(), dnsLocalOther], 'just-you-dns', 'low'],
  ['your connection: captive portal', [captive, probe(200)], 'just-you-connection', 'medium', ['conn_captive']],
  ['your connection: the browser itself said offline', [netOffline], 'just-you-connection', 'medium'],
  ['down for everyone: vantage all down, probe still failing', [netTimeout, probeDead(), vantage(0, 4)], 'down-for-everyone', 'high'],
  ['down for everyone: one vantage node down only', [vantage(0, 1)], 'down-for-everyone', 'low'],
  ['down for everyone: SERVFAIL everywhere', [netDns, servfail2], 'down-for-everyone', 'medium'],
  [
    'down for everyone: status page says major outage and you see it',
    [origin500, probe(500), status('major')],
    'down-for-everyone',
    'high',
    ['status_major'],
  ],
  ['down for everyone: status page alone', [status('critical')], 'down-for-everyone', 'medium'],
  [
    'down for everyone: gateway says the origin failed (no outside view)',
    [cf522, probe(522)],
    'down-for-everyone',
    'medium',
    ['fault_cf_522', 'probe_522'],
  ],
  ['down for everyone: Cloudflare cannot resolve the origin', [cf530], 'down-for-everyone', 'medium'],
  ['down for everyone: a plain 500, once', [origin500], 'down-for-everyone', 'low'],
  ['down for everyone: maintenance announced', [origin500, status('maintenance')], 'down-for-everyone', 'medium'],
  ['down for everyone: connection refused (nothing listens)', [netRefused, probeDead()], 'down-for-everyone', 'low'],
  ['partly down: status page reports a minor problem', [status('minor')], 'partly-down', 'low'],
  ['partly down: public resolvers disagree', [netTimeout, dnsSplit], 'partly-down', 'low'],
  ["can't tell: nothing at all", [], 'cant-tell', 'low'],
  [
    "can't tell: only no-evidence",
    [none('vantage', 'timeout'), none('dns', 'not-consented'), none('reprobe', 'aborted')],
    'cant-tell',
    'low',
  ],
  [
    "can't tell: timeout to the site, online, no outside view",
    [netTimeout, probeDead('timeout'), online, archived],
    'cant-tell',
    'low',
    ['probe_timeout', 'fault_net_timed_out', 'conn_online'],
  ],

  // ── conflicting evidence ──
  ['re-probe works although vantage sees it down → back up, medium', [probe(200), vantage(0, 3)], 'back-up', 'medium'],
  ['re-probe works although “offline” (test endpoints blocked) → back up, medium', [probe(200), offline], 'back-up', 'medium'],
  ['403 to you, vantage all down → down for everyone', [probe(403), vantage(0, 3)], 'down-for-everyone', 'medium'],
  ['403 to you, vantage mostly up → blocked for you', [probe(403), vantage(3, 1)], 'blocked-for-you', 'high'],
  ['NXDOMAIN from one resolver only → medium', [nx1], 'down-for-everyone', 'medium'],
  ['NXDOMAIN but vantage reaches it (their caches) → low', [netDns, nx2, vantage(3, 0)], 'down-for-everyone', 'low'],
  ['SERVFAIL confirmed by vantage down → high', [servfail2, vantage(0, 3)], 'down-for-everyone', 'high'],
  ['address mismatch but a CDN answered you 522 (geo-DNS) → not your DNS', [cf522, probe(522), dnsMismatch], 'down-for-everyone', 'medium'],
  [
    'address mismatch, vantage all down → down for everyone',
    [netTimeout, probeDead(), dnsMismatch, vantage(0, 3)],
    'down-for-everyone',
    'high',
  ],
  ['address mismatch without outside view, unreachable → your DNS, low', [netTimeout, probeDead(), dnsMismatch], 'just-you-dns', 'low'],
  [
    'status page says all fine, vantage all down → down for everyone',
    [probeDead(), status('none'), vantage(0, 3)],
    'down-for-everyone',
    'high',
  ],
  [
    'status page says major, vantage all up, you fail → just you',
    [netTimeout, probeDead(), status('major'), vantage(3, 0)],
    'just-you-connection',
    'high',
  ],
  ['vantage up but nothing failing here → can’t tell', [vantage(3, 0)], 'cant-tell', 'low'],
  ['later evidence of the same check wins', [probeDead(), probe(200)], 'back-up', 'high'],
];

describe('verdict', () => {
  it.each(TABLE)('%s', (_, evidence, kind, confidence, firstReasons) => {
    const v = verdict(evidence);
    expect({ kind: v.kind, confidence: v.confidence }).toEqual({ kind, confidence });
    if (firstReasons) expect(v.reasons.slice(0, firstReasons.length).map((r) => r.key)).toEqual(firstReasons);
  });

  it('covers every verdict kind', () => {
    const seen = new Set(TABLE.map((row) => row[2]));
    expect([...seen].sort()).toEqual([...VERDICT_KINDS].sort());
  });

  it('gives only evidence lines as reasons, never no-evidence lines', () => {
    const v = verdict([cf522, none('vantage', 'rate-limited'), vantage(0, 2)]);
    expect(v.reasons.map((r) => r.key)).toEqual(['vantage_0_2', 'fault_cf_522']);
  });

  it('is total: garbage in, an answer out', () => {
    for (const junk of [
      null,
      undefined,
      'x',
      {},
      [null],
      [{ check: 'dns' }],
      [{ check: 'vantage', outcome: { kind: 'observed', nodes: [] } }],
      [{ check: 'vantage', outcome: { kind: 'observed' } }],
      [{ check: 'dns', outcome: { kind: 'answers', consensus: 'nxdomain' } }],
      [
        { check: 'reprobe', outcome: { kind: 'answered', status: 'x' } },
        { check: 'gateway', outcome: 7 },
      ],
    ]) {
      expect(verdict(junk as never).kind).toBe('cant-tell');
    }
  });
});

describe('readStatus', () => {
  it.each([
    [200, 'up'],
    [301, 'up'],
    [401, 'up'],
    [404, 'up'],
    [403, 'refused'],
    [407, 'refused'],
    [429, 'refused'],
    [451, 'refused'],
    [500, 'server-error'],
    [522, 'server-error'],
    [0, 'server-error'],
    [Number.NaN, 'server-error'],
  ])('%s → %s', (status, kind) => expect(readStatus(status)).toBe(kind));
});

describe('the crowd row in the verdict', () => {
  const crowd = (
    kind: 'listed' | 'unlisted' | 'unread',
    weight: 'supports-everyone' | 'none' = kind === 'listed' ? 'supports-everyone' : 'none',
  ): Evidence => ({
    check: 'crowd',
    outcome: { kind, weight, asOf: 1_000 },
    summary: { key: kind === 'listed' ? 'crowdHostFailing' : kind === 'unlisted' ? 'crowdTooFew' : 'crowdUnavailable' },
    ms: 30,
  });

  it('a listed host raises "down for everyone" one step and is given as a reason', () => {
    const without = verdict([cf522, probe(522)]);
    const with_ = verdict([cf522, probe(522), crowd('listed')]);
    expect([without.kind, without.confidence]).toEqual(['down-for-everyone', 'medium']);
    expect([with_.kind, with_.confidence]).toEqual(['down-for-everyone', 'high']);
    expect(with_.reasons.map((r) => r.key)).toContain('crowdHostFailing');
  });

  it('lowers a "just you" verdict one step, but never changes its kind', () => {
    const evidence = [cf522, probe(522), dnsLocalFails, vantage(3, 0)];
    const without = verdict(evidence);
    const with_ = verdict([...evidence, crowd('listed')]);
    expect(without.kind).toBe(with_.kind);
    expect(['just-you-dns', 'just-you-connection', 'partly-down']).toContain(with_.kind);
    expect(with_.confidence).not.toBe(without.confidence);
  });

  it('alone it decides nothing: "can\'t tell" stays "can\'t tell", "back up" stays as it is', () => {
    expect(verdict([crowd('listed')]).kind).toBe('cant-tell');
    expect(verdict([crowd('listed')]).reasons.map((r) => r.key)).not.toContain('crowdHostFailing');
    expect(verdict([probe(200), crowd('listed')])).toEqual(verdict([probe(200)]));
  });

  it('"too few reports" and "could not be read" weigh nothing and are never a reason', () => {
    for (const row of [crowd('unlisted'), crowd('unread'), none('crowd', 'timeout')]) {
      for (const evidence of [[cf522, probe(522)], [netTimeout, probeDead(), vantage(3, 0)], [probe(200)]]) {
        expect(verdict([...evidence, row])).toEqual(verdict(evidence));
      }
    }
  });

  it('only the stated weight counts: a listed row that says it weighs nothing changes nothing', () => {
    expect(verdict([cf522, probe(522), crowd('listed', 'none')])).toEqual(verdict([cf522, probe(522)]));
  });
});
