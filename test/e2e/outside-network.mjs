// The network the e2e browsers see when the outside services are stood in (test/fixtures/outside-services.mjs):
// a throw-away certificate for the services' real names, Firefox's recording proxy, and a browser launched
// so that every outside name reaches the stand-in (Chromium: host-resolver rules; Firefox: the proxy).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { REAL_HOSTS } from '../fixtures/outside-services.mjs';
import { launchBrowser } from './browsers.mjs';

/** A throw-away self-signed certificate (in `dir`) for the real service names and `extraHosts` (trusted by nobody). */
export function selfSignedCertificate(dir, extraHosts = []) {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const names = [...REAL_HOSTS, ...extraHosts].map((h) => `DNS:${h}`).join(',');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=downcheck stand-in',
      '-addext',
      `subjectAltName=${names}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/**
 * Firefox's view of the network: a forward proxy that records every request (plain HTTP: the full
 * URL; HTTPS: `CONNECT host:port`). Plain HTTP to a host in `routes` is served by that local port
 * (a port where nothing listens: the connection is dropped, as a closed port would); HTTPS to a host
 * in `tunnels` is tunnelled to that local port (the stand-in, which then sees the request itself);
 * everything else is refused, so nothing leaves the machine. `routes` may change between scenarios.
 */
export async function startRecordingProxy({ routes, tunnels }) {
  const log = [];
  const server = createServer((req, res) => {
    let target;
    try {
      target = new URL(req.url);
    } catch {
      return void res.writeHead(400).end();
    }
    log.push({ method: req.method, host: target.hostname, target: req.url, referer: req.headers.referer, time: Date.now() });
    const port = routes[target.hostname];
    if (!port) return void res.writeHead(502, { 'content-type': 'text/plain' }).end('refused by the test proxy');
    const headers = { ...req.headers };
    for (const hop of ['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive']) delete headers[hop];
    const upstream = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: target.pathname + target.search, headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, socket, head) => {
    const [, host, port] = /^\[?(.*?)\]?:(\d+)$/.exec(req.url) ?? [undefined, req.url, ''];
    log.push({ method: 'CONNECT', host, target: req.url, time: Date.now() });
    socket.on('error', () => undefined);
    const to = port === '443' ? tunnels[host] : undefined;
    if (!to) return void socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
    const upstream = createConnection({ host: '127.0.0.1', port: to }, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    routes,
    clearLog: () => void (log.length = 0),
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A browser whose outside names all reach the stand-in. Chromium: `hostRules` first, then every other
 * name → `servicesPort` (loopback excluded), its certificate accepted by flag. Firefox: everything
 * through `proxy` but loopback and `direct` (read from the environment at start-up, restored at once).
 * `allowPrivate`: the extension may run in private windows (launchChromium, launchFirefox).
 */
export async function launchWithOutsideServices(name, { extensionDir, servicesPort, hostRules = [], proxy, direct = [], allowPrivate }) {
  if (name === 'chromium') {
    const rules = [...hostRules, `MAP * 127.0.0.1:${servicesPort}`, 'EXCLUDE localhost', 'EXCLUDE 127.0.0.1'].join(', ');
    return launchBrowser(name, { extensionDir, allowPrivate, args: [`--host-resolver-rules=${rules}`, '--ignore-certificate-errors'] });
  }
  const bypass = ['localhost', '127.0.0.1', ...direct].join(',');
  // Firefox reads these at start-up ("use system proxy settings", its default).
  const keys = ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  Object.assign(process.env, {
    http_proxy: proxy.url,
    https_proxy: proxy.url,
    HTTP_PROXY: proxy.url,
    HTTPS_PROXY: proxy.url,
    no_proxy: bypass,
    NO_PROXY: bypass,
  });
  try {
    return await launchBrowser(name, { extensionDir, allowPrivate, acceptInsecureCerts: true });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Public-looking names, all served by one local site (127.0.0.1 and localhost are private hosts, which Downcheck never
 * reports): Chromium maps them with `--host-resolver-rules` (every other name resolves as usual); Firefox reaches them
 * through a recording proxy (loopback, a local crowd service included, goes direct).
 */
export async function servePublicNames(hosts, port, browsers) {
  const proxy = browsers.includes('firefox')
    ? await startRecordingProxy({ routes: Object.fromEntries(hosts.map((h) => [h, port])), tunnels: {} })
    : undefined;
  return {
    launch(name, { extensionDir, allowPrivate }) {
      if (name === 'chromium') {
        const rules = [...hosts.map((h) => `MAP ${h} 127.0.0.1:${port}`), 'EXCLUDE localhost', 'EXCLUDE 127.0.0.1'];
        return launchBrowser(name, { extensionDir, allowPrivate, args: [`--host-resolver-rules=${rules.join(', ')}`] });
      }
      return launchWithOutsideServices(name, { extensionDir, proxy, allowPrivate });
    },
    stop: async () => proxy?.stop(),
  };
}
