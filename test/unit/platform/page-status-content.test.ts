// The status read itself (page-status.content.ts), run as Chrome runs it in a page: it reports a
// 5xx once and keeps reporting, backing off, until the worker says it is recorded.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Answer = () => Promise<unknown>;

async function runStatusRead(status: number | undefined, answers: Answer[], fallback: Answer = async () => ({ ok: true })) {
  const sent: Array<{ message: unknown; at: number }> = [];
  const sendMessage = vi.fn((message: unknown) => {
    sent.push({ message, at: Date.now() });
    return (answers.shift() ?? fallback)();
  });
  vi.stubGlobal('chrome', { runtime: { sendMessage } });
  vi.spyOn(performance, 'getEntriesByType').mockReturnValue(
    status === undefined ? [] : ([{ responseStatus: status, responseStart: 120.4 }] as unknown as PerformanceEntryList),
  );
  vi.resetModules();
  // A classic script, not a module: imported by a path TypeScript does not resolve.
  const script = '../../../src/platform/page-status.content';
  await import(/* @vite-ignore */ script);
  return sent;
}

describe('page-status.content', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('says nothing for a healthy page, a 4xx or a page without a navigation entry', async () => {
    for (const status of [200, 304, 404, 499, 600, undefined]) {
      const sent = await runStatusRead(status, []);
      await vi.runAllTimersAsync();
      expect(sent).toEqual([]);
    }
  });

  it('reports a 5xx once when the worker answers that it is recorded, with the time the answer arrived', async () => {
    const sent = await runStatusRead(502, []);
    await vi.runAllTimersAsync();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message).toEqual({ type: 'page-status', status: 502, time: Math.round(performance.timeOrigin + 120.4) });
  });

  it('sends again, backing off, while the worker is stopped, refuses or answers without ok; the same time each time', async () => {
    const stopped = () => Promise.reject(new Error('The message channel closed before a response was received'));
    const sent = await runStatusRead(503, [stopped, async () => ({ ok: false, error: 'quota' }), async () => undefined]);
    await vi.runAllTimersAsync();
    expect(sent).toHaveLength(4);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at);
    expect(gaps).toEqual([500, 1000, 2000]);
    expect(new Set(sent.map((s) => JSON.stringify(s.message))).size).toBe(1);
  });

  it('gives up after six sendings (about 15 s) when nothing ever answers ok', async () => {
    const sent = await runStatusRead(500, [], () => Promise.reject(new Error('Could not establish connection')));
    await vi.runAllTimersAsync();
    expect(sent).toHaveLength(6);
    expect(sent.at(-1)!.at - sent[0]!.at).toBe(500 + 1000 + 2000 + 4000 + 8000);
  });

  it('stops quietly when it outlived its extension (sendMessage throws at once)', async () => {
    const sent = await runStatusRead(502, [
      () => {
        throw new Error('Extension context invalidated.');
      },
    ]);
    await vi.runAllTimersAsync();
    expect(sent).toHaveLength(1);
  });
});
