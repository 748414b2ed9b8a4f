/**
 * The one way the extension sends requests by itself (retry probes, header re-probes, every
 * diagnosis check), with two guarantees:
 *
 * - at most {@link MAX_BACKGROUND_REQUESTS} in flight at once, whatever the number of failing
 *   sites, first come first served: fifty failing tabs do not fire fifty requests together when the
 *   browser comes back online or the worker restarts (in-flight state only);
 * - the browser never follows a redirect for them (`redirect: 'manual'`, whatever the caller
 *   asked), and none carries cookies, a referrer or a cached answer. Both Chromium and Firefox
 *   hide an opaque redirect's Location from extensions, so a redirect ends the request there; a
 *   readable one is judged hop by hop (core/net/next-hop.ts, checks/kit/http.ts). See docs/requests.md.
 */
import { concurrencyLimit } from '../core/async/concurrency';

export const MAX_BACKGROUND_REQUESTS = 4;
const inFlight = concurrencyLimit(MAX_BACKGROUND_REQUESTS);

/** Runs one background request when a slot is free. Start its timeout inside `task`: waiting for a slot does not count. */
export const inBackgroundSlot = <T>(task: () => Promise<T>): Promise<T> => inFlight.run(task);

/** What every background request is sent with, overriding the caller's own choice of these. */
export const BACKGROUND_REQUEST_INIT = Object.freeze({
  redirect: 'manual',
  credentials: 'omit',
  cache: 'no-store',
  referrerPolicy: 'no-referrer',
} as const satisfies RequestInit);

/** `fetch` under the rules above, without waiting for a slot (the caller holds one). */
export const guardedFetch = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> =>
  fetch(input, { ...init, ...BACKGROUND_REQUEST_INIT });

/** `fetch` for requests the extension makes by itself: a slot, then {@link guardedFetch}. */
export const backgroundFetch: typeof fetch = (input, init) => inFlight.run(() => guardedFetch(input, init));
