// `npm run bench:crowd`: the crowd service under load, on this machine, one Node process (and then wrangler dev):
// reports/s spread over many hosts and all on one hot host, bucket read latency meanwhile, and storage per report
// and per host. The load generator (autocannon) shares the machine's cores with the service.
//   CROWD_BENCH_SECONDS=10   length of each load phase
//   CROWD_BENCH_WORKER=0     skip the wrangler dev comparison
//   CROWD_BENCH_PROFILE=dir  write a CPU profile of the Node service (node --cpu-prof) into dir
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { startCrowdProcess } from '../../scripts/crowd-process.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECONDS = Number(process.env.CROWD_BENCH_SECONDS ?? 10);
const HOSTS = 100_000;
const hostKeys = Array.from({ length: HOSTS }, (_, i) => createHash('sha256').update(`host-${i}.example`).digest('hex'));
const HOT = hostKeys[0];
const randomHex = (n) => {
  let s = '';
  while (s.length < n)
    s += Math.floor(Math.random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return s.slice(0, n);
};
// Reporters on many networks, as in a real outage: the Node service trusts the bench's X-Forwarded-For (the
// configured-proxy path), so each report comes from one of NETWORKS /24 blocks. wrangler dev ignores the header.
const NETWORKS = 2000;
const blocks = Array.from(
  { length: NETWORKS },
  () => `${11 + Math.floor(Math.random() * 180)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`,
);
const forwardedFor = () => `${blocks[Math.floor(Math.random() * NETWORKS)]}.${1 + Math.floor(Math.random() * 254)}`;
const body = (hostKey) => JSON.stringify({ v: 1, hostKey, reporter: randomHex(32), kind: 'http5xx', status: 502, via: 'cloudflare' });
const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/** Bucket reads one after another until `stop`, each timed; prefixes from `pick`. */
async function readLoop(url, pick, stop) {
  const times = [];
  let errors = 0;
  while (!stop.done) {
    const started = performance.now();
    try {
      const response = await fetch(`${url}/v1/buckets/${pick()}`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.status !== 200) errors += 1;
    } catch {
      errors += 1;
    }
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { reads: times.length, errors, p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** One load phase: autocannon posting reports while readers time bucket reads. */
async function phase(url, hostOf, readers) {
  const stop = { done: false };
  const reads = readers.map((pick) => readLoop(url, pick, stop));
  const result = await autocannon({
    url: `${url}/v1/reports`,
    method: 'POST',
    connections: 32,
    pipelining: 1,
    duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    requests: [
      { setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'x-forwarded-for': forwardedFor() }, body: body(hostOf()) }) },
    ],
  });
  stop.done = true;
  const readResults = await Promise.all(reads);
  return {
    perSecond: result.requests.total / SECONDS,
    total: result.requests.total,
    accepted: result['2xx'],
    errors: result.errors + result.timeouts + result.non2xx,
    latencyP99: result.latency.p99,
    reads: readResults,
  };
}

/** Bytes of the report tables and of the per-host tables in SQLite files (dbstat), and their row counts. */
function storage(files) {
  const sums = { reportBytes: 0, hostBytes: 0, reports: 0, hosts: 0, fileBytes: 0 };
  for (const file of files) {
    sums.fileBytes += statSync(file).size;
    const db = new Database(file, { readonly: true });
    for (const { name, bytes } of db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all()) {
      if (name === 'reports' || name.startsWith('reports_')) sums.reportBytes += bytes;
      if (name === 'hosts' || name === 'hourly') sums.hostBytes += bytes;
    }
    const has = (t) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t);
    if (has('reports')) sums.reports += db.prepare('SELECT count(*) AS n FROM reports').get().n;
    if (has('hosts')) sums.hosts += db.prepare('SELECT count(*) AS n FROM hosts').get().n;
    db.close();
  }
  return sums;
}

const randomPrefix = () => randomHex(3);
async function run(name, url) {
  const many = await phase(url, () => hostKeys[Math.floor(Math.random() * HOSTS)], [randomPrefix]);
  const hot = await phase(url, () => HOT, [randomPrefix, () => HOT.slice(0, 3)]);
  return { name, many, hot };
}

function startWrangler(dir, port) {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '-c',
      'server/worker/wrangler.jsonc',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      dir,
      '--var',
      'CROWD_RATE_LIMIT:0',
      '--log-level',
      'error',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    ready: (async () => {
      for (let i = 0; i < 120; i += 1) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/v1/health`)).ok) return;
        } catch {
          /* not yet */
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error('wrangler dev did not answer within 60 s');
    })(),
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

const listFiles = (dir) =>
  readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => f.endsWith('.sqlite') && statSync(f).isFile());

const rows = [];
const loadAtStart = loadavg();
const dataDir = mkdtempSync(join(tmpdir(), 'downcheck-crowd-bench-'));
try {
  const db = join(dataDir, 'node', 'crowd.sqlite');
  const profile = process.env.CROWD_BENCH_PROFILE;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const crowd = startCrowdProcess(
    { CROWD_PORT: '0', CROWD_DB: db, CROWD_RATE_LIMIT: '0', CROWD_TRUSTED_PROXIES: '127.0.0.1' },
    { nodeArgs },
  );
  const url = await crowd.url;
  console.log(`Node: ${url}, ${SECONDS} s per phase…`);
  const node = await run('Node + SQLite (1 process)', url);
  await crowd.stop();
  rows.push({ ...node, storage: storage([db]) });

  if (process.env.CROWD_BENCH_WORKER !== '0') {
    const dir = join(dataDir, 'wrangler');
    const wrangler = startWrangler(dir, 18_000 + Math.floor(Math.random() * 1000));
    await wrangler.ready;
    console.log(`wrangler dev: ${wrangler.url}, ${SECONDS} s per phase…`);
    const worker = await run('Worker + DOs (wrangler dev)', wrangler.url);
    await wrangler.stop();
    rows.push({ ...worker, storage: storage(listFiles(dir)) });
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const f0 = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : '–');
console.log(`\nCrowd service benchmark (${SECONDS} s per phase, 32 connections, goal ≥ 5,000 reports/s with 0 errors, bucket p99 ≤ 20 ms)`);
console.log(
  `${cpus().length} cores, load average ${loadAtStart.map((n) => n.toFixed(1)).join(' ')} at the start and ` +
    `${loadavg()
      .map((n) => n.toFixed(1))
      .join(
        ' ',
      )} at the end; the load generator shares the cores; reads time out after 10 s; reports come from ${NETWORKS.toLocaleString('en-US')} networks (Node; one under wrangler dev).\n`,
);
console.log('| engine | load | reports/s | errors | bucket reads p50 / p99 (ms) | hot-prefix reads p50 / p99 (ms) |');
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows) {
  for (const [label, p] of [
    ['many hosts', r.many],
    ['one hot host', r.hot],
  ]) {
    const [random, hotReads] = p.reads;
    console.log(
      `| ${r.name} | ${label} | ${f0(p.perSecond)} | ${p.errors} | ${f1(random.p50)} / ${f1(random.p99)} | ${hotReads ? `${f1(hotReads.p50)} / ${f1(hotReads.p99)}` : '–'} |`,
    );
  }
}
console.log('\n| engine | reports stored | bytes per million reports | hosts | bytes per 100 k hosts (after 24 h) | files on disk |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const s = r.storage;
  console.log(
    `| ${r.name} | ${f0(s.reports)} | ${f0((s.reportBytes / s.reports) * 1e6)} | ${f0(s.hosts)} | ${f0((s.hostBytes / s.hosts) * 1e5)} | ${f0(s.fileBytes)} |`,
  );
}
