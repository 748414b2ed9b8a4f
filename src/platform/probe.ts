/**
 * The cheapest question to ask a failing server: "would this page load now?". One GET of the
 * failing URL, read up to the status line only (the body is cancelled), bypassing the HTTP cache,
 * without cookies (nothing of the visitor's session is replayed, nothing is stored: incognito
 * tabs leave no trace), bounded in time.
 */
export interface ProbeResult {
  status?: number;
  retryAfter?: string;
  /** Network failure or timeout: the probe never got a status. */
  error?: string;
  ms: number;
}

export const PROBE_TIMEOUT_MS = 15_000;

export async function probe(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'GET',
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'follow',
      signal: controller.signal,
    });
    void response.body?.cancel().catch(() => undefined);
    const retryAfter = response.headers.get('retry-after');
    return { status: response.status, ...(retryAfter ? { retryAfter: retryAfter.slice(0, 64) } : {}), ms: performance.now() - started };
  } catch (error) {
    return { error: controller.signal.aborted ? 'timeout' : error instanceof Error ? error.name : 'error', ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
