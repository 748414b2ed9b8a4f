import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterSend, RETRY_AFTER_MAX_S, RETRY_MIN_MS, RETRY_SPREAD_MS, type SendOutcome } from '../../../../src/core/crowd/send';

describe('afterSend', () => {
  it('is done on 202, counted or not', () => {
    expect(afterSend({ status: 202 }, 1, 0.5)).toEqual({ next: 'done' });
    expect(afterSend({ status: 202 }, 2, 0.5)).toEqual({ next: 'done' });
  });

  it.each([400, 404, 405, 413, 415])('drops a %i: the same report would fail again', (status) => {
    expect(afterSend({ status }, 1, 0.5)).toEqual({ next: 'drop' });
  });

  it.each<SendOutcome>([{ status: 500 }, { status: 503 }, { status: 408 }, { failed: 'network' }, { failed: 'timeout' }])(
    'retries %j once, 10–30 s later',
    (outcome) => {
      expect(afterSend(outcome, 1, 0)).toEqual({ next: 'retry', inMs: RETRY_MIN_MS });
      expect(afterSend(outcome, 1, 0.5)).toEqual({ next: 'retry', inMs: RETRY_MIN_MS + RETRY_SPREAD_MS / 2 });
      expect(afterSend(outcome, 2, 0.5)).toEqual({ next: 'drop' });
    },
  );

  it('waits the Retry-After of a 429 when it is short, else drops the report', () => {
    expect(afterSend({ status: 429, retryAfter: '12' }, 1, 0.5)).toEqual({ next: 'retry', inMs: 12_000 });
    expect(afterSend({ status: 429, retryAfter: '0' }, 1, 0.5)).toEqual({ next: 'retry', inMs: 1_000 });
    expect(afterSend({ status: 429, retryAfter: String(RETRY_AFTER_MAX_S + 1) }, 1, 0.5)).toEqual({ next: 'drop' });
    expect(afterSend({ status: 429, retryAfter: 'soon' }, 1, 0.5)).toEqual({ next: 'retry', inMs: RETRY_MIN_MS + RETRY_SPREAD_MS / 2 });
    expect(afterSend({ status: 429, retryAfter: '5' }, 2, 0.5)).toEqual({ next: 'drop' });
  });

  it('tries at most twice in all, and waits at most a minute, whatever happens (property)', () => {
    const outcome = fc.oneof(
      fc.record({ status: fc.integer({ min: 100, max: 999 }), retryAfter: fc.option(fc.string(), { nil: undefined }) }),
      fc.constantFrom<SendOutcome>({ failed: 'network' }, { failed: 'timeout' }),
    );
    fc.assert(
      fc.property(outcome, fc.double({ min: -1, max: 2, noNaN: true }), (o, random) => {
        const first = afterSend(o, 1, random);
        if (first.next === 'retry') expect(first.inMs).toBeGreaterThanOrEqual(1_000);
        if (first.next === 'retry') expect(first.inMs).toBeLessThanOrEqual(RETRY_AFTER_MAX_S * 1000);
        expect(afterSend(o, 2, random).next).not.toBe('retry');
      }),
    );
  });
});
