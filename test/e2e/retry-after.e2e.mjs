// A site that answers 503 asks for quiet: Downcheck sends it nothing for at
// least 5 s, and from the first answer whose headers it can read (Firefox: the page's own; Chrome:
// its header re-probe, itself sent only after the 5 s), its Retry-After is honoured. A node
// server logs every request with its time and whether the browser (navigation) or the extension
// (fetch) sent it.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BROWSERS, poll, withBrowser } from './browsers.mjs';

const RETRY_AFTER_S = 8;
const WATCH_MS = 16_000;
const log = [];
let server;
let origin;

before(async () => {
  server = createServer((req, res) => {
    const mode = req.headers['sec-fetch-mode'];
    log.push({ path: req.url, at: Date.now(), by: mode === 'navigate' ? 'page' : 'extension' });
    if (req.url.startsWith('/start')) {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Start</title><p>start</p>');
      return;
    }
    res.writeHead(503, { 'content-type': 'text/html', 'retry-after': String(RETRY_AFTER_S), server: 'nginx', 'cache-control': 'no-store' });
    res.end('<html><head><title>Shop</title></head><body>Back soon.</body></html>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((resolve) => server.close(resolve)));

for (const name of BROWSERS) {
  describe(`${name}: Retry-After`, () => {
    it(`a 503 with Retry-After: ${RETRY_AFTER_S} gets no request for 5 s, then none before its Retry-After`, { timeout: 90_000 }, () =>
      withBrowser(name, async (browser) => {
        const path = `/busy-${name}`;
        const page = await browser.openPage(`${origin}/start-${name}`);
        const tabId = await browser.tabIdOf(page);
        await browser.navigateInPage(page, `${origin}${path}`);
        await poll(
          () =>
            browser.extEval(async (id) => {
              const api = globalThis.browser ?? globalThis.chrome;
              const got = await api.storage.session.get(`incident:${id}`);
              return got[`incident:${id}`]?.status === 503 ? true : undefined;
            }, tabId),
          { timeoutMs: 5_000, what: 'the 503 incident' },
        );
        const answered = log.find((e) => e.path === path && e.by === 'page').at;
        const extensionRequests = () => log.filter((e) => e.path === path && e.by === 'extension').map((e) => e.at - answered);
        // The first answer Downcheck reads the headers of: Firefox the page's own, Chrome its first request's.
        const headersSeen = (ours) => (name === 'firefox' ? 0 : ours[0]);
        // Watched until the first request after the Retry-After (nothing later is judged), at most WATCH_MS.
        await poll(
          () => {
            const ours = extensionRequests();
            return ours.length > 0 && ours.some((ms) => ms >= headersSeen(ours) + RETRY_AFTER_S * 1000) ? true : undefined;
          },
          { timeoutMs: WATCH_MS - (Date.now() - answered), intervalMs: 100 },
        ).catch(() => undefined);
        const ours = extensionRequests();
        const table = `extension requests (ms after the page's 503): ${JSON.stringify(ours)}`;
        console.log(`${name}: ${table}`);
        assert.ok(ours.length > 0, `the site was never asked again within ${WATCH_MS} ms: ${table}`);
        assert.ok(
          ours.every((ms) => ms >= 5_000),
          `a request within 5 s of the 503: ${table}`,
        );
        const headersSeenAt = headersSeen(ours);
        // One request sent with the first, before its answer could be read (the retry's probe and the diagnosis's
        // go out together), may arrive up to a second and a half after it on a loaded machine; any other request
        // before the Retry-After ended is early.
        const between = ours.filter((ms) => ms > headersSeenAt + 300 && ms < headersSeenAt + RETRY_AFTER_S * 1000);
        const companion = between.length > 0 && between[0] <= headersSeenAt + 1_500 ? 1 : 0;
        const early = between.slice(companion);
        assert.deepEqual(early, [], `requests before the Retry-After (${RETRY_AFTER_S} s after ${headersSeenAt} ms) ended: ${table}`);
      }),
    );
  });
}
