import { describe, expect, it } from 'vitest';
import { reprobeCheck } from '../../../../src/checks/sources/reprobe';
import { OPAQUE_REDIRECT_STATUS } from '../../../../src/checks/kit/http';
import { CLOSED, contextFor, LATE_MS, never, timed, useOutsideServices } from '../helpers';

const services = useOutsideServices();

/** The failing site is the stand-in itself; the failing URL has a private path and query. */
const ctx = (overrides = {}) =>
  contextFor(services, {
    host: '127.0.0.1',
    origin: services.base,
    url: `${services.base}/account/orders?session=SECRET123`,
    ...overrides,
  });

describe('re-probe', () => {
  it('never follows a redirect: asks with redirect "manual"; an opaque redirect counts as the site answering', async () => {
    const asked: RequestInit[] = [];
    const opaque = new Response(null, { status: 200 });
    Object.defineProperty(opaque, 'type', { value: 'opaqueredirect' });
    Object.defineProperty(opaque, 'status', { value: 0 });
    const fetch = (async (_: unknown, init: RequestInit) => {
      asked.push(init);
      return opaque;
    }) as typeof globalThis.fetch;
    const evidence = await reprobeCheck.run({ ...ctx(), fetch }, never());
    expect(asked.map((i) => i.redirect)).toEqual(['manual']);
    expect(evidence.outcome).toMatchObject({ kind: 'answered', status: OPAQUE_REDIRECT_STATUS, redirected: true });
  });

  it('after a failed GET, asks for that same page again (not just the home page), without its query or fragment', async () => {
    const incident = { method: 'GET' } as never;
    await reprobeCheck.run(ctx({ incident, url: `${services.base}/checkout?step=2#pay` }), never());
    expect(services.log[0]).toMatchObject({ service: 'site', method: 'GET', path: '/checkout', search: '' });
    // As a reload asks for a page: no cookie, no referrer, a navigation's Accept.
    expect(services.log[0]).toMatchObject({ cookie: undefined, referer: undefined, accept: expect.stringMatching(/^text\/html,/) });
  });

  it('after a failed POST, asks only for the origin root: a form target is never requested again', async () => {
    const incident = { method: 'POST' } as never;
    await reprobeCheck.run(ctx({ incident, url: `${services.base}/checkout/pay` }), never());
    expect(services.log[0]).toMatchObject({ service: 'site', method: 'GET', path: '/', search: '' });
  });

  it('reuses the answer of a re-probe made seconds ago (Chrome builds fetch one with the failure), and only then', async () => {
    const now = Date.now();
    const fresh = { method: 'GET', retryAfter: '30', reprobe: { status: 503, redirected: false, at: now - 2_000 } } as never;
    const evidence = await reprobeCheck.run(ctx({ incident: fresh }), never());
    expect(evidence).toMatchObject({
      outcome: { kind: 'answered', status: 503, retryAfter: '30' },
      summary: { key: 'check_reprobe_error', subs: ['503'] },
    });
    expect(services.log).toHaveLength(0);

    const stale = { method: 'GET', reprobe: { status: 503, redirected: false, at: now - 60_000 } } as never;
    const asked = await reprobeCheck.run(ctx({ incident: stale }), never());
    expect(asked.outcome).toMatchObject({ kind: 'answered', status: 200 });
    expect(services.log).toHaveLength(1);
  });

  it('without an incident, fetches the origin only, without cookies, and reports the status', async () => {
    const evidence = await reprobeCheck.run(ctx(), never());
    expect(evidence).toMatchObject({
      check: 'reprobe',
      outcome: { kind: 'answered', status: 200 },
      summary: { key: 'check_reprobe_up', subs: ['200'] },
    });
    expect(services.log).toHaveLength(1);
    expect(services.log[0]).toMatchObject({ service: 'site', method: 'GET', path: '/', search: '' });
    expect(services.log[0]!.cookie).toBeUndefined();
    expect(reprobeCheck.needsConsent).toBe(false);
  });

  it.each([
    [503, 'check_reprobe_error'],
    [522, 'check_reprobe_error'],
    [403, 'check_reprobe_refused'],
    [429, 'check_reprobe_refused'],
    [404, 'check_reprobe_up'],
    [401, 'check_reprobe_up'],
  ])('HTTP %i → %s', async (status, key) => {
    services.setBehaviour({ site: { status, headers: { 'retry-after': '5' } } });
    const evidence = await reprobeCheck.run(ctx(), never());
    expect(evidence.outcome).toMatchObject({ kind: 'answered', status, retryAfter: '5' });
    expect(evidence.summary).toEqual({ key, subs: [String(status)] });
  });

  it('a site that never answers is unreachable (timeout) by the deadline', async () => {
    services.setBehaviour({ site: { fault: 'hang' } });
    const { value, ms } = await timed(reprobeCheck.run(ctx({ deadlineAt: Date.now() + 300 }), never()));
    expect(value).toMatchObject({ outcome: { kind: 'unreachable', error: 'timeout' }, summary: { key: 'check_reprobe_timeout' } });
    expect(ms).toBeLessThan(300 + LATE_MS); // at the deadline (300 ms), not the check's own seconds-long timeout
  });

  it('a refused connection is unreachable (network)', async () => {
    const evidence = await reprobeCheck.run(ctx({ origin: CLOSED }), never());
    expect(evidence).toMatchObject({ outcome: { kind: 'unreachable', error: 'network' }, summary: { key: 'check_reprobe_unreachable' } });
  });

  it('stops when aborted, and refuses a non-web origin', async () => {
    services.setBehaviour({ site: { fault: 'hang' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    expect((await reprobeCheck.run(ctx(), controller.signal)).outcome).toEqual({ kind: 'none', reason: 'aborted' });
    expect((await reprobeCheck.run(ctx({ origin: 'null' }), never())).outcome).toEqual({ kind: 'none', reason: 'not-applicable' });
  });
});
