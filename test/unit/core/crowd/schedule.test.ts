import { describe, expect, it } from 'vitest';
import { sendWithRetry, type After } from '../../../../src/core/crowd/schedule';
import { RETRY_AFTER_MAX_S, RETRY_MIN_MS, type SendOutcome } from '../../../../src/core/crowd/send';

/** A timer that only records: the test fires it when it wants to. */
function manualTimer() {
  const waits: { ms: number; run: () => void; cancelled: boolean }[] = [];
  const after: After = (ms, run) => {
    const entry = { ms, run, cancelled: false };
    waits.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  return { after, waits };
}

function attempts(...outcomes: SendOutcome[]) {
  const calls: number[] = [];
  const attempt = (n: number) => {
    calls.push(n);
    const outcome = outcomes[n - 1] ?? { failed: 'network' };
    return Promise.resolve({ outcome, result: `attempt ${n}` });
  };
  return { attempt, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('sendWithRetry', () => {
  it('stops after a 2xx', async () => {
    const { after, waits } = manualTimer();
    const { attempt, calls } = attempts({ status: 202 });
    expect(await sendWithRetry(attempt, { after, random: () => 0 })).toEqual({ result: 'attempt 1', attempts: 1 });
    expect(calls).toEqual([1]);
    expect(waits).toHaveLength(0);
  });

  it.each<SendOutcome>([{ status: 400 }, { status: 413 }, { status: 302 }, { status: 429, retryAfter: String(RETRY_AFTER_MAX_S + 1) }])(
    'drops %j without retrying',
    async (outcome) => {
      const { after, waits } = manualTimer();
      const { attempt, calls } = attempts(outcome);
      expect((await sendWithRetry(attempt, { after, random: () => 0 })).attempts).toBe(1);
      expect(calls).toEqual([1]);
      expect(waits).toHaveLength(0);
    },
  );

  it.each<SendOutcome>([{ failed: 'timeout' }, { failed: 'network' }, { status: 503 }])(
    'retries %j exactly once, 10–30 s later',
    async (outcome) => {
      const { after, waits } = manualTimer();
      const { attempt, calls } = attempts(outcome, outcome);
      const done = sendWithRetry(attempt, { after, random: () => 0 });
      await settle();
      expect(calls).toEqual([1]);
      expect(waits.map((w) => w.ms)).toEqual([RETRY_MIN_MS]);
      waits[0]!.run();
      expect(await done).toEqual({ result: 'attempt 2', attempts: 2, retriedAfterMs: RETRY_MIN_MS });
      expect(calls).toEqual([1, 2]);
      expect(waits).toHaveLength(1);
    },
  );

  it("waits a 429's Retry-After", async () => {
    const { after, waits } = manualTimer();
    const { attempt } = attempts({ status: 429, retryAfter: '7' }, { status: 202 });
    const done = sendWithRetry(attempt, { after, random: () => 0.5 });
    await settle();
    expect(waits.map((w) => w.ms)).toEqual([7_000]);
    waits[0]!.run();
    expect((await done).attempts).toBe(2);
  });

  it('an abort before the retry cancels it', async () => {
    const { after, waits } = manualTimer();
    const { attempt, calls } = attempts({ status: 503 });
    const controller = new AbortController();
    const done = sendWithRetry(attempt, { after, random: () => 0, signal: controller.signal });
    await settle();
    controller.abort();
    expect(await done).toEqual({ result: 'attempt 1', attempts: 1 });
    expect(waits[0]!.cancelled).toBe(true);
    expect(calls).toEqual([1]);
  });

  it('no retry once already aborted', async () => {
    const { after, waits } = manualTimer();
    const { attempt } = attempts({ failed: 'timeout' });
    const controller = new AbortController();
    controller.abort();
    expect((await sendWithRetry(attempt, { after, random: () => 0, signal: controller.signal })).attempts).toBe(1);
    expect(waits).toHaveLength(0);
  });
});
