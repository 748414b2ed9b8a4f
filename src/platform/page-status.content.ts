/**
 * Chrome builds: the one thing that runs in every web page's top frame (isolated world, at
 * document_idle, declared in the Chrome manifest by scripts/manifest.ts). It reads the status the
 * page was served with from the Performance API and says something ONLY when it is a 5xx: a
 * healthy page sends no message (the worker is not woken) and nothing in it is read beyond that
 * number, added to or changed. Deliberately tiny and dependency-free: it is parsed for every page.
 */
declare const chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };

(() => {
  const entry = performance.getEntriesByType('navigation')[0] as (PerformanceNavigationTiming & { responseStatus?: number }) | undefined;
  const status = entry?.responseStatus;
  // The worker takes the tab, the frame and the address from the sender, never from here.
  if (typeof status === 'number' && status >= 500 && status <= 599) {
    // When the answer arrived (epoch ms): the same for every sending, so a report sent twice is one failure.
    const time = Math.round(performance.timeOrigin + (entry!.responseStart || 0));
    // The worker answers { ok: true } once the incident is recorded. A worker stopped before that
    // (Chrome stops workers; an update restarts them; one being stopped has no listener) closes
    // the channel or refuses it, and one whose recording failed answers otherwise: say it again,
    // backing off, for about 15 s.
    const send = (attempt: number): void => {
      const again = (): void => {
        if (attempt < 5) setTimeout(() => send(attempt + 1), 500 * 2 ** attempt);
      };
      let sent: Promise<unknown>;
      try {
        sent = chrome.runtime.sendMessage({ type: 'page-status', status, time });
      } catch {
        return; // this script outlived its extension (updated or removed): nobody to tell
      }
      sent.then((answer) => {
        if ((answer as { ok?: unknown } | undefined)?.ok !== true) again();
      }, again);
    };
    send(0);
  }
})();
