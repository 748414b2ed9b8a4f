// The local sites the soak and chaos runs browse, all on 127.0.0.1:
//   - two corpus servers (test/fixtures/error-corpus.mjs): real-world 5xx pages and the corpus's
//     healthy pages that talk about errors, on two origins so two retry schedules run at once;
//   - a healthy site: plain pages, single-page apps that rewrite their address with pushState
//     many times, and soft errors (an nginx "502 Bad Gateway" page served with 200);
//   - a site that drops every connection (a network error: reset) and a port nobody listens on
//     (a network error: refused);
//   - flaky sites for the chaos run: 502 (or refused) while failing, 200 once recovered.
import { createServer } from 'node:http';
import { freePort } from '../fixtures/demo-site.mjs';
import { CORPUS, startCorpusServer } from '../fixtures/error-corpus.mjs';

const page = (title, body, head = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;

/** What nginx's own 502 page says, served with 200: a soft error. */
const SOFT_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** A single-page app: rewrites its address `steps` times with pushState (each with a title), then sets `__spaDone`. */
const spaPage = (steps) =>
  page(
    'Shop',
    '<main id="app">loading</main>',
    `<script>
      let i = 0;
      const step = () => {
        if (i === ${steps}) { window.__spaDone = true; document.getElementById('app').textContent = 'done'; return; }
        history.pushState({ i }, '', location.pathname.replace(/\\/route-\\d+$/, '') + '/route-' + i + location.search);
        document.title = 'Shop · item ' + i;
        i += 1;
        setTimeout(step, 5);
      };
      setTimeout(step, 5);
    </script>`,
  );

async function listen(handler) {
  const site = await listenOn(0, handler);
  return { ...site, origin: `http://127.0.0.1:${site.server.address().port}` };
}

export const SPA_STEPS = 30;

/** The healthy site: `/ok/…` pages, `/spa/…` apps (SPA_STEPS pushStates), `/soft/…` soft errors. */
async function startHealthySite() {
  return listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
    if (path === '/favicon.ico') return res.writeHead(204).end();
    if (path.startsWith('/soft/')) return res.writeHead(200, headers).end(SOFT_PAGE);
    if (path.startsWith('/spa/')) return res.writeHead(200, headers).end(spaPage(SPA_STEPS));
    res.writeHead(200, headers).end(page(`Page ${path}`, `<h1>Healthy</h1><p>${path}</p>`));
  });
}

/** Everything the soak browses. `urls` build each kind of page; every call may add a unique query. */
export async function startSoakSites() {
  const corpus = [await startCorpusServer(), await startCorpusServer()];
  const healthy = await startHealthySite();
  const reset = await listen((req) => req.socket.destroy());
  const refusedOrigin = `http://127.0.0.1:${await freePort()}`;
  const errors = CORPUS.filter((e) => e.kind === 'error');
  const healthyCorpus = CORPUS.filter((e) => e.kind === 'healthy');
  return {
    corpus,
    errors,
    healthyCorpus,
    healthyOrigin: healthy.origin,
    resetOrigin: reset.origin,
    refusedOrigin,
    stop: () => Promise.all([...corpus.map((c) => c.stop()), healthy.stop(), reset.stop()]).then(() => undefined),
  };
}

/**
 * A site that fails until `recover()`: `mode` 'http' answers 502 (nginx's page), 'refused' closes
 * its port (and opens the same port again on recovery). `/start` is always healthy while listening.
 */
export async function startFlakySite(mode = 'http') {
  let failing = true;
  const log = [];
  const handler = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    log.push({ path, dest: req.headers['sec-fetch-dest'] ?? null, failing, at: Date.now() });
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
    if (path === '/favicon.ico') return res.writeHead(204).end();
    if (failing && path !== '/start') {
      return res
        .writeHead(502, { ...headers, server: 'nginx' })
        .end(
          '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
        );
    }
    res.writeHead(200, headers).end(page('Back', `<h1>Back online</h1><p>${path}</p>`));
  };
  // Refused: the port stays closed while failing, so it is one no `listen(0)` of another process can be given meanwhile.
  const port = mode === 'refused' ? await freePort() : 0;
  let site = await listenOn(port, handler);
  const origin = `http://127.0.0.1:${site.server.address().port}`;
  if (mode === 'refused') await site.stop();
  return {
    origin,
    log,
    mode,
    get failing() {
      return failing;
    },
    async recover() {
      failing = false;
      if (mode === 'refused') {
        site = await listenOn(port, handler);
      }
    },
    async fail() {
      failing = true;
      if (mode === 'refused') await site.stop();
    },
    stop: () => site.stop().catch(() => undefined),
  };
}

async function listenOn(port, handler) {
  const server = createServer(handler);
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    server,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
