/**
 * Chrome builds: the one thing that runs in every web page's top frame (isolated world, at
 * document_idle, declared in the Chrome manifest by scripts/manifest.ts). It reads the status the
 * page was served with from the Performance API and says something ONLY when it is a 5xx: a
 * healthy page sends no message (the worker is not woken) and nothing in it is read beyond that
 * number, added to or changed. Deliberately tiny and dependency-free: it is parsed for every page.
 */
declare const chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };

(() => {
  const entry = performance.getEntriesByType('navigation')[0] as (PerformanceEntry & { responseStatus?: number }) | undefined;
  const status = entry?.responseStatus;
  // The worker takes the tab, the frame and the address from the sender, never from here.
  if (typeof status === 'number' && status >= 500 && status <= 599) {
    // The worker answers once the incident is recorded. A worker stopped before that (Chrome stops
    // workers; an update restarts them) closes the channel: say it again, up to three times.
    const send = (attempt: number): void => {
      chrome.runtime.sendMessage({ type: 'page-status', status }).catch(() => {
        if (attempt < 3) setTimeout(() => send(attempt + 1), 500 * 2 ** attempt);
      });
    };
    send(0);
  }
})();
