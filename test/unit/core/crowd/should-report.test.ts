import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLATFORM_IDS, type NetErrorCategory, type PlatformId } from '../../../../src/model/incident';
import { hostKeyOf, parseReport, PLATFORMS } from '../../../../src/core/crowd/report';
import { reporterId } from '../../../../src/core/crowd/reporter';
import { windowOf } from '../../../../src/core/crowd/signal';
import {
  crowdHost,
  decideReport,
  mayReportAgain,
  parseSent,
  recordSent,
  reportKindOf,
  SENT_MAX_HOSTS,
  viaOf,
  type ReportFacts,
} from '../../../../src/core/crowd/should-report';

const secret = '0123456789abcdef'.repeat(4);
const now = Date.parse('2026-12-07T12:34:56Z');
const MIN = 60_000;
const facts = (over: Partial<ReportFacts> = {}): ReportFacts => ({
  optedIn: true,
  serviceConfigured: true,
  incognito: false,
  mainFrame: true,
  url: 'https://example.com/account/orders?id=42#top',
  failure: { kind: 'http', status: 502 },
  sent: [],
  now,
  ...over,
});
const key = (n: number): string => n.toString(16).padStart(64, '0');

describe('decideReport: the report', () => {
  it('holds the host key, the daily reporter id, the kind and the status, and nothing of the address', async () => {
    const decision = await decideReport(facts({ platform: 'cloudflare' }), secret);
    expect(decision).toEqual({
      report: {
        v: 1,
        hostKey: await hostKeyOf('example.com'),
        reporter: await reporterId(secret, now),
        kind: 'http5xx',
        status: 502,
        via: 'cloudflare',
      },
    });
    const text = JSON.stringify(decision);
    for (const leak of ['example', 'account', 'orders', 'id=42', 'top']) expect(text).not.toContain(leak);
    expect('report' in decision && parseReport(decision.report).ok).toBe(true);
  });

  it('keys the host as the browser has it: case, port and trailing dot make no difference', async () => {
    const want = await hostKeyOf('example.com');
    for (const url of ['https://EXAMPLE.com/', 'http://example.com:8080/x', 'https://example.com./']) {
      const d = await decideReport(facts({ url }), secret);
      expect('report' in d && d.report.hostKey, url).toBe(want);
    }
  });

  it('keys an IDN host in punycode, as the browser has it', async () => {
    const d = await decideReport(facts({ url: 'https://bücher.example/' }), secret);
    expect('report' in d && d.report.hostKey).toBe(await hostKeyOf('xn--bcher-kva.example'));
  });

  it('builds a report the contract accepts for every kind, status and platform (property)', async () => {
    const failure = fc.oneof(
      fc.integer({ min: 500, max: 599 }).map((status) => ({ kind: 'http' as const, status })),
      fc
        .constantFrom<NetErrorCategory>('dns', 'refused', 'reset', 'timed-out', 'tls')
        .map((error) => ({ kind: 'network' as const, error })),
    );
    const platform = fc.option(fc.constantFrom<PlatformId>(...PLATFORM_IDS), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(failure, platform, fc.integer({ min: 0, max: 4_000_000_000_000 }), async (f, p, t) => {
        const d = await decideReport(facts({ failure: f, platform: p, now: t, publicDns: 'public' }), secret);
        expect('report' in d && parseReport(d.report)).toEqual({ ok: true, value: 'report' in d ? d.report : undefined });
      }),
      { numRuns: 100 },
    );
  });

  it('sends nothing without a valid device secret', async () => {
    expect(await decideReport(facts(), 'not a secret')).toEqual({ skip: 'no-secret' });
  });

  it('reports a DNS failure once public DNS vouched for the name, and a public name served from a public address', async () => {
    const dns = await decideReport(facts({ failure: { kind: 'network', error: 'dns' }, publicDns: 'public' }), secret);
    expect('report' in dns && dns.report.kind).toBe('dns');
    expect('report' in (await decideReport(facts({ ip: '93.184.216.34' }), secret))).toBe(true);
  });

  it('reports a public IP literal (only private ranges are kept back)', async () => {
    expect('report' in (await decideReport(facts({ url: 'http://93.184.216.34/' }), secret))).toBe(true);
    expect('report' in (await decideReport(facts({ url: 'https://[2606:4700::6810:84e5]/' }), secret))).toBe(true);
  });
});

describe('decideReport: when nothing is sent', () => {
  it.each<[string, Partial<ReportFacts>, string]>([
    ['not opted in', { optedIn: false }, 'opted-out'],
    ['no service address', { serviceConfigured: false }, 'no-service'],
    ['a private window', { incognito: true }, 'incognito'],
    ['a frame or subresource', { mainFrame: false }, 'not-main-frame'],
    ['a soft error', { failure: { kind: 'soft' } }, 'not-a-failure'],
    ['a 4xx', { failure: { kind: 'http', status: 404 } }, 'not-a-failure'],
    ['offline', { failure: { kind: 'network', error: 'offline' } }, 'browser-caused'],
    ['a failure the browser caused', { causedByBrowser: true }, 'browser-caused'],
    ['an unclassified network error', { failure: { kind: 'network', error: 'other' } }, 'not-a-failure'],
    ['a public name served from a private address', { ip: '10.20.30.40' }, 'private-host'],
    ['a public name served from loopback', { ip: '::1' }, 'private-host'],
    ['a name public DNS does not know', { publicDns: 'private' }, 'private-host'],
    ['a DNS failure before public DNS vouched for the name', { failure: { kind: 'network', error: 'dns' } }, 'dns-unverified'],
    ['a DNS failure public DNS could not judge', { failure: { kind: 'network', error: 'dns' }, publicDns: 'unknown' }, 'dns-unverified'],
    ['a very long URL', { url: `https://example.com/${'a'.repeat(70_000)}` }, 'not-web'],
  ])('%s', async (_, over, reason) => {
    expect(await decideReport(facts(over), secret)).toEqual({ skip: reason });
  });

  it('without the opt-in, whatever else holds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 500, max: 599 }),
        async (serviceConfigured, incognito, mainFrame, status) => {
          const d = await decideReport(
            facts({ optedIn: false, serviceConfigured, incognito, mainFrame, failure: { kind: 'http', status } }),
            secret,
          );
          expect(d).toEqual({ skip: 'opted-out' });
        },
      ),
      { numRuns: 50 },
    );
  });

  it.each([
    'http://localhost/',
    'http://app.localhost:3000/',
    'http://127.0.0.1:8080/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/admin',
    'http://100.64.0.1/',
    'http://169.254.169.254/',
    'http://[::1]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://printer.local/',
    'https://wiki.internal/',
    'https://nas.lan/',
    'https://router.home.arpa/',
    'https://intranet/',
    'https://jira.corp/',
    'https://site.test/',
    'http://abc.onion/',
  ])('never for the private or intranet host of %s', async (url) => {
    expect(await decideReport(facts({ url }), secret)).toEqual({ skip: 'private-host' });
  });

  it.each([
    'ftp://example.com/',
    'file:///etc/hosts',
    'chrome-extension://abc/page.html',
    'data:text/html,x',
    'about:blank',
    'not a url',
    '',
  ])('never for %s, which is not an http(s) page', async (url) => {
    expect(await decideReport(facts({ url }), secret)).toEqual({ skip: 'not-web' });
  });
});

describe('reportKindOf: the contract kinds', () => {
  const net = (error: NetErrorCategory) => reportKindOf({ kind: 'network', error });
  it('maps each network error category, and not offline or other', () => {
    expect(net('dns')).toEqual({ kind: 'dns' });
    expect(net('timed-out')).toEqual({ kind: 'timeout' });
    expect(net('refused')).toEqual({ kind: 'refused' });
    expect(net('tls')).toEqual({ kind: 'tls' });
    expect(net('reset')).toEqual({ kind: 'reset' });
    expect(net('offline')).toBeUndefined();
    expect(net('other')).toBeUndefined();
  });

  it('maps exactly the 5xx statuses, with the status', () => {
    for (const status of [500, 502, 503, 504, 520, 599])
      expect(reportKindOf({ kind: 'http', status })).toEqual({ kind: 'http5xx', status });
    for (const status of [0, 200, 404, 429, 499, 600, 502.5, Number.NaN]) expect(reportKindOf({ kind: 'http', status })).toBeUndefined();
    expect(reportKindOf({ kind: 'soft' })).toBeUndefined();
  });

  it('sends no status with a network error', async () => {
    const d = await decideReport(facts({ failure: { kind: 'network', error: 'reset' } }), secret);
    expect('report' in d && d.report).toEqual(expect.not.objectContaining({ status: expect.anything() }));
    expect('report' in d && d.report.kind).toBe('reset');
  });
});

describe('viaOf: the platform that answered', () => {
  it('names every contract platform Downcheck recognises, the ALB under its contract name', () => {
    const ids: PlatformId[] = [
      'cloudflare',
      'cloudfront',
      'alb',
      'fastly',
      'akamai',
      'google',
      'azure-front-door',
      'vercel',
      'netlify',
      'heroku',
    ];
    const named = ids.map(viaOf);
    expect(named).toContain('aws-alb');
    expect([...named].sort()).toEqual([...PLATFORMS].sort());
  });

  it('names no plain server software', async () => {
    for (const id of ['nginx', 'apache', 'varnish'] as const) expect(viaOf(id)).toBeUndefined();
    expect(viaOf(undefined)).toBeUndefined();
    const d = await decideReport(facts({ platform: 'nginx' }), secret);
    expect('report' in d && 'via' in d.report).toBe(false);
  });
});

describe('one report per host per 10 minutes', () => {
  it('skips the same host within 10 minutes of the last report, in either direction of a clock change', async () => {
    const hostKey = await hostKeyOf('example.com');
    const sent = [{ hostKey, at: now }];
    for (const later of [now, now + 1, now + 10 * MIN - 1, now - 10 * MIN + 1])
      expect(await decideReport(facts({ sent, now: later }), secret), String(later - now)).toEqual({ skip: 'recently-sent' });
    for (const later of [now + 10 * MIN, now + 60 * MIN, now - 10 * MIN, now - 86_400_000])
      expect('report' in (await decideReport(facts({ sent, now: later }), secret)), String(later - now)).toBe(true);
  });

  it('does not hold back another host', async () => {
    const sent = [{ hostKey: await hostKeyOf('example.org'), at: now }];
    expect('report' in (await decideReport(facts({ sent }), secret))).toBe(true);
  });

  it('only lets reports through that fall in different windows of the service (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * 3_600_000 }), { minLength: 1, maxLength: 40 }), (offsets) => {
        let sent: ReturnType<typeof recordSent> = [];
        const windows: number[] = [];
        for (const at of [...offsets].sort((a, b) => a - b).map((o) => now + o)) {
          if (!mayReportAgain(sent, key(1), at)) continue;
          windows.push(windowOf(at));
          sent = recordSent(sent, key(1), at);
        }
        expect(new Set(windows).size).toBe(windows.length);
      }),
    );
  });

  it('sends again after a second failure 10 minutes later', () => {
    const sent = recordSent([], key(1), now);
    expect(mayReportAgain(sent, key(1), now + 9 * MIN)).toBe(false);
    expect(mayReportAgain(sent, key(1), now + 10 * MIN)).toBe(true);
  });
});

describe('a host the last bucket read shows as widespread', () => {
  it('is not reported while that read is recent: enough is known, and a hot host stays cool', async () => {
    const hostKey = await hostKeyOf('example.com');
    expect(await decideReport(facts({ lastRead: { hostKey, level: 'widespread', at: now - 9 * MIN } }), secret)).toEqual({
      skip: 'widespread',
    });
  });

  it('is reported when the read says possible, is 10 minutes old, or is of another host', async () => {
    const hostKey = await hostKeyOf('example.com');
    for (const lastRead of [
      { hostKey, level: 'possible' as const, at: now },
      { hostKey, level: 'widespread' as const, at: now - 10 * MIN },
      { hostKey: key(7), level: 'widespread' as const, at: now },
    ])
      expect('report' in (await decideReport(facts({ lastRead }), secret)), JSON.stringify(lastRead)).toBe(true);
  });
});

describe('crowdHost', () => {
  it('gives the hostname, never the path or the credentials', () => {
    expect(crowdHost('https://user:pw@Shop.Example.com:8443/cart?x=1')).toEqual({ host: 'shop.example.com' });
  });
});

describe('the record of sent reports', () => {
  it('keeps one entry per host, newest last', () => {
    let sent = recordSent([], key(1), now);
    sent = recordSent(sent, key(2), now + 1);
    sent = recordSent(sent, key(1), now + 2);
    expect(sent).toEqual([
      { hostKey: key(2), at: now + 1 },
      { hostKey: key(1), at: now + 2 },
    ]);
  });

  it('holds at most the bound, dropping the oldest host', () => {
    let sent: ReturnType<typeof recordSent> = [];
    for (let i = 0; i <= SENT_MAX_HOSTS; i += 1) sent = recordSent(sent, key(i), now + i);
    expect(sent).toHaveLength(SENT_MAX_HOSTS);
    expect(sent.map((s) => s.hostKey)).not.toContain(key(0));
    expect(sent.at(-1)).toEqual({ hostKey: key(SENT_MAX_HOSTS), at: now + SENT_MAX_HOSTS });
  });

  it('forgets hosts whose window has passed', () => {
    const sent = recordSent(recordSent([], key(1), now), key(2), now + 10 * MIN);
    expect(sent).toEqual([{ hostKey: key(2), at: now + 10 * MIN }]);
  });

  it('stores host keys only: no host name can be read from it', async () => {
    const d = await decideReport(facts({ url: 'https://secret-project.example/' }), secret);
    const sent = recordSent([], 'report' in d ? d.report.hostKey : '', now);
    expect(JSON.stringify(sent)).not.toContain('secret-project');
    expect(parseSent(sent, now)).toEqual(sent);
  });

  it('reads back from storage only valid entries, recent ones, the newest per host, within the bound', () => {
    const stored = [
      { hostKey: key(1), at: now - MIN },
      { hostKey: key(1), at: now - 2 * MIN },
      { hostKey: 'example.com', at: now },
      { hostKey: key(0xab).toUpperCase(), at: now },
      { hostKey: key(3), at: '1' },
      { hostKey: key(4), at: Number.POSITIVE_INFINITY },
      { hostKey: key(5), at: now - 11 * MIN },
      null,
      7,
      { hostKey: key(6), at: now - 3 * MIN },
    ];
    expect(parseSent(stored, now)).toEqual([
      { hostKey: key(6), at: now - 3 * MIN },
      { hostKey: key(1), at: now - MIN },
    ]);
    for (const garbage of [undefined, null, 'x', { hostKey: key(1), at: now }, 3]) expect(parseSent(garbage, now)).toEqual([]);
    const many = Array.from({ length: 3 * SENT_MAX_HOSTS }, (_, i) => ({ hostKey: key(i), at: now - i }));
    expect(parseSent(many, now)).toHaveLength(SENT_MAX_HOSTS);
  });

  it('never throws on anything stored (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (stored) => {
        const got = parseSent(stored, now);
        expect(got.length).toBeLessThanOrEqual(SENT_MAX_HOSTS);
      }),
    );
  });
});
