// Runs a report's attempts under send.ts's rules: at most two, the second only when afterSend says so and after
// its delay. Pure: the attempt and the timer are injected, so tests drive it without a network or a clock.
import { afterSend, type SendOutcome } from './send';

/** Runs `run` after `ms`; returns a function that cancels it. */
export type After = (ms: number, run: () => void) => () => void;

export interface Scheduled<R> {
  /** The last attempt's own result. */
  result: R;
  attempts: number;
  /** The wait before the second attempt, when there was one (ms). */
  retriedAfterMs?: number;
}

/**
 * Attempt 1, then at most one retry. `attempt` never throws and says, besides its own result, what happened on the
 * wire (`outcome`). An abort of `signal` before the retry cancels it: the first attempt's result stands.
 */
export function sendWithRetry<R>(
  attempt: (n: number) => Promise<{ outcome: SendOutcome; result: R }>,
  options: { after: After; random: () => number; signal?: AbortSignal },
): Promise<Scheduled<R>> {
  const { after, random, signal } = options;
  return attempt(1).then((first) => {
    const next = afterSend(first.outcome, 1, random());
    if (next.next !== 'retry' || signal?.aborted) return { result: first.result, attempts: 1 };
    return new Promise<Scheduled<R>>((resolve) => {
      const onAbort = () => {
        cancelTimer();
        resolve({ result: first.result, attempts: 1 });
      };
      const cancelTimer = after(next.inMs, () => {
        signal?.removeEventListener('abort', onAbort);
        void attempt(2).then((second) => resolve({ result: second.result, attempts: 2, retriedAfterMs: next.inMs }));
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  });
}
