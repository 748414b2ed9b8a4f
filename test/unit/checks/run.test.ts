import { describe, expect, it, vi } from 'vitest';
import { ALL_CHECKS, LOCAL_CHECKS } from '../../../src/checks/all-checks';
import { EvidenceCache } from '../../../src/checks/kit/limits';
import { runChecks } from '../../../src/checks/run';
import type { Check, CheckContext } from '../../../src/checks/kit/types';
import type { Evidence } from '../../../src/model/evidence';
import { createVantageCheck } from '../../../src/checks/sources/vantage/check';
import { checkHostSource } from '../../../src/checks/sources/vantage/check-host';
import { globalpingSource } from '../../../src/checks/sources/vantage/globalping';
import { classify } from '../../../src/core/incident/classify';
import { DEFAULT_CONSENT } from '../../../src/core/settings/consent';
import type { Consent } from '../../../src/model/settings';
import { timersPending } from '../../../src/core/async/timers';
import { verdict } from '../../../src/core/diagnosis/verdict';
import type { Incident } from '../../../src/model/incident';
import { DEFAULT_BEHAVIOUR } from '../../fixtures/outside-services.mjs';
import { contextFor, expectOnlyHostSent, FAILING_URL, LATE_MS, ROOMY_DEADLINE_MS, timed, useOutsideServices } from './helpers';

const services = useOutsideServices();

const EVERYTHING: Consent = { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true };
const FAST = { firstMs: 20, factor: 1.5, maxMs: 60, reserveMs: 40 };
/** The production list, with vantage polling scaled down for tests. */
const CHECKS: Check[] = ALL_CHECKS.map((c) =>
  c.id === 'vantage' ? createVantageCheck([checkHostSource({ schedule: FAST }), globalpingSource({ schedule: FAST })]) : c,
);
const OUTSIDE = ['doh-cloudflare', 'doh-google', 'check-host', 'globalping', 'statuspage', 'wayback'];

/** The failing site `shop.example` is served by the stand-in (as --host-resolver-rules would do in a browser). */
function siteContext(overrides: Partial<CheckContext> = {}): CheckContext {
  const realFetch = globalThis.fetch;
  const viaStandIn: typeof fetch = (input, init) =>
    realFetch(String(input).replace(/^https?:\/\/shop\.example(:\d+)?/, services.base), init);
  return contextFor(services, { fetch: viaStandIn, ...overrides });
}

const cf522 = classify({
  kind: 'http',
  url: FAILING_URL,
  status: 522,
  ip: '93.184.216.34',
  headers: [
    { name: 'server', value: 'cloudflare' },
    { name: 'cf-ray', value: '8a1b2c3d4e5f6789-FRA' },
  ],
  time: 1,
})!;
/** A timed-out navigation; `ip` is the address the browser had connected to. */
const timedOut = (ip: string): Incident => ({
  ...classify({ kind: 'network', url: FAILING_URL, error: 'net::ERR_CONNECTION_TIMED_OUT', time: 1 })!,
  ip,
});

const outsideRequests = () => services.log.filter((r) => OUTSIDE.includes(r.service));

describe('runChecks', () => {
  it('without consent, only local checks run and no outside service hears anything', async () => {
    const arrived: Evidence[] = [];
    const evidence = await runChecks(CHECKS, siteContext({ incident: cf522 }), {
      deadlineMs: ROOMY_DEADLINE_MS,
      consent: DEFAULT_CONSENT,
      onEvidence: (e) => arrived.push(e),
    });
    expect(evidence.map((e) => [e.check, e.outcome.kind])).toEqual([
      ['gateway', 'link'],
      ['reprobe', 'answered'],
      ['online', 'none'],
      ['connectivity', 'none'],
      ['dns', 'none'],
      ['vantage', 'none'],
      ['status-page', 'none'],
      ['archive', 'none'],
      ['crowd', 'none'], // no crowd opt-in in this context
    ]);
    for (const e of evidence.slice(3)) expect(e.outcome).toEqual({ kind: 'none', reason: 'not-consented' });
    expect(arrived).toHaveLength(9);
    expect(outsideRequests()).toEqual([]);
    expect(services.log.filter((r) => r.service !== 'site')).toEqual([]); // the connectivity endpoints neither
    expect(LOCAL_CHECKS.map((c) => c.id)).toEqual(['gateway', 'reprobe', 'online']);
  });

  it('with consent, all run in parallel and report progressively; only the host is sent', async () => {
    // check-host's results come 300 ms after it was asked, well after the others (the wayback's
    // 60 ms included), so which finishes last does not depend on how loaded the machine is.
    services.setBehaviour({ checkHost: { nullPolls: 2, resultAfterMs: 300 }, doh: { delayMs: 20 }, wayback: { delayMs: 60 } });
    const arrivals: Array<[string, number, boolean]> = [];
    const started = performance.now();
    const evidence = await runChecks(CHECKS, siteContext({ incident: cf522 }), {
      deadlineMs: ROOMY_DEADLINE_MS,
      consent: EVERYTHING,
      onEvidence: (e) => arrivals.push([e.check, performance.now() - started, e.partial === true]),
    });
    // `online` has nothing to go on here (no browser signals in this context); the consented baseline answers.
    expect(evidence.map((e) => e.outcome.kind)).toEqual([
      'link',
      'answered',
      'none',
      'online',
      'answers',
      'observed',
      'no-page',
      'archived',
      'none', // the crowd: no opt-in in this context
    ]);
    expect(evidence.some((e) => e.partial)).toBe(false);
    // The crowd without its opt-in is refused at once, before any check runs; then the gateway, before anything on the network.
    expect(arrivals[0]![0]).toBe('crowd');
    expect(arrivals[1]![0]).toBe('gateway');
    expect(arrivals[1]![1]).toBeLessThan(arrivals.find(([c]) => c === 'reprobe')![1]); // not held up by the others
    const finals = arrivals.filter(([, , partial]) => !partial);
    expect(finals.map(([c]) => c).sort()).toEqual(CHECKS.map((c) => c.id).sort());
    expect(finals.at(-1)![0]).toBe('vantage'); // check-host polls longest
    // Globalping finished first: its nodes were shown before check-host's.
    const interim = arrivals.filter(([, , partial]) => partial);
    expect(interim.map(([c]) => c)).toEqual(['vantage']);
    expect(interim[0]![1]).toBeLessThan(finals.at(-1)![1]);
    expectOnlyHostSent(services);
    expect(new Set(outsideRequests().map((r) => r.service))).toEqual(new Set(OUTSIDE));
  });

  it('never sends a private host anywhere, even with consent', async () => {
    for (const host of ['intranet', 'wiki.corp', '10.1.2.3', 'nas.local']) {
      const evidence = await runChecks(CHECKS, siteContext({ host, origin: `https://${host}`, url: `https://${host}/x?y=1` }), {
        deadlineMs: 500,
        consent: EVERYTHING,
      });
      for (const e of evidence.filter((x) => ['dns', 'vantage', 'status-page', 'archive'].includes(x.check))) {
        expect(e.outcome, `${host} ${e.check}`).toEqual({ kind: 'none', reason: 'private-host' });
      }
    }
    expect(outsideRequests()).toEqual([]);
  });

  const OUTSIDE_IDS = ['dns', 'vantage', 'status-page', 'archive'];
  const outcomes = (evidence: Evidence[]) =>
    Object.fromEntries(evidence.filter((e) => OUTSIDE_IDS.includes(e.check)).map((e) => [e.check, e.outcome]));

  it.each(['10.0.0.7', '127.0.0.1', '::1', 'fd00::1', '64:ff9b::a00:1', '2002:a00:1::1', '198.18.0.1', 'not an address'])(
    'a public name the browser reached at the private address %s: no outside check runs, nobody hears of it',
    async (ip) => {
      const evidence = await runChecks(CHECKS, siteContext({ incident: timedOut(ip) }), { deadlineMs: 500, consent: EVERYTHING });
      const private_ = { kind: 'none', reason: 'private-host' };
      expect(outcomes(evidence)).toEqual({ dns: private_, vantage: private_, 'status-page': private_, archive: private_ });
      expect(outsideRequests()).toEqual([]);
    },
  );

  it("the browser's own resolver (Firefox) gives a private address: no outside check runs", async () => {
    const resolveDns = async () => ['93.184.216.34', '192.168.1.20'];
    const evidence = await runChecks(CHECKS, siteContext({ resolveDns }), { deadlineMs: 500, consent: EVERYTHING });
    expect(Object.values(outcomes(evidence)).map((o) => (o.kind === 'none' ? o.reason : o.kind))).toEqual([
      'private-host',
      'private-host',
      'private-host',
      'private-host',
    ]);
    expect(outsideRequests()).toEqual([]);
  });

  it('public DNS answers with a private address: the resolvers were asked (with consent), nobody else is', async () => {
    services.setBehaviour({ doh: { a: ['10.20.30.40'], aaaa: [] } });
    const evidence = await runChecks(CHECKS, siteContext(), { deadlineMs: ROOMY_DEADLINE_MS, consent: EVERYTHING });
    const found = outcomes(evidence);
    expect(found.dns).toMatchObject({ kind: 'answers', consensus: 'resolves' });
    expect([found.vantage, found['status-page'], found.archive]).toEqual(Array(3).fill({ kind: 'none', reason: 'private-host' }));
    expect(new Set(outsideRequests().map((r) => r.service))).toEqual(new Set(['doh-cloudflare', 'doh-google']));
  });

  // Split-horizon names: public DNS does not know an intranet name (or knows it only privately).
  const dnsFailed = (host = 'shop.example'): Incident =>
    classify({ kind: 'network', url: `https://${host}/wiki?page=1`, error: 'net::ERR_NAME_NOT_RESOLVED', time: Date.now() })!;

  it.each([
    ['NXDOMAIN', { doh: { rcode: 'NXDOMAIN' as const } }],
    ['no address', { doh: { a: [], aaaa: [] } }],
    ['only private addresses', { doh: { a: ['10.1.2.3'], aaaa: ['fd00::5'] } }],
  ])('public DNS says %s: the name counts as private, only the resolvers heard of it', async (_, behaviour) => {
    services.setBehaviour(behaviour);
    for (const incident of [undefined, dnsFailed()]) {
      services.clearLog();
      const evidence = await runChecks(CHECKS, siteContext(incident ? { incident } : {}), {
        deadlineMs: ROOMY_DEADLINE_MS,
        consent: EVERYTHING,
      });
      const found = outcomes(evidence);
      expect([found.vantage, found['status-page'], found.archive]).toEqual(Array(3).fill({ kind: 'none', reason: 'private-host' }));
      expect(new Set(outsideRequests().map((r) => r.service))).toEqual(new Set(['doh-cloudflare', 'doh-google']));
    }
  });

  it('after a DNS failure the others wait for public DNS however slow it is, and go only once it vouches for the name', async () => {
    services.setBehaviour({ doh: { delayMs: 2_500 } }); // longer than the usual wait for DNS (a third of the run: 2 s)
    const { value } = await timed(runChecks(CHECKS, siteContext({ incident: dnsFailed() }), { deadlineMs: 6_000, consent: EVERYTHING }));
    const first = (service: string) =>
      Math.min(
        ...outsideRequests()
          .filter((r) => r.service === service)
          .map((r) => r.time),
      );
    expect(outcomes(value).dns).toMatchObject({ kind: 'answers', consensus: 'resolves' });
    expect(first('check-host')).toBeGreaterThanOrEqual(first('doh-google') + 2_400);
    expect(new Set(outsideRequests().map((r) => r.service))).toEqual(new Set(OUTSIDE));
  }, 12_000);

  it('after a DNS failure, no usable public DNS answer (not allowed, failing, SERVFAIL) keeps the name inside', async () => {
    for (const [consent, behaviour] of [
      [{ ...EVERYTHING, dns: false }, {}],
      [EVERYTHING, { doh: { fault: 'http-500' } }],
      [EVERYTHING, { doh: { rcode: 'SERVFAIL' } }],
    ] as const) {
      services.setBehaviour(behaviour);
      services.clearLog();
      const evidence = await runChecks(CHECKS, siteContext({ incident: dnsFailed() }), { deadlineMs: ROOMY_DEADLINE_MS, consent });
      const found = outcomes(evidence);
      expect([found.vantage, found['status-page'], found.archive]).toEqual(Array(3).fill({ kind: 'none', reason: 'private-host' }));
      expect(outsideRequests().filter((r) => !r.service.startsWith('doh-'))).toEqual([]);
    }
  });

  it('public DNS and the browser agree on public addresses: every consented check runs', async () => {
    const resolveDns = async () => ['93.184.216.34'];
    const evidence = await runChecks(CHECKS, siteContext({ resolveDns, incident: timedOut('93.184.216.34') }), {
      deadlineMs: ROOMY_DEADLINE_MS,
      consent: EVERYTHING,
    });
    expect(Object.values(outcomes(evidence)).filter((o) => o.kind === 'none' && o.reason === 'private-host')).toEqual([]);
    expect(new Set(outsideRequests().map((r) => r.service))).toEqual(new Set(OUTSIDE));
  });

  it('ends by the deadline even if a check never returns', async () => {
    const stuck: Check = { id: 'archive', needsConsent: false, run: () => new Promise(() => undefined) };
    services.setBehaviour({ checkHost: { fault: 'hang' }, globalping: { fault: 'hang' }, statusPage: { fault: 'hang' } });
    const { value, ms } = await timed(runChecks([...CHECKS.slice(0, 7), stuck], siteContext(), { deadlineMs: 400, consent: EVERYTHING }));
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(400 + LATE_MS); // at its deadline: the stuck check and the hanging services never end
    expect(value[7]!.outcome).toEqual({ kind: 'none', reason: 'timeout' });
    expect(value[5]!.outcome).toEqual({ kind: 'none', reason: 'timeout' }); // vantage
    expect(value[6]!.outcome).toEqual({ kind: 'none', reason: 'timeout' }); // status page
  });

  it('interim evidence reaches the listener only; if the deadline cuts a check off, its last interim evidence stands', async () => {
    const interim: Evidence = {
      check: 'vantage',
      outcome: { kind: 'observed', nodes: [{ source: 'x', location: 'A', state: 'up' }], up: 1, down: 0, sources: [] },
      summary: { key: 'k' },
      ms: 5,
    };
    const slow: Check = {
      id: 'vantage',
      needsConsent: false,
      run: (ctx) => {
        ctx.report?.(interim);
        ctx.report?.({ ...interim, check: 'dns' } as never); // not its own: ignored
        return new Promise(() => undefined);
      },
    };
    const seen: Evidence[] = [];
    const [result] = await runChecks([slow], siteContext(), { deadlineMs: 100, consent: DEFAULT_CONSENT, onEvidence: (e) => seen.push(e) });
    expect(seen.map((e) => [e.check, e.partial])).toEqual([
      ['vantage', true],
      ['vantage', undefined],
    ]);
    expect(result).toMatchObject({ check: 'vantage', outcome: interim.outcome });
    expect(result!.partial).toBeUndefined();
  });

  it('stops when the caller aborts', async () => {
    services.setBehaviour({ site: { fault: 'hang' }, connectivity: { fault: 'hang' }, doh: { fault: 'hang' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const networked = CHECKS.filter((c) => ['gateway', 'reprobe', 'connectivity', 'dns'].includes(c.id));
    const { value, ms } = await timed(
      runChecks(networked, siteContext(), { deadlineMs: 5_000, consent: EVERYTHING, signal: controller.signal }),
    );
    expect(ms).toBeLessThan(50 + LATE_MS); // at the abort, not at the 5 s deadline (and each says 'aborted', not 'timeout')
    expect(value.slice(1).map((e) => e.outcome)).toEqual([
      { kind: 'none', reason: 'aborted' },
      { kind: 'none', reason: 'aborted' },
      { kind: 'none', reason: 'aborted' },
    ]);
    const late = await runChecks(CHECKS.slice(1, 2), siteContext(), { deadlineMs: 5_000, consent: EVERYTHING, signal: controller.signal });
    expect(late[0]!.outcome).toEqual({ kind: 'none', reason: 'aborted' });
  });

  it("leaves no timer pending once it ended, however it ended (the soak counts the worker's timers)", async () => {
    services.setBehaviour({ site: { fault: 'hang' }, connectivity: { fault: 'hang' }, doh: { fault: 'hang' } });
    const networked = CHECKS.filter((c) => ['gateway', 'reprobe', 'connectivity', 'dns'].includes(c.id));
    const before = timersPending();
    const controller = new AbortController();
    const run = runChecks(networked, siteContext(), { deadlineMs: 5_000, consent: EVERYTHING, signal: controller.signal });
    expect(timersPending()).toBeGreaterThan(before); // the deadline, the wait for DNS, each request's timeout
    controller.abort();
    await run;
    // Before the fix, the wait for DNS (a third of the deadline) stayed pending after an aborted run.
    await vi.waitFor(() => expect(timersPending()).toBe(before), { timeout: LATE_MS }); // less than the DNS wait (5 s / 3): it was cancelled, not run out
    await runChecks(networked.slice(0, 1), siteContext(), { deadlineMs: 5_000, consent: EVERYTHING }); // ends by itself, at once
    expect(timersPending()).toBe(before);
  });

  it('a broken check or listener cannot break the run', async () => {
    const throwsNow: Check = {
      id: 'dns',
      needsConsent: false,
      run: () => {
        throw new Error('sync bug');
      },
    };
    const rejects: Check = { id: 'archive', needsConsent: false, run: () => Promise.reject(new Error('async bug')) };
    const lies: Check = {
      id: 'vantage',
      needsConsent: false,
      run: async () => ({ check: 'dns', outcome: { kind: 'none', reason: 'timeout' }, summary: { key: 'x' }, ms: 0 }),
    };
    const evidence = await runChecks([throwsNow, rejects, lies], siteContext(), {
      deadlineMs: 300,
      consent: DEFAULT_CONSENT,
      onEvidence: () => {
        throw new Error('listener bug');
      },
    });
    expect(evidence.map((e) => [e.check, e.outcome])).toEqual([
      ['dns', { kind: 'none', reason: 'malformed' }],
      ['archive', { kind: 'none', reason: 'malformed' }],
      ['vantage', { kind: 'none', reason: 'malformed' }],
    ]);
  });

  it('serves outside evidence from the per-host cache for a minute', async () => {
    let now = 1_000_000;
    const cache = new EvidenceCache({ now: () => now });
    const options = { deadlineMs: ROOMY_DEADLINE_MS, consent: EVERYTHING, cache };
    await runChecks(CHECKS, siteContext({ now: () => now }), options);
    const asked = outsideRequests().length;
    expect(asked).toBeGreaterThan(0);
    services.clearLog();
    const again = await runChecks(CHECKS, siteContext({ now: () => now }), options);
    expect(outsideRequests()).toEqual([]);
    // The connectivity baseline is the same for every host: shared for 30 s.
    expect(again.filter((e) => e.cached).map((e) => e.check)).toEqual(['connectivity', 'dns', 'vantage', 'status-page', 'archive']);
    expect(again.find((e) => e.check === 'reprobe')!.cached).toBeUndefined(); // the site itself: always asked afresh
    now += 61_000;
    await runChecks(CHECKS, siteContext({ now: () => now }), options);
    expect(outsideRequests().length).toBe(asked);
  });
});

describe('scenarios on the stand-ins → verdict', () => {
  /**
   * Where the site answers, the run ends once everything has answered; where it hangs, the re-probe
   * runs out at the deadline, which must leave the vantage points time to report even under load.
   */
  const run = (ctx: CheckContext, deadlineMs = ROOMY_DEADLINE_MS) => runChecks(CHECKS, ctx, { deadlineMs, consent: EVERYTHING });
  const HANGING_SITE_DEADLINE_MS = 1_200;
  const down = DEFAULT_BEHAVIOUR.checkHost.nodes!.map((n) => ({ ...n, state: 'error' as const, status: 503 }));
  const probesDown = DEFAULT_BEHAVIOUR.globalping.probes!.map((p) => ({ ...p, state: 'unreachable' as const }));

  it('down for everyone: Cloudflare 522 here, every vantage point fails', async () => {
    services.setBehaviour({
      site: { status: 522, headers: { server: 'cloudflare' } },
      checkHost: { nodes: down },
      globalping: { probes: probesDown },
    });
    const v = verdict(await run(siteContext({ incident: cf522 })));
    expect(v).toMatchObject({ kind: 'down-for-everyone', confidence: 'high' });
    expect(v.reasons.map((r) => r.key)).toEqual(['check_vantage_all_down', 'fault_cf_522', 'check_reprobe_error']);
  });

  it('just you: the site does not answer you, vantage points see it up', async () => {
    services.setBehaviour({ site: { fault: 'hang' } });
    const v = verdict(await run(siteContext({ incident: timedOut('93.184.216.34') }), HANGING_SITE_DEADLINE_MS));
    expect(v).toMatchObject({ kind: 'just-you-connection', confidence: 'high' });
  });

  it('your DNS: the browser used an address no public resolver gives', async () => {
    services.setBehaviour({ site: { fault: 'hang' } });
    const v = verdict(await run(siteContext({ incident: timedOut('45.33.32.156') }), HANGING_SITE_DEADLINE_MS));
    expect(v).toMatchObject({ kind: 'just-you-dns', confidence: 'high' });
    expect(v.reasons[0]).toEqual({ key: 'check_dns_mismatch', subs: ['45.33.32.156'] });
  });

  it('back up: the re-probe succeeds now', async () => {
    const v = verdict(await run(siteContext({ incident: cf522 })));
    expect(v).toMatchObject({ kind: 'back-up', confidence: 'high' });
  });

  it("the site's DNS is gone: NXDOMAIN everywhere", async () => {
    services.setBehaviour({
      doh: { rcode: 'NXDOMAIN' },
      site: { fault: 'reset' },
      checkHost: { nodes: down.map((n) => ({ ...n, state: 'unreachable' as const })) },
      globalping: { probes: probesDown },
    });
    const incident = classify({ kind: 'network', url: FAILING_URL, error: 'net::ERR_NAME_NOT_RESOLVED', time: 1 })!;
    const v = verdict(await run(siteContext({ incident })));
    expect(v).toMatchObject({ kind: 'down-for-everyone', confidence: 'high' });
    expect(v.reasons[0]).toEqual({ key: 'check_dns_nxdomain' });
  });
});
