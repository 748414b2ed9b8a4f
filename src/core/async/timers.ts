/**
 * Every timer the background sets goes through here, so the worker can say how many are pending
 * (the soak's "timers" column: a timer that is never cleared or fired is a leak). It sits
 * in core, not platform, because checks/ (which may not import platform) set timers too; a timer
 * is plain JavaScript, not a browser API. Timers are called at the moment they are set, never
 * captured at load, so tests' fake clocks still apply. Lint keeps bare setTimeout out of the
 * background, checks and platform (eslint.config.js).
 */
export type Timer = ReturnType<typeof setTimeout>;

const pending = new Set<Timer>();

/** Runs `run` once after `ms`; it no longer counts as pending from the moment it starts (even if it throws). */
export function after(ms: number, run: () => void): Timer {
  const timer: Timer = setTimeout(() => {
    pending.delete(timer);
    run();
  }, ms);
  pending.add(timer);
  return timer;
}

/** Cancels a timer from `after` (nothing for `undefined`, one that already ran, or one cancelled before). */
export function cancel(timer: Timer | undefined): void {
  if (timer === undefined || !pending.delete(timer)) return;
  clearTimeout(timer);
}

/** A promise that resolves after `ms`, counted as pending until then. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => after(ms, resolve));

/** Timers set and neither fired nor cancelled yet. */
export const timersPending = (): number => pending.size;
