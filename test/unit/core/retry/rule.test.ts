// The retry rule, in one place: which outcomes are retried, which methods may be
// loaded again, and what a probe's answer means.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classify } from '../../../../src/core/incident/classify';
import { isRetryableStatus, mayLoadAgain, probeVerdict, RETRYABLE_STATUSES } from '../../../../src/core/retry/policy';
import type { ProbeVerdict } from '../../../../src/model/retry';

describe('probeVerdict: "back" means an answer that would show the page', () => {
  const table: Array<[string, Parameters<typeof probeVerdict>[0], ProbeVerdict]> = [
    ['200', { status: 200 }, 'back'],
    ['203', { status: 203 }, 'back'],
    ['206', { status: 206 }, 'back'],
    ['304 (not modified)', { status: 304 }, 'back'],
    ['204 (no content: nothing to show)', { status: 204 }, 'answers'],
    ['205', { status: 205 }, 'answers'],
    ['an opaque redirect (status hidden)', { redirect: true }, 'answers'],
    ['301', { status: 301, redirect: true }, 'answers'],
    ['302 to a login page', { status: 302, redirect: true }, 'answers'],
    ['307', { status: 307 }, 'answers'],
    ['401', { status: 401 }, 'answers'],
    ['403', { status: 403 }, 'answers'],
    ['404', { status: 404 }, 'answers'],
    ['410', { status: 410 }, 'answers'],
    ['101', { status: 101 }, 'answers'],
    ['429 (asked to wait)', { status: 429 }, 'failing'],
    ['500', { status: 500 }, 'failing'],
    ['502', { status: 502 }, 'failing'],
    ['599', { status: 599 }, 'failing'],
    ['a network error', { error: 'TypeError' }, 'failing'],
    ['a timeout', { error: 'timeout' }, 'failing'],
    ['nothing at all', {}, 'failing'],
    ['status 0', { status: 0 }, 'failing'],
    ['status 600', { status: 600 }, 'failing'],
    ['a fractional status', { status: 200.5 }, 'failing'],
    ['NaN', { status: Number.NaN }, 'failing'],
    ['an error with a redirect flag', { redirect: true, error: 'TypeError' }, 'failing'],
  ];
  it.each(table)('%s → %s', (_, answer, verdict) => {
    expect(probeVerdict(answer)).toBe(verdict);
  });

  it('is total: any answer gets one of the three verdicts', () => {
    fc.assert(
      fc.property(
        fc.record({
          status: fc.option(fc.oneof(fc.integer(), fc.double()), { nil: undefined }),
          redirect: fc.option(fc.boolean(), { nil: undefined }),
          error: fc.option(fc.string(), { nil: undefined }),
        }),
        (answer) => ['back', 'answers', 'failing'].includes(probeVerdict(answer)),
      ),
    );
  });

  it('only a 2xx or 304 is ever "back"', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 1000 }), (status) => {
        const back = probeVerdict({ status }) === 'back';
        expect(back).toBe((status >= 200 && status <= 299 && status !== 204 && status !== 205) || status === 304);
      }),
    );
  });
});

describe('the methods and outcomes that may be retried live once', () => {
  it('only GET and HEAD are loaded again without the visitor (any case); unknown never', () => {
    expect(mayLoadAgain('GET')).toBe(true);
    expect(mayLoadAgain('head')).toBe(true);
    for (const m of ['POST', 'PUT', 'DELETE', 'PATCH', 'OTHER', '', undefined, null, 42]) expect(mayLoadAgain(m)).toBe(false);
  });

  it('classify marks an incident retryable exactly by the shared rule', () => {
    for (let status = 500; status <= 599; status += 1) {
      for (const method of ['GET', 'POST']) {
        const incident = classify({ kind: 'http', url: 'https://a.example/', status, headers: [], method, time: 1 });
        expect(incident?.retryable).toBe(isRetryableStatus(status) && mayLoadAgain(method));
      }
    }
    expect([...RETRYABLE_STATUSES].every(isRetryableStatus)).toBe(true);
    const post = classify({ kind: 'network', url: 'https://a.example/', error: 'net::ERR_CONNECTION_REFUSED', method: 'POST', time: 1 });
    expect(post?.retryable).toBe(false);
  });
});

describe('decisionFor: a request a public page may have sent the tab to is not sent again by itself', () => {
  it("a 502 from a page on the visitor's network with a query: no auto-retry (reason replay)", async () => {
    const { decisionFor } = await import('../../../../src/core/retry/policy');
    const router = classify({ kind: 'http', url: 'http://192.168.0.1/apply.cgi?dns=6.6.6.6', status: 502, headers: [], time: 1 })!;
    expect(decisionFor(router, 2)).toEqual({ retry: false, reason: 'replay' });
    const refused = classify({ kind: 'network', url: 'http://router.lan/apply.cgi?x=1', error: 'net::ERR_CONNECTION_REFUSED', time: 1 })!;
    expect(decisionFor(refused, 2)).toEqual({ retry: false, reason: 'replay' });
    for (const url of ['https://shop.example/login?code=1', 'http://127.0.0.1:3000/?x=1', 'http://192.168.0.1/']) {
      const incident = classify({ kind: 'http', url, status: 502, headers: [], time: 1 })!;
      expect(decisionFor(incident, 2), url).toMatchObject({ retry: true });
    }
  });
});
