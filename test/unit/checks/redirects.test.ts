// No background request follows a redirect without its next hop being checked: the browser is always
// told `redirect: 'manual'`, and the status page follows a readable hop only when it is https,
// public (name and addresses) and on the page's own site.
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../src/checks/all-checks';
import { runChecks } from '../../../src/checks/run';
import { statusPageCheck } from '../../../src/checks/sources/status-page';
import type { CheckContext } from '../../../src/checks/kit/types';
const ALL_SOURCES = { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true };
import { endpointsAt } from '../../../src/checks/kit/endpoints';
import { never } from './helpers';

const STATUS_JSON = JSON.stringify({ status: { indicator: 'none', description: 'All Systems Operational' } });

type Route = (url: string) => Response;

/** A fetch that answers from `route` and records every request with its init. */
function fakeFetch(route: Route) {
  const seen: Array<{ url: string; init: RequestInit }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    seen.push({ url, init: init ?? {} });
    return route(url);
  };
  return { fetch, seen };
}

const redirect = (location: string, status = 302) => new Response(null, { status, headers: { location } });
const opaqueRedirect = (): Response => {
  const response = new Response(null, { status: 200 });
  Object.defineProperty(response, 'type', { value: 'opaqueredirect' });
  Object.defineProperty(response, 'status', { value: 0 });
  return response;
};

const ctx = (fetch: typeof globalThis.fetch, overrides: Partial<CheckContext> = {}): CheckContext => ({
  host: 'shop.example',
  origin: 'https://shop.example',
  url: 'https://shop.example/',
  fetch,
  endpoints: { ...endpointsAt('https://stand-in.example'), statusPageDiscovery: 'https://status.{domain}' },
  now: Date.now,
  ...overrides,
});

describe('every check', () => {
  it("asks the browser never to follow a redirect (redirect: 'manual'), whatever the check", async () => {
    const { fetch, seen } = fakeFetch(() => redirect('http://192.168.0.1/cgi-bin/apply.cgi'));
    await runChecks(ALL_CHECKS, ctx(fetch), { deadlineMs: 2_000, consent: ALL_SOURCES });
    expect(new Set(seen.map((s) => s.url.split('?')[0]!.replace(/^https:\/\/[^/]+/, '')))).toContain('/api/v2/status.json');
    for (const { url, init } of seen) expect(init.redirect, url).toBe('manual');
    expect(seen.some((s) => s.url.includes('192.168.0.1'))).toBe(false);
  });
});

describe('the status page after a redirect', () => {
  it('a redirect into the visitor network is never requested: "no page"', async () => {
    const { fetch, seen } = fakeFetch((url) =>
      url.startsWith('https://status.shop.example/')
        ? redirect('http://192.168.0.1/cgi-bin/apply.cgi?dns=6.6.6.6')
        : new Response(STATUS_JSON),
    );
    const evidence = await statusPageCheck.run(ctx(fetch, { resolveDns: async () => ['93.184.216.34'] }), never());
    expect(evidence.outcome).toEqual({ kind: 'no-page' });
    expect(seen.map((s) => s.url)).toEqual(['https://status.shop.example/api/v2/status.json']);
  });

  it('an opaque redirect (what Chromium and Firefox give extensions) ends the request', async () => {
    const { fetch, seen } = fakeFetch(() => opaqueRedirect());
    const evidence = await statusPageCheck.run(ctx(fetch, { resolveDns: async () => ['93.184.216.34'] }), never());
    expect(evidence.outcome).toEqual({ kind: 'no-page' });
    expect(seen).toHaveLength(1);
  });

  it('follows a readable https hop on its own site whose name resolves to public addresses only', async () => {
    const { fetch, seen } = fakeFetch((url) =>
      url.startsWith('https://status.shop.example/')
        ? redirect('https://www.status.shop.example/api/v2/status.json', 301)
        : new Response(STATUS_JSON),
    );
    const evidence = await statusPageCheck.run(ctx(fetch, { resolveDns: async () => ['93.184.216.34'] }), never());
    expect(evidence.outcome).toMatchObject({ kind: 'reported', indicator: 'none' });
    expect(seen.map((s) => s.url)).toEqual([
      'https://status.shop.example/api/v2/status.json',
      'https://www.status.shop.example/api/v2/status.json',
    ]);
  });

  it('not when the hop name resolves to a private address, or cannot be resolved at all (Chrome has no resolver)', async () => {
    for (const resolveDns of [async () => ['93.184.216.34', '10.0.0.7'], async () => [], undefined]) {
      const { fetch, seen } = fakeFetch((url) =>
        url.startsWith('https://status.shop.example/')
          ? redirect('https://www.status.shop.example/api/v2/status.json')
          : new Response(STATUS_JSON),
      );
      const evidence = await statusPageCheck.run(ctx(fetch, resolveDns ? { resolveDns } : {}), never());
      expect(evidence.outcome).toEqual({ kind: 'no-page' });
      expect(seen).toHaveLength(1);
    }
  });

  it('not to another site, not over http, and at most three hops', async () => {
    for (const location of ['https://status.evil.example/api/v2/status.json', 'http://www.status.shop.example/api/v2/status.json']) {
      const { fetch, seen } = fakeFetch((url) =>
        url.startsWith('https://status.shop.example/') ? redirect(location) : new Response(STATUS_JSON),
      );
      expect((await statusPageCheck.run(ctx(fetch, { resolveDns: async () => ['93.184.216.34'] }), never())).outcome).toEqual({
        kind: 'no-page',
      });
      expect(seen, location).toHaveLength(1);
    }
    let n = 0;
    const { fetch, seen } = fakeFetch(() => redirect(`https://s${(n += 1)}.shop.example/api/v2/status.json`));
    expect((await statusPageCheck.run(ctx(fetch, { resolveDns: async () => ['93.184.216.34'] }), never())).outcome).toEqual({
      kind: 'no-page',
    });
    expect(seen).toHaveLength(4); // the page and three hops
  });
});
