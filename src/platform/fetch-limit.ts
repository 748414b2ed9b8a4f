/**
 * The one limit on requests the extension itself sends (retry probes, header re-probes, every
 * diagnosis check): at most {@link MAX_BACKGROUND_REQUESTS} in flight at once, whatever the number
 * of failing sites, first come first served. Fifty failing tabs on fifty origins do not fire fifty
 * requests together when the browser comes back online or the worker restarts. In-flight state
 * only: nothing here needs to survive the worker.
 */
import { concurrencyLimit } from '../core/concurrency';

export const MAX_BACKGROUND_REQUESTS = 4;
const inFlight = concurrencyLimit(MAX_BACKGROUND_REQUESTS);

/** Runs one background request when a slot is free. Start its timeout inside `task`: waiting for a slot does not count. */
export const inBackgroundSlot = <T>(task: () => Promise<T>): Promise<T> => inFlight.run(task);

/** `fetch` for requests the extension makes by itself, under the same limit. */
export const backgroundFetch: typeof fetch = (input, init) => inFlight.run(() => fetch(input, init));
