/**
 * When Downcheck may next send a request to a site that answered, whoever sends it (the header
 * re-probe of Chrome builds, the diagnosis re-probe, the auto-retry's first probe): the one rule
 * all of them ask.
 *
 * - A site that answered 503 (overloaded, in maintenance) or 429 (too many requests) gets no
 *   request for at least {@link QUIET_AFTER_OVERLOAD_MS}, whether or not its headers were seen.
 * - Its `Retry-After`, once an answer whose headers can be read carried one, is honoured (as
 *   core/retry-after bounds it).
 * - Any other answer imposes no wait.
 */
import { parseRetryAfter } from './retry-after';

export const QUIET_AFTER_OVERLOAD_MS = 5_000;

/** Statuses that ask the client to back off. */
export const asksForQuiet = (status: number | undefined): boolean => status === 503 || status === 429;

/**
 * The earliest time (epoch ms) of the next request to a site that answered `status` at `at`
 * (epoch ms), with `retryAfter` as its raw header when it was readable. `at` when nothing asks
 * for a wait; never earlier than `at`. Bad input (a non-finite time) gives no wait.
 */
export function quietUntil({
  status,
  retryAfter,
  at,
}: {
  status?: number | undefined;
  retryAfter?: string | undefined;
  at: number;
}): number {
  if (!Number.isFinite(at)) return 0;
  const floor = asksForQuiet(status) ? QUIET_AFTER_OVERLOAD_MS : 0;
  const asked = parseRetryAfter(retryAfter, at) ?? 0;
  return at + Math.max(floor, asked);
}
