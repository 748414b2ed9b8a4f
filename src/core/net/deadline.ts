// One request's time limit and size limit, shared by the checks' HTTP and the crowd client: pure over fetch's
// standard objects (AbortController, ReadableStream), with its timer from core/async/timers.
import { after, cancel } from '../async/timers';

/** Races a promise against the deadline: a fetch or a body stream that ignores its signal still cannot hold the caller. */
export type Guard = <X>(promise: Promise<X>) => Promise<X>;

export interface Deadline {
  /** Aborted when the parent aborts or the time is up. */
  signal: AbortSignal;
  guard: Guard;
  /** Why it stopped, once it has: the time limit or the parent. */
  cause(): 'timeout' | 'aborted' | undefined;
  /** Stops the timer and releases whatever is still open (an unread body, a stalled stream); harmless after success. */
  dispose(): void;
}

export function deadline(parent: AbortSignal | undefined, timeoutMs: number): Deadline {
  const controller = new AbortController();
  let cause: 'timeout' | 'aborted' | undefined;
  const stop = (why: 'timeout' | 'aborted') => {
    cause ??= why;
    controller.abort();
  };
  const onParentAbort = () => stop('aborted');
  parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = after(Math.max(0, timeoutMs), () => stop('timeout'));
  const stopped = new Promise<never>((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(new Stopped()), { once: true }),
  );
  stopped.catch(() => undefined);
  return {
    signal: controller.signal,
    guard: (promise) => Promise.race([promise, stopped]),
    cause: () => cause,
    dispose: () => {
      cancel(timer);
      parent?.removeEventListener('abort', onParentAbort);
      controller.abort();
    },
  };
}

export class Stopped extends Error {}
export class TooLarge extends Error {}

/** The body, at most `maxBytes` of it: more throws TooLarge, or with `truncate` keeps the first `maxBytes`. */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  guard: Guard,
  truncate = false,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await guard(reader.read());
    if (done) break;
    if (total + value.byteLength > maxBytes) {
      void reader.cancel().catch(() => undefined);
      if (!truncate) throw new TooLarge();
      chunks.push(value.subarray(0, maxBytes - total));
      total = maxBytes;
      break;
    }
    total += value.byteLength;
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
