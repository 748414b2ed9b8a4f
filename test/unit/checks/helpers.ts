import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { endpointsAt } from '../../../src/checks/kit/endpoints';
import type { CheckContext } from '../../../src/checks/kit/types';
import { startOutsideServices, type OutsideServices } from '../../fixtures/outside-services.mjs';

/** The failing page: its path, query and fragment must never reach any outside service. */
export const FAILING_URL = 'https://shop.example/account/orders?session=SECRET123&ref=mail#details';
export const PRIVATE_PARTS = ['account', 'orders', 'SECRET123', 'session', 'details', 'mail'];

export function contextFor(services: OutsideServices, overrides: Partial<CheckContext> = {}): CheckContext {
  return {
    host: 'shop.example',
    origin: 'https://shop.example',
    url: FAILING_URL,
    fetch: globalThis.fetch,
    endpoints: endpointsAt(services.base),
    now: Date.now,
    ...overrides,
  };
}

/** Nothing but the host (and the origin's scheme/port) of the failing page was sent anywhere, and no cookie or referrer. */
export function expectOnlyHostSent(services: OutsideServices): void {
  // The failing site itself may be asked for its own page again (the re-probe): it knows its URLs.
  for (const request of services.log.filter((r) => r.service !== 'site')) {
    const sent = `${request.path}${request.search} ${request.body} ${request.host ?? ''}`;
    for (const part of PRIVATE_PARTS) expect(sent, `${request.service} ${request.method} ${request.path}`).not.toContain(part);
    expect(request.cookie).toBeUndefined();
    expect(request.referer).toBeUndefined();
  }
}

export const never = (): AbortSignal => new AbortController().signal;

/** A port nothing listens on (connection refused). */
export const CLOSED = 'http://127.0.0.1:9';

export async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

/**
 * One stand-in server for a test file, started before its tests and stopped after them, with
 * default behaviour and an empty log before each test. Used as if it were the server itself.
 */
export function useOutsideServices(): OutsideServices {
  let current: OutsideServices | undefined;
  beforeAll(async () => {
    current = await startOutsideServices();
  });
  afterAll(() => current?.stop());
  beforeEach(() => {
    current!.setBehaviour();
    current!.clearLog();
  });
  return new Proxy({} as OutsideServices, {
    get(_, key) {
      if (!current) throw new Error('outside services not started yet');
      const value = Reflect.get(current, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}

/**
 * How late a test on real time (a real local server, real timers) may end and still count as "on
 * time". CI and the dev machines have 2 cores shared with browsers (load average 5–8): a timer or a
 * local answer can come several hundred milliseconds late there. A bound of `deadline + LATE_MS`
 * still tells "ended at its deadline" from what it rules out: a hanging server never answers,
 * delayed results come after 5 s, the checks' own budgets are 3–12 s and the test timeout is 5 s.
 */
export const LATE_MS = 1_500;

/**
 * A deadline for runs that must finish by themselves: the run ends as soon as every check has
 * answered, so a long deadline costs nothing when all goes well, and under load a slow answer from
 * the local stand-in is not turned into a timeout (or a DNS wait, a third of it, cut short).
 */
export const ROOMY_DEADLINE_MS = 4_000;
