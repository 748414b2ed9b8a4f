// The probe never follows a redirect, every background request waits for one of a few slots, and
// the probe asks as close to a reload as an extension can.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { probe, probeHeaders } from '../../../src/platform/probe';
import { backgroundFetch, MAX_BACKGROUND_REQUESTS } from '../../../src/platform/fetch-limit';
import { probeVerdict } from '../../../src/core/retry/policy';
import { NAVIGATION_ACCEPT } from '../../../src/core/net/url';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** What a browser hands an extension for `redirect: 'manual'`: an opaque answer, status 0, no headers. */
const opaqueRedirect = (): Response => {
  const response = new Response(null, { status: 200 });
  Object.defineProperty(response, 'type', { value: 'opaqueredirect' });
  Object.defineProperty(response, 'status', { value: 0 });
  return response;
};

describe('probe', () => {
  it('asks without cookies, bypassing the cache, and never follows a redirect', async () => {
    const fetch = vi.fn(async () => new Response('ok', { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    expect(await probe('https://shop.example/cart')).toMatchObject({ status: 200 });
    expect(fetch).toHaveBeenCalledWith(
      'https://shop.example/cart',
      expect.objectContaining({ redirect: 'manual', credentials: 'omit', cache: 'no-store' }),
    );
  });

  it('asks as a reload would: no referrer, and the Accept header of a navigation', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => new Response('ok', { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    await probe('https://shop.example/cart');
    await probeHeaders('https://shop.example/cart-2');
    for (const [, init] of fetch.mock.calls) {
      expect(init).toMatchObject({ referrerPolicy: 'no-referrer', method: 'GET', headers: { accept: NAVIGATION_ACCEPT } });
      expect(NAVIGATION_ACCEPT).toMatch(/^text\/html,/);
    }
  });

  it('no background request can ask the browser to follow a redirect, carry cookies or use the cache', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetch);
    await backgroundFetch('https://status.shop.example/api/v2/status.json', {
      redirect: 'follow',
      credentials: 'include',
      cache: 'default',
      referrerPolicy: 'unsafe-url',
      headers: { accept: 'application/json' },
    });
    expect(fetch.mock.calls[0]![1]).toMatchObject({
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      headers: { accept: 'application/json' },
    });
  });

  it('an opaque redirect is a redirect without a status: the server answers, the page is not "back"', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => opaqueRedirect()),
    );
    const answer = await probe('https://shop.example/account');
    expect(answer).toMatchObject({ redirect: true });
    expect(answer.status).toBeUndefined();
    expect(probeVerdict(answer)).toBe('answers');
    const headers = await probeHeaders('https://shop.example/account-2');
    expect(headers).toMatchObject({ redirected: true, headers: [] });
    expect(headers.status).toBeUndefined();
  });

  it('a readable 3xx is a redirect too', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 302, headers: { location: 'http://192.168.1.1/' } })),
    );
    expect(await probe('https://shop.example/x')).toMatchObject({ status: 302, redirect: true });
  });
});

describe('the limit on background requests in flight', () => {
  it(`sixteen requests at once: never more than ${MAX_BACKGROUND_REQUESTS} in flight, all answered`, async () => {
    let inFlight = 0;
    let peak = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        return new Response(null, { status: 502 });
      }),
    );
    const probes = Array.from({ length: 8 }, (_, i) => probe(`https://site${i}.example/`));
    const others = Array.from({ length: 8 }, (_, i) => backgroundFetch(`https://other${i}.example/`));
    const answers = await Promise.all([...probes, ...others]);
    expect(answers).toHaveLength(16);
    expect(peak).toBe(MAX_BACKGROUND_REQUESTS);
  });
});
