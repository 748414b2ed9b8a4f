import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QUIET_AFTER_OVERLOAD_MS, quietUntil } from '../../../../src/core/retry/quiet';

const AT = Date.UTC(2026, 10, 26, 10, 0, 0);

describe('quietUntil: when a site that answered may be asked again', () => {
  it('503 and 429 get at least 5 s of quiet, with or without headers', () => {
    expect(quietUntil({ status: 503, at: AT })).toBe(AT + QUIET_AFTER_OVERLOAD_MS);
    expect(quietUntil({ status: 429, at: AT })).toBe(AT + 5_000);
    expect(quietUntil({ status: 503, retryAfter: '1', at: AT })).toBe(AT + 5_000);
    expect(quietUntil({ status: 503, retryAfter: 'soon', at: AT })).toBe(AT + 5_000);
  });

  it('a longer Retry-After is honoured, in seconds or as a date', () => {
    expect(quietUntil({ status: 503, retryAfter: '120', at: AT })).toBe(AT + 120_000);
    expect(quietUntil({ status: 502, retryAfter: '30', at: AT })).toBe(AT + 30_000);
    expect(quietUntil({ status: 429, retryAfter: 'Thu, 26 Nov 2026 10:01:00 GMT', at: AT })).toBe(AT + 60_000);
    expect(quietUntil({ status: 503, retryAfter: '999999999', at: AT })).toBe(AT + 5_000); // implausible: ignored
  });

  it('other answers ask for no wait', () => {
    for (const status of [500, 502, 504, 520, 200, undefined]) expect(quietUntil({ ...(status ? { status } : {}), at: AT })).toBe(AT);
  });

  it('is total and never earlier than the answer', () => {
    fc.assert(
      fc.property(fc.option(fc.integer()), fc.option(fc.string()), fc.integer({ min: 0, max: 4e12 }), (status, retryAfter, at) => {
        const until = quietUntil({ ...(status !== null ? { status } : {}), ...(retryAfter !== null ? { retryAfter } : {}), at });
        return until >= at && until <= at + 3_600_000;
      }),
    );
    expect(quietUntil({ status: 503, at: Number.NaN })).toBe(0);
  });
});
