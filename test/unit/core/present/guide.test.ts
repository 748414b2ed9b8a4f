import { describe, expect, it } from 'vitest';
import { guide, ownerAdviceKeys, type GuideInput, type Os } from '../../../../src/core/present/guide';
import type { VerdictKind } from '../../../../src/model/verdict';
import { supportReport } from '../../../../src/core/present/report';
import { classify } from '../../../../src/core/incident/classify';
import type { Incident } from '../../../../src/model/incident';
import en from '../../../../public/_locales/en/messages.json';

const messages = en as Record<string, { message: string }>;
const cf522 = classify({
  kind: 'http',
  url: 'https://shop.example/account/orders?token=SECRET',
  status: 522,
  headers: [
    { name: 'Server', value: 'cloudflare' },
    { name: 'CF-RAY', value: '8f1a2b3c4d5e6f70-FRA' },
  ],
  ip: '203.0.113.7',
  method: 'GET',
  time: Date.UTC(2026, 10, 25, 14, 3, 9),
})!;
const post502 = classify({
  kind: 'http',
  url: 'https://shop.example/checkout',
  status: 502,
  method: 'POST',
  time: 0,
  headers: [{ name: 'Server', value: 'nginx' }],
})!;
const dns = classify({ kind: 'network', url: 'http://gone.example/', error: 'net::ERR_NAME_NOT_RESOLVED', time: 0 })!;
const base = (incident: Incident, over: Partial<GuideInput> = {}): GuideInput => ({ incident, os: 'win', browser: 'chrome', ...over });
const ids = (input: GuideInput) => guide(input).map((s) => s.id);

describe('guide order', () => {
  it('down for everyone: wait (auto-retry) first, then status page, archive and contact', () => {
    expect(
      ids(
        base(cf522, {
          verdict: 'down-for-everyone',
          statusPageUrl: 'https://status.shop.example',
          archiveUrl: 'https://web.archive.org/web/2026/https://shop.example/',
        }),
      ),
    ).toEqual(['wait', 'status-page', 'archive', 'contact', 'retry', 'clear-cache', 'owner']);
  });
  it('leaves out status page and archive when the diagnosis found none', () => {
    expect(ids(base(cf522, { verdict: 'down-for-everyone' }))).toEqual(['wait', 'contact', 'retry', 'clear-cache', 'owner']);
  });
  it('just you: your side first', () => {
    expect(ids(base(cf522, { verdict: 'just-you-connection' }))[0]).toBe('connection');
    expect(ids(base(cf522, { verdict: 'just-you-dns' }))[0]).toBe('change-dns');
    expect(ids(base(cf522, { verdict: 'blocked-for-you' }))[0]).toBe('block');
  });
  it('before a verdict, by the side the incident points at', () => {
    expect(ids(base(cf522))[0]).toBe('wait');
    expect(ids(base(dns))[0]).toBe('change-dns');
  });
  it('never offers auto-retry or a one-click retry for a form', () => {
    const steps = guide(base(post502, { verdict: 'down-for-everyone' }));
    expect(steps.map((s) => s.id)).not.toContain('wait');
    expect(steps.find((s) => s.id === 'retry')?.actions).toEqual([]);
  });
  it('drops unsafe status/archive links', () => {
    expect(
      ids(base(cf522, { verdict: 'down-for-everyone', statusPageUrl: 'javascript:alert(1)', archiveUrl: 'data:text/html,x' })),
    ).not.toContain('status-page');
  });
});

describe('change-DNS step', () => {
  it.each(['win', 'mac', 'linux', 'cros', 'android', 'unknown'] as const)('has steps for %s and both resolvers’ addresses', (os) => {
    const step = guide(base(dns, { os })).find((s) => s.id === 'change-dns')!;
    expect(step.code).toEqual(expect.arrayContaining(['1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '2001:4860:4860::8888']));
    expect(step.body.length).toBeGreaterThanOrEqual(5);
  });
  it('opens Chrome’s secure-DNS settings, names Firefox’s path (it cannot be opened by an extension)', () => {
    expect(guide(base(dns, { browser: 'chrome' })).find((s) => s.id === 'change-dns')!.actions).toEqual([
      { kind: 'open-browser-settings', url: 'chrome://settings/security' },
    ]);
    const ff = guide(base(dns, { browser: 'firefox' })).find((s) => s.id === 'change-dns')!;
    expect(ff.actions).toEqual([]);
    expect(ff.body.at(-1)).toEqual({ key: 'step_dns_secure_firefox', subs: ['about:preferences#privacy'] });
  });
  it('gives the flush command for the OS', () => {
    expect(guide(base(dns, { os: 'win' })).find((s) => s.id === 'change-dns')!.code).toContain('ipconfig /flushdns');
    expect(
      guide(base(dns, { os: 'mac' }))
        .find((s) => s.id === 'change-dns')!
        .code!.join(' '),
    ).toMatch(/mDNSResponder/);
  });
});

describe('owner advice', () => {
  it.each([
    ['nginx', 502, 'owner_nginx_502'],
    ['nginx', 504, 'owner_nginx_504'],
    ['cloudflare', 522, 'owner_cf_origin'],
    ['cloudflare', 526, 'owner_cf_tls'],
    ['alb', 503, 'owner_alb'],
    [undefined, 500, 'owner_generic'],
  ] as const)('%s %s → %s', (platform, status, key) => expect(ownerAdviceKeys(platform, status)[0]).toBe(key));
  it('is folded away', () => expect(guide(base(cf522)).find((s) => s.id === 'owner')?.folded).toBe(true));
});

const PATHS = [
  ...['down-for-everyone', 'partly-down', 'just-you-connection', 'just-you-dns', 'blocked-for-you', 'back-up', 'cant-tell'],
  ...['origin', 'dns', 'you', 'unknown', 'gateway'],
] as VerdictKind[];

/** Every message key the guide can produce (every verdict and fault path, every OS and browser). */
const ARCHIVE = 'https://web.archive.org/x';

function allGuideKeys(): string[] {
  const keys = new Set<string>();
  const sample: Incident = {
    ...{ kind: 'http', url: 'https://a.example/', host: 'a.example', status: 502, meaning: { key: 'x' }, explanation: { key: 'x' } },
    ...{ severity: 'critical', retryable: true, fault: 'origin', headers: {}, method: 'GET', time: 0, badge: '502' },
  };
  const oses: Os[] = ['win', 'mac', 'linux', 'cros', 'android', 'unknown'];
  for (const os of oses)
    for (const browser of ['chrome', 'firefox'] as const)
      for (const verdict of PATHS)
        for (const step of guide({
          incident: sample,
          verdict,
          os,
          browser,
          statusPageUrl: 'https://status.a.example',
          archiveUrl: ARCHIVE,
        }))
          for (const msg of [step.title, ...step.body]) keys.add(msg.key);
  for (const platform of ['cloudflare', 'nginx', 'alb', 'cloudfront', 'vercel', 'heroku', undefined] as const)
    for (const status of [502, 504, 522, 525]) for (const key of ownerAdviceKeys(platform, status)) keys.add(key);
  keys.add('step_retry_body_form');
  return [...keys].sort();
}

describe('every guide message exists in English', () => {
  it.each(allGuideKeys())('%s', (key) => expect(messages[key]).toBeDefined());
});

describe('supportReport', () => {
  const tr = (key: string, subs: string[] = []) =>
    (messages[key]?.message ?? `!${key}`).replace(/\$(\d)/g, (_, n: string) => subs[Number(n) - 1] ?? '');
  const report = supportReport({
    incident: cf522,
    verdictLine: 'Down for everyone',
    now: 0,
    localTime: () => '25/11/2026, 15:03:09 CET',
    tr,
  });

  it('has the site, both times, status, gateway with data centre, Ray ID and the verdict', () => {
    expect(report).toContain('https://shop.example');
    expect(report).toContain('2026-11-25 14:03:09 UTC');
    expect(report).toContain('15:03:09 CET');
    expect(report).toContain('522');
    expect(report).toContain('Cloudflare (FRA)');
    expect(report).toContain('cf-ray: 8f1a2b3c4d5e6f70-FRA');
    expect(report).toContain('Down for everyone');
    expect(report).not.toMatch(/!\w/); // every key resolved
  });
  it('carries no path, query or token', () => {
    expect(report).not.toContain('/account');
    expect(report).not.toContain('SECRET');
  });
  it('says where the gateway details came from when they came from a re-probe (Chrome builds), and only then', () => {
    expect(report).not.toContain(messages.report_headers_source!.message);
    const reprobed = supportReport({
      incident: { ...cf522, reprobe: { status: 522, redirected: false, at: 0 } },
      now: 0,
      localTime: () => '',
      tr,
    });
    expect(reprobed).toContain(`${messages.report_headers_source!.message}: a re-check right after the error (it answered 522)`);
    expect(reprobed).not.toMatch(/!\w/);
  });

  it('names an internationalised site as people write it, and keeps its exact address too', () => {
    const idn = supportReport({
      incident: { ...cf522, host: 'xn--bcher-kva.example', url: 'https://xn--bcher-kva.example/cart' },
      now: 0,
      localTime: () => '',
      tr,
    });
    expect(idn.split('\n')[0]).toContain('bücher.example');
    expect(idn).toContain('https://xn--bcher-kva.example');
    expect(idn).not.toContain('/cart');
  });
  it('keeps hostile header values on one line', () => {
    const evil = { ...cf522, reference: { kind: 'cf-ray', value: 'x\nSubject: spam' } };
    expect(
      supportReport({ incident: evil, now: 0, localTime: () => '', tr })
        .split('\n')
        .some((l) => l.startsWith('Subject')),
    ).toBe(false);
  });
});

describe('contact your internet provider', () => {
  it('is offered, last, when the connection or its DNS is at fault, with the site to name', () => {
    for (const input of [base(cf522, { verdict: 'just-you-connection' }), base(cf522, { verdict: 'just-you-dns' }), base(dns)]) {
      const steps = guide(input);
      const isp = steps.find((s) => s.id === 'isp');
      expect(isp?.body).toEqual([{ key: 'step_isp_body' }, { key: 'step_isp_tell', subs: [input.incident.host] }]);
    }
    expect(ids(base(cf522, { verdict: 'down-for-everyone' }))).not.toContain('isp');
  });
});

describe('private windows', () => {
  const incident = classify({ kind: 'http', url: 'https://shop.example/', status: 502, headers: [], time: 1 })!;
  it('"clear this site\'s data" is not offered in a private window, and is everywhere else', () => {
    for (const verdict of [
      'down-for-everyone',
      'partly-down',
      'just-you-dns',
      'blocked-for-you',
      'back-up',
      'cant-tell',
    ] as VerdictKind[]) {
      expect(ids(base(incident, { verdict, incognito: true })), verdict).not.toContain('clear-cache');
      expect(ids(base(incident, { verdict, incognito: false })), verdict).toContain('clear-cache');
    }
    expect(ids(base(incident, { incognito: true }))).not.toContain('clear-cache');
  });
});
