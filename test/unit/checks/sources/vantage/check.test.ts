import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../../../src/checks/kit/limits';
import type { Evidence, VantageNode } from '../../../../../src/model/evidence';
import { createVantageCheck, vantageCheck } from '../../../../../src/checks/sources/vantage/check';
import { checkHostSource, parseCheckHostNode, parseCheckHostStart } from '../../../../../src/checks/sources/vantage/check-host';
import { globalpingSource, parseGlobalpingMeasurement } from '../../../../../src/checks/sources/vantage/globalping';
import type { PollSchedule, VantageSource } from '../../../../../src/checks/sources/vantage/source';
import { DEFAULT_BEHAVIOUR, type Behaviour } from '../../../../fixtures/outside-services.mjs';
import { contextFor, expectOnlyHostSent, LATE_MS, never, ROOMY_DEADLINE_MS, timed, useOutsideServices } from '../../helpers';

const services = useOutsideServices();

const FAST: PollSchedule = { firstMs: 20, factor: 1.5, maxMs: 60, reserveMs: 40 };
const check = createVantageCheck([checkHostSource({ schedule: FAST }), globalpingSource({ schedule: FAST })]);
/** A check that finishes by itself ends when it finishes: the default deadline only has to be out of reach under load. */
const soon = (ms = ROOMY_DEADLINE_MS) => ({ deadlineAt: Date.now() + ms });

const chNodes = (...states: Array<'up' | 'error' | 'unreachable' | 'never'>) =>
  DEFAULT_BEHAVIOUR.checkHost
    .nodes!.slice(0, states.length)
    .map((n, i) => ({ ...n, state: states[i]!, status: states[i] === 'error' ? 503 : 200 }));
const gpProbes = (...states: Array<'up' | 'error' | 'unreachable' | 'never' | 'offline'>) =>
  DEFAULT_BEHAVIOUR.globalping
    .probes!.slice(0, states.length)
    .map((p, i) => ({ ...p, state: states[i]!, status: states[i] === 'error' ? 502 : 200 }));

describe('outside vantage', () => {
  it('merges check-host.net and Globalping nodes; all up', async () => {
    services.setBehaviour({ checkHost: { nullPolls: 2 }, globalping: { inProgressPolls: 2 } });
    const evidence = await check.run(contextFor(services, soon()), never());
    expect(evidence).toMatchObject({
      check: 'vantage',
      outcome: {
        kind: 'observed',
        up: 6,
        down: 0,
        sources: [
          { source: 'check-host', result: 'complete' },
          { source: 'globalping', result: 'complete' },
        ],
      },
      summary: { key: 'check_vantage_all_up', subs: ['6'] },
    });
    const nodes = (evidence.outcome as { nodes: VantageNode[] }).nodes;
    expect(nodes).toContainEqual(
      expect.objectContaining({ source: 'check-host', location: 'Frankfurt, DE', country: 'DE', state: 'up', status: 200 }),
    );
    expect(nodes).toContainEqual(
      expect.objectContaining({ source: 'globalping', location: 'Ashburn, US', state: 'up', status: 200, ms: 123 }),
    );
    // Polled until the null / in-progress answers were over.
    expect(services.requests('check-host').filter((r) => r.path.startsWith('/check-result/')).length).toBeGreaterThanOrEqual(3);
    expect(vantageCheck.needsConsent).toBe(true);
  });

  it('shows the faster source’s nodes while the slower one is still polling', async () => {
    services.setBehaviour({ checkHost: { resultAfterMs: 200 } });
    const interim: Evidence[] = [];
    const evidence = await check.run(contextFor(services, { ...soon(), report: (e) => interim.push(e) }), never());
    expect(interim).toHaveLength(1);
    expect(interim[0]).toMatchObject({ partial: true, outcome: { up: 3, sources: [{ source: 'globalping', result: 'complete' }] } });
    expect(evidence.outcome).toMatchObject({ up: 6 });
    expect(evidence.partial).toBeUndefined();
  });

  it('sends the origin only: check-host gets scheme+host, Globalping a HEAD / of the host', async () => {
    await check.run(contextFor(services, soon()), never());
    const [start] = services.requests('check-host');
    expect(start).toMatchObject({
      path: '/check-http',
      query: { host: 'https://shop.example', max_nodes: '4' },
      accept: 'application/json',
    });
    const [create] = services.requests('globalping');
    expect(create!.method).toBe('POST');
    expect(JSON.parse(create!.body)).toEqual({
      type: 'http',
      target: 'shop.example',
      locations: [{ magic: 'Europe' }, { magic: 'North America' }, { magic: 'Asia' }],
      limit: 3,
      measurementOptions: { request: { method: 'HEAD', path: '/' }, protocol: 'HTTPS' },
    });
    expectOnlyHostSent(services);
  });

  it('keeps an explicit port and plain http', async () => {
    await check.run(contextFor(services, { ...soon(), origin: 'http://shop.example:8080' }), never());
    expect(services.requests('check-host')[0]!.query.host).toBe('http://shop.example:8080');
    expect(JSON.parse(services.requests('globalping')[0]!.body).measurementOptions).toEqual({
      request: { method: 'HEAD', path: '/' },
      protocol: 'HTTP',
      port: 8080,
    });
  });

  it('all down', async () => {
    services.setBehaviour({
      checkHost: { nodes: chNodes('error', 'unreachable') },
      globalping: { probes: gpProbes('unreachable', 'error') },
    });
    const evidence = await check.run(contextFor(services, soon()), never());
    expect(evidence).toMatchObject({ outcome: { up: 0, down: 4 }, summary: { key: 'check_vantage_all_down', subs: ['4'] } });
    const states = (evidence.outcome as { nodes: VantageNode[] }).nodes.map((n) => `${n.source}:${n.state}:${n.status ?? '-'}`).sort();
    expect(states).toEqual([
      'check-host:server-error:503',
      'check-host:unreachable:-',
      'globalping:server-error:502',
      'globalping:unreachable:-',
    ]);
  });

  it('partly down names the failing places', async () => {
    services.setBehaviour({
      checkHost: { nodes: chNodes('up', 'error', 'up') },
      globalping: { probes: gpProbes('up', 'up', 'unreachable') },
    });
    const evidence = await check.run(contextFor(services, soon()), never());
    expect(evidence.summary).toEqual({ key: 'check_vantage_partly', subs: ['4', '6', 'Los Angeles, US; Singapore, SG'] });
  });

  it('understands [[null]] as "not finished" too, and skips offline probes', async () => {
    services.setBehaviour({ checkHost: { pendingShape: 'nested', nullPolls: 2 }, globalping: { probes: gpProbes('up', 'offline') } });
    const evidence = await check.run(contextFor(services, soon()), never());
    expect(evidence.outcome).toMatchObject({ up: 4, down: 0 });
  });

  it('returns what has finished when the deadline comes (partial)', async () => {
    services.setBehaviour({ checkHost: { nodes: chNodes('up', 'never', 'error') }, globalping: { probes: gpProbes('up', 'never') } });
    const { value, ms } = await timed(check.run(contextFor(services, soon(600)), never()));
    expect(value.outcome).toMatchObject({ up: 2, down: 1, sources: [{ result: 'partial' }, { result: 'partial' }] });
    expect(ms).toBeLessThan(600 + LATE_MS); // at the deadline, not polling the 'never' nodes for the 12 s budget
  });

  it('results that come after the deadline are no evidence (timeout), on time', async () => {
    services.setBehaviour({ checkHost: { resultAfterMs: 5_000 }, globalping: { resultAfterMs: 5_000 } });
    const { value, ms } = await timed(check.run(contextFor(services, soon(300)), never()));
    expect(value.outcome).toEqual({ kind: 'none', reason: 'timeout' });
    expect(ms).toBeLessThan(300 + LATE_MS); // at the deadline, not when the results come (5 s)
  });

  it('a hanging service ends at the deadline', async () => {
    services.setBehaviour({ checkHost: { fault: 'hang' }, globalping: { fault: 'hang' } });
    const { value, ms } = await timed(check.run(contextFor(services, soon(300)), never()));
    expect(value.outcome).toEqual({ kind: 'none', reason: 'timeout' });
    expect(ms).toBeLessThan(300 + LATE_MS); // at the deadline: the services never answer
  });

  it('Globalping 429: its nodes are missing, check-host still counts', async () => {
    services.setBehaviour({ globalping: { fault: 'rate-limited' } });
    const now = Date.now();
    const evidence = await check.run(contextFor(services, soon()), never());
    expect(evidence.outcome).toMatchObject({
      up: 3,
      sources: [
        { source: 'check-host', result: 'complete' },
        { source: 'globalping', result: 'rate-limited' },
      ],
    });
    const report = (evidence.outcome as { sources: Array<{ retryAt?: number }> }).sources[1]!;
    expect(report.retryAt).toBeGreaterThanOrEqual(now + 1_800_000); // X-RateLimit-Reset: 1800 (seconds)
  });

  it('both rate-limited: no evidence, and the limiter keeps us quiet afterwards', async () => {
    services.setBehaviour({ checkHost: { fault: 'rate-limited' }, globalping: { fault: 'rate-limited' } });
    const limiter = new RateLimiter({ now: Date.now });
    const evidence = await check.run(contextFor(services, { ...soon(), limiter }), never());
    expect(evidence.outcome).toMatchObject({ kind: 'none', reason: 'rate-limited' });
    expect(services.log).toHaveLength(2);
    services.setBehaviour();
    const again = await check.run(contextFor(services, { ...soon(), limiter }), never());
    expect(again.outcome).toMatchObject({ kind: 'none', reason: 'rate-limited' });
    expect(services.log).toHaveLength(2); // nothing sent
  });

  it.each([
    [{ fault: 'malformed' }, 'malformed'],
    [{ fault: 'wrong-shape' }, 'malformed'],
    [{ fault: 'html' }, 'malformed'],
    [{ fault: 'huge' }, 'too-large'],
    [{ fault: 'http-500' }, 'http-error'],
    [{ pollFault: 'malformed' }, 'malformed'],
    [{ pollFault: 'huge' }, 'too-large'],
    [{ pollFault: 'http-500' }, 'http-error'],
  ] as const)('%o from both services → none/%s', async (fault, reason) => {
    services.setBehaviour({ checkHost: fault, globalping: fault } as Behaviour);
    const { value, ms } = await timed(check.run(contextFor(services, soon()), never()));
    expect(value.outcome).toMatchObject({ kind: 'none', reason });
    expect(ms).toBeLessThan(ROOMY_DEADLINE_MS - 1_000); // a bad answer ends it: no polling on until the deadline
  });

  it('check-host answering its HTML page (no JSON Accept) is handled', async () => {
    // The stand-in answers HTML without `Accept: application/json`, like the real service.
    const res = await fetch(`${services.base}/check-http?host=x`);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('a source that throws or is switched off is no evidence, not a crash', async () => {
    const broken: VantageSource = { id: 'broken', name: 'Broken', run: () => Promise.reject(new Error('bug')) };
    const evidence = await createVantageCheck([broken]).run(contextFor(services, soon()), never());
    expect(evidence.outcome).toEqual({ kind: 'none', reason: 'malformed' });
    const ctx = contextFor(services, soon());
    const off = await check.run({ ...ctx, endpoints: { ...ctx.endpoints, checkHost: null, globalping: null } }, never());
    expect(off.outcome).toEqual({ kind: 'none', reason: 'not-applicable' });
  });

  it('a self-hosted source plugs in next to the others', async () => {
    const mine: VantageSource = {
      id: 'self-hosted',
      name: 'My probes',
      run: async () => ({ kind: 'nodes', complete: true, nodes: [{ source: 'self-hosted', location: 'Home', state: 'unreachable' }] }),
    };
    const evidence = await createVantageCheck([checkHostSource({ schedule: FAST }), mine]).run(contextFor(services, soon()), never());
    expect(evidence.outcome).toMatchObject({ up: 3, down: 1 });
  });

  it('never asks about private hosts (nor private origins)', async () => {
    for (const [host, origin] of [
      ['localhost', 'http://localhost:3000'],
      ['10.0.0.5', 'http://10.0.0.5'],
      ['wiki.corp', 'https://wiki.corp'],
      ['shop.example', 'http://192.168.0.2'],
    ]) {
      expect((await check.run(contextFor(services, { host, origin }), never())).outcome).toEqual({ kind: 'none', reason: 'private-host' });
    }
    expect(services.log).toHaveLength(0);
  });

  it('stops polling when aborted', async () => {
    services.setBehaviour({ checkHost: { nodes: chNodes('never') }, globalping: { probes: gpProbes('never') } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { value, ms } = await timed(check.run(contextFor(services, soon(5_000)), controller.signal));
    expect(value.outcome).toMatchObject({ kind: 'none', reason: 'aborted' });
    expect(ms).toBeLessThan(100 + LATE_MS); // at the abort, not at the 5 s deadline
  });
});

describe('vantage parsing', () => {
  it('check-host node entries', () => {
    expect(parseCheckHostNode(null)).toBe('pending');
    expect(parseCheckHostNode([[null]])).toBe('pending');
    expect(parseCheckHostNode([null])).toBe('pending');
    expect(parseCheckHostNode([[1, 0.13, 'Moved Permanently', '301']])).toEqual({ state: 'up', status: 301, ms: 130 });
    expect(parseCheckHostNode([[0, 0.2, 'Service Unavailable', '503', '1.2.3.4']])).toEqual({
      state: 'server-error',
      status: 503,
      ms: 200,
    });
    expect(parseCheckHostNode([[0, 10.01, 'Connection timed out', null, null]])).toEqual({ state: 'unreachable', ms: 10010 });
    expect(parseCheckHostNode([[1, 0.1, 'OK', 'abc']])).toEqual({ state: 'up', ms: 100 });
    for (const bad of [[], 'x', [[]], [[2, 0.1]], [['OK', 0.1]], {}]) expect(parseCheckHostNode(bad)).toBeUndefined();
  });

  it('check-host start answers', () => {
    expect(
      parseCheckHostStart({
        ok: 1,
        request_id: '29',
        nodes: { 'us1.node.check-host.net': ['us', 'USA', 'Los Angeles', '5.253.30.82', 'AS18978'] },
      }),
    ).toEqual({
      id: '29',
      nodes: new Map([['us1.node.check-host.net', { location: 'Los Angeles, US', country: 'US' }]]),
    });
    expect(parseCheckHostStart({ error: 'limit_exceeded' })).toEqual({ refused: 'limit_exceeded' });
    for (const bad of [
      null,
      { ok: 0, request_id: '1', nodes: {} },
      { ok: 1, request_id: '../x', nodes: { a: [] } },
      { ok: 1, request_id: '1', nodes: {} },
    ]) {
      expect(parseCheckHostStart(bad)).toBeUndefined();
    }
  });

  it('Globalping measurements', () => {
    expect(parseGlobalpingMeasurement({ status: 'in-progress', results: [{ probe: {}, result: { status: 'in-progress' } }] })).toEqual({
      finished: false,
      results: ['pending'],
    });
    expect(
      parseGlobalpingMeasurement({
        status: 'finished',
        results: [{ probe: { country: 'DE', city: 'Berlin' }, result: { status: 'failed', statusCode: null } }],
      }),
    ).toEqual({
      finished: true,
      results: [{ state: 'unreachable', location: 'Berlin, DE', country: 'DE' }],
    });
    for (const bad of [null, { status: 'done', results: [] }, { status: 'finished', results: 'x' }])
      expect(parseGlobalpingMeasurement(bad)).toBeUndefined();
  });
});
