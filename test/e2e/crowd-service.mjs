// The crowd service for end-to-end tests: `npm run crowd` in its own process on a fresh SQLite file, behind a small
// recording proxy (what the browser sent, and that nothing was sent), with seeding from other 127.x networks and a
// look straight into the database (what was stored, and what never is).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startCrowdProcess } from '../../scripts/crowd-process.mjs';

/** Bytes of a request body kept in the log: a report is at most 1 KB. */
const LOGGED_BODY_BYTES = 2048;

/** The contract's host key: SHA-256 of the host name, lowercase, without port or trailing dot. */
export const hostKeyOf = (hostName) =>
  createHash('sha256').update(hostName.toLowerCase().replace(/:\d*$/, '').replace(/\.+$/, '')).digest('hex');

/** POST one report straight to the service from `localAddress`; resolves with the status. */
function postReport(base, body, localAddress) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL('/v1/reports', base),
      { method: 'POST', headers: { 'content-type': 'application/json' }, localAddress, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * Starts the service. The browser is pointed at `url` (the proxy); `seed` reports straight to the service from
 * 127.<seed>.<network>.<n> addresses, which the service counts as distinct networks and `requestLog` never shows.
 */
export async function startCrowdForTest() {
  const dataDir = mkdtempSync(join(tmpdir(), 'downcheck-crowd-e2e-'));
  const db = join(dataDir, 'crowd.sqlite');
  const crowd = startCrowdProcess({ CROWD_HOST: '127.0.0.1', CROWD_PORT: '0', CROWD_DB: db }, { timeoutMs: 30_000 });
  let crowdUrl;
  try {
    crowdUrl = await crowd.url;
  } catch (error) {
    await crowd.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  const log = [];
  const proxy = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      log.push({
        at: Date.now(),
        method: req.method,
        path: req.url,
        headers: { ...req.headers },
        body: body.subarray(0, LOGGED_BODY_BYTES).toString('utf8'),
        bodyBytes: size,
      });
      const headers = { ...req.headers, host: new URL(crowdUrl).host };
      const upstream = httpRequest(new URL(req.url ?? '/', crowdUrl), { method: req.method, headers, agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${proxy.address().port}`;

  let seeds = 0;
  const reader = () => new Database(db, { readonly: true, fileMustExist: true });

  return {
    /** The address to build or configure the extension with. */
    url,
    /** The service itself, for requests that must not appear in the log. */
    serviceUrl: crowdUrl,
    /**
     * `reporters` reports of `hostName` (a 502 each), spread round-robin over `networks` networks. Rejects unless
     * every one is answered 202.
     */
    async seed(hostName, reporters, networks, extra = {}) {
      if (!(networks >= 1 && networks <= 250 && reporters >= 1 && reporters <= 60 * networks))
        throw new RangeError('seed: 1–250 networks, ≤ 60 reporters each');
      seeds += 1;
      const block = 100 + (seeds % 150);
      const hostKey = hostKeyOf(hostName);
      for (let i = 0; i < reporters; i += 1) {
        const body = { v: 1, hostKey, reporter: randomBytes(16).toString('hex'), kind: 'http5xx', status: 502, ...extra };
        const address = `127.${block}.${1 + (i % networks)}.${1 + Math.floor(i / networks)}`;
        const status = await postReport(crowdUrl, body, address);
        if (status !== 202) throw new Error(`seed: the service answered ${status} to report ${i + 1} of ${hostName}`);
      }
      return hostKey;
    },
    /** Every stored report of `hostName`, every column as SQLite holds it. */
    reportsFor(hostName) {
      const db = reader();
      try {
        return db.prepare('SELECT * FROM reports WHERE host_key = ? ORDER BY at').all(hostKeyOf(hostName));
      } finally {
        db.close();
      }
    },
    /** Whether any file of the data folder (database, WAL) holds `text` in clear: a path, an address, a host name. */
    dataContains(text) {
      const needle = Buffer.from(text, 'utf8');
      return readdirSync(dataDir).some((name) => readFileSync(join(dataDir, name)).includes(needle));
    },
    /** What reached the service through `url`, oldest first: method, path, headers, body. */
    requestLog: () => log.map((entry) => ({ ...entry, headers: { ...entry.headers } })),
    clearLog() {
      log.length = 0;
    },
    /** Everything the service wrote to stdout and stderr. */
    logs: () => crowd.output(),
    async stop() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(() => resolve()));
      await crowd.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
