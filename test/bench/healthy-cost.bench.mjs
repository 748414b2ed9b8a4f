/**
 * `npm run bench` (or `node test/bench/healthy-cost.bench.mjs`): what Downcheck costs a HEALTHY
 * page. A local page with eleven subresources (2 CSS, 3 JS, 4 PNG, a font, a
 * fetch), served from 127.0.0.1 with `Cache-Control: no-store` so every load fetches everything,
 * is loaded in headless Chromium with each of these extensions, one browser per variant:
 *
 *   EMPTY            a service worker doing nothing, no permissions (the baseline)
 *   DOWNCHECK        the real build, dist/chrome (built first if missing): webNavigation (one
 *                    commit event during a load, no tabs.onUpdated listener), and a status read
 *                    injected with executeScript into every top-level page once its load has
 *                    completed (background/detect/chrome-load.ts, platform/navigation.ts)
 *   DOWNCHECK-WEBREQUEST  the same sources built with DOWNCHECK_DETECTION=webRequest: the design
 *                    the Chrome build left behind (webRequest on main frames, as Firefox keeps)
 *   WEBREQUEST-ONLY  webRequest + http(s)://*\/* and a main_frame onResponseStarted listener that
 *                    does nothing: the cost of the mechanism alone
 *   WEBNAVIGATION    webNavigation only (no host access), onCommitted/onErrorOccurred listeners
 *                    for frameId 0 that do nothing: the alternative design
 *   HOSTS-ONLY       http(s)://*\/* host access without webRequest
 *   TITLE-ONLY       the design Chrome builds had before: webNavigation
 *                    onCommitted/onCompleted and a tabs.get for the title of every completed page;
 *                    nothing runs in a healthy page whose title looks healthy
 *   STATUS-SCRIPT    the design the Chrome build had before: a manifest content script (isolated
 *                    world, document_idle) that reads responseStatus and messages only a 5xx
 *   EXECUTE-SCRIPT   the alternative: webNavigation.onCompleted + scripting.executeScript reading
 *                    responseStatus in every completed page (the worker is woken for each)
 *   EXECUTE-MAIN     the same read in the page's main world (no isolated world is created; the page could
 *                    see and fake it): what the isolated world itself costs
 *   DOWNCHECK-COMPARE  only with HEALTHY_COST_COMPARE=<dir>: another build of Downcheck (an
 *                    earlier commit's dist/chrome), measured beside this one
 *   EMPTY-AGAIN      EMPTY once more in a browser of its own: an A/A control, so the table shows
 *                    how far two identical set-ups drift apart on this machine (the noise floor)
 *
 * Same flags, a fresh profile per variant. Loads are interleaved round by round (in a random
 * order each round, seeded), each followed by a short pause so that what a variant runs after a
 * load (Downcheck's status read) is over before the next variant's load starts (its cost to the
 * page is measured apart, below); warm-up rounds are discarded, and the load time is navigationStart →
 * loadEventEnd from PerformanceNavigationTiming, read in the page. Prints a table and a verdict on
 * the 2 % target; it asserts nothing (a benchmark prints, tests assert).
 *
 * Sessions: two browsers launched the same way are not equally fast (memory layout, which
 * process lands where): a single launch per variant gave A/A controls of −6 % to +1 %, a bias that
 * no number of rounds averages out. So the rounds are split into sessions; each session launches
 * a fresh browser and profile per variant (in a rotated order) and closes them all at its end, and
 * the interval resamples sessions, then rounds within them (a two-level bootstrap), so the spread
 * between launches is counted in the interval instead of hiding in the estimate.
 *
 * Per-page cost: each round also loads a tiny page (no scripts of its own) in every variant and
 * reads the renderer's counters for that document over CDP (Performance.getMetrics): main-thread
 * script time (ScriptDuration, which includes content scripts and isolated worlds), compile time,
 * main-thread task time, the JS heap after a forced GC (an isolated world lives in the page's
 * heap) and the number of script contexts (V8PerContextDatas: each isolated world adds one).
 * Medians over the rounds, and their difference from EMPTY: what the design costs each page.
 * And the CPU time per page load (Linux /proc) of each variant's extension process (its service
 * worker: events, injections, storage calls) and of its whole browser, over the measured rounds.
 *
 * Swapped roles (the part that answers the 2 % question): a browser per variant cannot get rid
 * of the launch bias, only average it over sessions. So Downcheck is then measured a second way:
 * two browsers, each with an empty controller extension and Downcheck, which the controller
 * switches on and off between blocks of rounds; the browsers take turns having it on, so the
 * speed difference between them cancels, and each round loads the page in both, so drift on the
 * machine cancels too. An A/A control goes through the same switching with Downcheck off in
 * both (measureSwapped, below).
 *
 *   HEALTHY_COST_ROUNDS=400  measured rounds in all (default 400, about 7 min for three variants on 2 idle cores:
 *                            fewer leave the ±2 % question undecided on such a machine; the issue asks for ≥ 25)
 *   HEALTHY_COST_SESSIONS=8  browser launches per variant, the rounds split evenly among them (default 8)
 *   HEALTHY_COST_WARMUP=5    discarded warm-up rounds at the start of each session (default 5)
 *   HEALTHY_COST_SETTLE_MS=100  pause after each measured load (default 100)
 *   HEALTHY_COST_VARIANTS=EMPTY,DOWNCHECK,…  only these variants (EMPTY is always measured)
 *   HEALTHY_COST_COMPARE=<dir>  adds DOWNCHECK-COMPARE, the unpacked build in <dir>
 *   HEALTHY_COST_ONLY=browsers|swap  only one of the two parts (default: both)
 *   HEALTHY_COST_SWAP_CYCLES=120  cycles of four blocks in the swapped part (default 120, about 55 min on 2 idle cores;
 *                            60 and 120 left the 2 % question undecided on such a machine at a cost near +1 %)
 *   HEALTHY_COST_SWAP_VARIANTS=DOWNCHECK,EXECUTE-SCRIPT  the extensions switched in the swapped part, one at a time
 *                            (default DOWNCHECK; the others say what part of its cost a bare mechanism has)
 *   HEALTHY_COST_SWAP_SESSIONS=8  launches of the pair of browsers, the cycles split evenly among them (default 8)
 *   HEALTHY_COST_BLOCK_ROUNDS=8  measured rounds per block (default 8, after 2 discarded ones)
 *   HEALTHY_COST_CHROMIUM_ARGS="--flag …"  extra Chromium flags for the swapped part
 *   HEALTHY_COST_DUMP=<file>  writes the swapped part's samples as JSON
 *   HEALTHY_COST_REPORT=<file>  prints the swapped part's table from such a file, and runs nothing
 *
 * Firefox (healthy-cost-firefox.mjs): the swapped design again in Firefox ESR, after Chrome's parts, with Downcheck
 * (dist/firefox, built first if missing) installed and uninstalled as a temporary add-on between blocks, beside an
 * empty extension; its table is read by the rule in docs/performance.md. Firefox has no browser-per-variant part.
 *   HEALTHY_COST_BROWSERS=chromium,firefox  which browsers' parts run (default both)
 *   HEALTHY_COST_FIREFOX_CYCLES=120  Firefox's cycles (default HEALTHY_COST_SWAP_CYCLES, 120 = 1,920 paired rounds each way);
 *                            sessions, block rounds and settle times are the swapped part's above
 *   HEALTHY_COST_FIREFOX_DUMP=<file>, HEALTHY_COST_FIREFOX_REPORT=<file>  as HEALTHY_COST_DUMP and _REPORT, for Firefox
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, crc32 } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FIREFOX_PATH, launchChromium, loadExtensionArgs } from '../e2e/browsers.mjs';
import { mulberry32 as rng } from './prng.mjs';
import {
  countFirefoxListeners,
  ensureFirefoxBuild,
  FIREFOX_DIST,
  measureFirefoxSwapped,
  printFirefoxListeners,
  reportFirefoxSwapped,
} from './healthy-cost-firefox.mjs';
import {
  BOOTSTRAP,
  measureLoad,
  median,
  nonNegativeInt,
  pct,
  positiveInt,
  printAligned,
  printSwapped,
  quantile,
  runSwapped,
  shuffled,
  sleep,
  sorted,
  swapBlocks,
} from './healthy-cost-swap.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist', 'chrome');
const ROUNDS = positiveInt(process.env.HEALTHY_COST_ROUNDS, 400);
const WARMUP = positiveInt(process.env.HEALTHY_COST_WARMUP, 5);
/** A pause after each measured load, so one variant's after-load work never lands in another's load. */
const SETTLE_MS = Number.parseInt(process.env.HEALTHY_COST_SETTLE_MS ?? '', 10) >= 0 ? Number(process.env.HEALTHY_COST_SETTLE_MS) : 100;
const SESSIONS = Math.min(positiveInt(process.env.HEALTHY_COST_SESSIONS, 8), ROUNDS);
const TARGET = 1.02;
/** Which parts run: `browsers` (a browser per variant) and `swap` (Downcheck switched on and off in two browsers that swap roles). */
const PARTS = new Set((process.env.HEALTHY_COST_ONLY ?? 'browsers,swap').split(',').map((p) => p.trim()));
/** Whose parts run: Chrome's (both parts) and Firefox's (the swapped one). */
const BROWSERS = new Set((process.env.HEALTHY_COST_BROWSERS ?? 'chromium,firefox').split(',').map((b) => b.trim()));

// ---------------------------------------------------------------------------------------------
// Deterministic content of realistic, small sizes.

const WORDS =
  'server gateway upstream origin status request response header retry cache edge proxy timeout healthy page load network browser extension worker'.split(
    ' ',
  );
function prose(random, words) {
  return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

/** A valid PNG of noisy pixels (noise does not compress, so the byte size is predictable). */
function png(width, height, random) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y += 1) {
    const row = y * (1 + width * 3);
    raw[row] = 0; // filter: none
    for (let i = 1; i <= width * 3; i += 1) raw[row + i] = Math.floor(random() * 256);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Valid, mostly lazily-parsed JavaScript of about `bytes` bytes. */
function script(name, bytes, random) {
  const parts = [`(function(){var ${name}={};`];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i += 1) {
    const fn = `${name}.f${i}=function(a,b){var s=${JSON.stringify(prose(random, 8))};return a?s.length+b:s.split(' ')[b%8];};\n`;
    parts.push(fn);
    size += fn.length;
  }
  parts.push(`${name}.ready=true;globalThis.${name}=${name};})();\n`);
  return parts.join('');
}

function stylesheet(prefix, bytes, random, extra = '') {
  const parts = [extra];
  let size = extra.length;
  for (let i = 0; size < bytes; i += 1) {
    const rule = `.${prefix}-${i}{margin:${Math.floor(random() * 24)}px;padding:${Math.floor(random() * 16)}px;color:#${Math.floor(
      random() * 0xffffff,
    )
      .toString(16)
      .padStart(6, '0')};}\n`;
    parts.push(rule);
    size += rule.length;
  }
  return parts.join('');
}

function buildSite() {
  const random = rng(20240502);
  const font = Buffer.alloc(22 * 1024);
  for (let i = 0; i < font.length; i += 1) font[i] = Math.floor(random() * 256);
  // Not a real font: the browser fetches it, then its font sanitiser rejects it and falls back.
  // The request path, which is what is measured, is the same as for a real one.
  font.write('wOF2', 0, 'ascii');

  const files = {
    '/css/site.css': [
      'text/css',
      stylesheet(
        'c',
        24 * 1024,
        random,
        "@font-face{font-family:Bench;src:url(/fonts/bench.woff2) format('woff2');}\nbody{font-family:Bench,sans-serif;margin:0 auto;max-width:60rem}\nimg{display:block;max-width:100%}\n",
      ),
    ],
    '/css/theme.css': ['text/css', stylesheet('t', 8 * 1024, random)],
    '/js/vendor.js': ['text/javascript', script('vendor', 90 * 1024, random)],
    '/js/app.js': ['text/javascript', script('app', 24 * 1024, random)],
    '/js/analytics.js': ['text/javascript', script('analytics', 7 * 1024, random)],
    '/img/hero.png': ['image/png', png(160, 120, random)],
    '/img/card-1.png': ['image/png', png(64, 64, random)],
    '/img/card-2.png': ['image/png', png(64, 64, random)],
    '/img/logo.png': ['image/png', png(32, 32, random)],
    '/fonts/bench.woff2': ['font/woff2', font],
    '/api/data.json': [
      'application/json',
      JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => ({ id: i, title: prose(random, 6) })) }),
    ],
  };
  const paragraphs = Array.from({ length: 24 }, (_, i) => `<p class="c-${i} t-${i}">${prose(random, 70)}</p>`).join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Healthy page</title>
<link rel="stylesheet" href="/css/site.css"><link rel="stylesheet" href="/css/theme.css">
<script src="/js/vendor.js"></script><script src="/js/app.js" defer></script><script src="/js/analytics.js" async></script>
<script>fetch('/api/data.json').then((r) => r.json()).then((d) => { globalThis.benchData = d; });</script>
</head><body>
<header><img src="/img/logo.png" width="32" height="32" alt=""><h1>A healthy page</h1></header>
<img src="/img/hero.png" width="160" height="120" alt="">
<main>${paragraphs}</main>
<aside><img src="/img/card-1.png" width="64" height="64" alt=""><img src="/img/card-2.png" width="64" height="64" alt=""></aside>
</body></html>`;
  files['/page'] = ['text/html; charset=utf-8', html];
  // The per-page cost probe: no scripts, styles or subresources of its own, so what runs is ours.
  files['/tiny'] = [
    'text/html; charset=utf-8',
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tiny healthy page</title></head><body><p>Hello.</p></body></html>',
  ];
  const bodies = Object.fromEntries(
    Object.entries(files).map(([path, [type, body]]) => [path, [type, Buffer.isBuffer(body) ? body : Buffer.from(body)]]),
  );
  return { bodies, subresources: Object.keys(bodies).length - 2 };
}

async function startServer(bodies) {
  let served = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry = bodies[path];
    if (!entry) {
      res.writeHead(404, { 'Cache-Control': 'no-store' }).end();
      return;
    }
    served += 1;
    res.writeHead(200, { 'Content-Type': entry[0], 'Content-Length': entry[1].length, 'Cache-Control': 'no-store' });
    res.end(entry[1]);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    served: () => served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Extension variants.

const MINIMAL = (name, extra, worker) => ({
  manifest: { manifest_version: 3, name, version: '1.0', background: { service_worker: 'sw.js' }, ...extra },
  worker,
});

/** webNavigation.onCompleted + one executeScript reading responseStatus in every completed top-level page, in `world`. */
const STATUS_READ = (name, world) =>
  MINIMAL(
    name,
    { permissions: ['webNavigation', 'scripting'], host_permissions: ['http://*/*', 'https://*/*'] },
    "const main = { url: [{ schemes: ['http', 'https'] }] };\n" +
      `chrome.webNavigation.onCompleted.addListener((d) => { if (d.frameId !== 0) return; chrome.scripting.executeScript({ target: { tabId: d.tabId, frameIds: [0] }, world: '${world}', func: () => performance.getEntriesByType('navigation')[0]?.responseStatus }).catch(() => undefined); }, main);\n`,
  );

const MINIMAL_VARIANTS = {
  EMPTY: MINIMAL('bench-empty', {}, '// Does nothing.\n'),
  'WEBREQUEST-ONLY': MINIMAL(
    'bench-webrequest',
    { permissions: ['webRequest'], host_permissions: ['http://*/*', 'https://*/*'] },
    "chrome.webRequest.onResponseStarted.addListener(() => {}, { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] });\n",
  ),
  WEBNAVIGATION: MINIMAL(
    'bench-webnavigation',
    { permissions: ['webNavigation'] },
    "const main = { url: [{ schemes: ['http', 'https'] }] };\n" +
      'chrome.webNavigation.onCommitted.addListener((d) => { if (d.frameId !== 0) return; }, main);\n' +
      'chrome.webNavigation.onErrorOccurred.addListener((d) => { if (d.frameId !== 0) return; }, main);\n',
  ),
  'HOSTS-ONLY': MINIMAL('bench-hosts', { host_permissions: ['http://*/*', 'https://*/*'] }, '// Does nothing.\n'),
  'TITLE-ONLY': MINIMAL(
    'bench-title-only',
    { permissions: ['webNavigation'], host_permissions: ['http://*/*', 'https://*/*'] },
    "const main = { url: [{ schemes: ['http', 'https'] }] };\n" +
      'const commits = new Map();\n' +
      'chrome.webNavigation.onCommitted.addListener((d) => { if (d.frameId === 0) commits.set(d.tabId, d.transitionType); }, main);\n' +
      'chrome.webNavigation.onErrorOccurred.addListener((d) => { if (d.frameId !== 0) return; }, main);\n' +
      "chrome.webNavigation.onCompleted.addListener((d) => { if (d.frameId !== 0) return; commits.delete(d.tabId); chrome.tabs.get(d.tabId).then((t) => /error|5\\d\\d/i.test(t.title ?? ''), () => undefined); }, main);\n",
  ),
  'STATUS-SCRIPT': {
    ...MINIMAL(
      'bench-status-script',
      { content_scripts: [{ matches: ['http://*/*', 'https://*/*'], js: ['status.js'], run_at: 'document_idle' }] },
      'chrome.runtime.onMessage.addListener(() => undefined);\n',
    ),
    files: {
      'status.js':
        "(()=>{const s=performance.getEntriesByType('navigation')[0]?.responseStatus;if(typeof s==='number'&&s>=500&&s<=599)chrome.runtime.sendMessage({type:'page-status',status:s}).catch(()=>{})})();\n",
    },
  },
  'EXECUTE-SCRIPT': STATUS_READ('bench-execute-script', 'ISOLATED'),
  'EXECUTE-MAIN': STATUS_READ('bench-execute-main', 'MAIN'),
};
/** Another build of Downcheck to measure beside this one (an earlier commit's dist/chrome, say). */
const COMPARE = process.env.HEALTHY_COST_COMPARE;
const ALL = [
  'EMPTY',
  'DOWNCHECK',
  ...(COMPARE ? ['DOWNCHECK-COMPARE'] : []),
  'TITLE-ONLY',
  'STATUS-SCRIPT',
  'EXECUTE-SCRIPT',
  'EXECUTE-MAIN',
  'DOWNCHECK-WEBREQUEST',
  'WEBREQUEST-ONLY',
  'WEBNAVIGATION',
  'HOSTS-ONLY',
  'EMPTY-AGAIN',
];
const chosen = (process.env.HEALTHY_COST_VARIANTS ?? '')
  .split(',')
  .map((v) => v.trim())
  .filter(Boolean);
const ORDER = chosen.length ? ALL.filter((v) => v === 'EMPTY' || chosen.includes(v)) : ALL;

function writeVariants(dir) {
  const dirs = { DOWNCHECK: DIST };
  for (const [name, { manifest, worker, files = {} }] of Object.entries(MINIMAL_VARIANTS)) {
    const d = join(dir, name.toLowerCase());
    mkdirSync(d);
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(d, 'sw.js'), worker);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(d, file), text);
    dirs[name] = d;
  }
  dirs['EMPTY-AGAIN'] = dirs.EMPTY; // same extension, its own browser and profile
  if (COMPARE) dirs['DOWNCHECK-COMPARE'] = COMPARE;
  if (ORDER.includes('DOWNCHECK-WEBREQUEST')) dirs['DOWNCHECK-WEBREQUEST'] = buildWebRequestDesign(join(dir, 'downcheck-webrequest'));
  return dirs;
}

/** The real sources, built as a Chrome extension that detects with webRequest (vite.config.ts). */
function buildWebRequestDesign(outDir) {
  const r = spawnSync('npx', ['vite', 'build', '--mode', 'chrome', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DOWNCHECK_DETECTION: 'webRequest' },
  });
  if (r.status !== 0) throw new Error(`building the webRequest design failed:\n${r.stdout}\n${r.stderr}`);
  const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
  if (!manifest.permissions.includes('webRequest')) throw new Error('the webRequest design was built without webRequest');
  return outDir;
}

function ensureBuild() {
  if (existsSync(join(DIST, 'manifest.json'))) return;
  console.log('dist/chrome is missing: running npm run build:chrome');
  const r = spawnSync('npm', ['run', 'build:chrome'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error('npm run build:chrome failed');
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/**
 * Loads the tiny page and returns what the renderer spent on it (CDP Performance counters, deltas
 * over the load: script and compile ms, main-thread task ms) and its JS heap after a forced GC.
 */
async function measurePageCost(page, cdp, url) {
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  // The counters belong to the document: a cross-document navigation starts them again from zero.
  const before = { ScriptDuration: 0, V8CompileDuration: 0, TaskDuration: 0 };
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  // document_idle scripts may run just after load: give them the same short moment in every variant.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  await cdp.send('HeapProfiler.collectGarbage');
  const after = await metrics();
  if (process.env.HEALTHY_COST_DEBUG) console.log(JSON.stringify(after));
  return {
    scriptMs: (after.ScriptDuration - before.ScriptDuration) * 1000,
    compileMs: ((after.V8CompileDuration ?? 0) - (before.V8CompileDuration ?? 0)) * 1000,
    taskMs: (after.TaskDuration - before.TaskDuration) * 1000,
    heapKb: after.JSHeapUsedSize / 1024,
    // One per script context in the page: the page's own, plus one per isolated world created in it.
    contexts: after.V8PerContextDatas ?? 0,
  };
}

function printCostTable(costs) {
  const keys = [
    ['scriptMs', 'script ms'],
    ['compileMs', 'compile ms'],
    ['taskMs', 'main-thread task ms'],
    ['heapKb', 'JS heap KB'],
    ['contexts', 'script contexts'],
  ];
  const base = Object.fromEntries(keys.map(([k]) => [k, median(costs.EMPTY.map((c) => c[k]))]));
  const header = ['variant', ...keys.map(([, label]) => `${label} (Δ vs EMPTY)`)];
  const cells = ORDER.map((name) => [
    name,
    ...keys.map(([k]) => {
      const m = median(costs[name].map((c) => c[k]));
      const d = m - base[k];
      const digits = k === 'heapKb' || k === 'contexts' ? 0 : 3;
      return `${m.toFixed(digits)} (${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(digits)})`;
    }),
  ]);
  console.log(`\nPer-page cost on a tiny healthy page (renderer counters over CDP, median of ${costs.EMPTY.length} loads per variant):\n`);
  printAligned(header, cells);
  console.log(
    '(The worker side: STATUS-SCRIPT sends no message for a healthy page; TITLE-ONLY wakes the worker for two events and a tabs.get; DOWNCHECK and EXECUTE-SCRIPT for an event and an injection.)',
  );
}

/**
 * 95 % bootstrap interval of median(a) / median(b), where a[i] and b[i] were loaded in the same
 * round of session session[i]. Two levels: sessions are resampled (each a launch of every
 * variant's browser, whose speed differs from launch to launch), then whole rounds within each
 * drawn session, so what drifts from round to round on a shared machine moves both sides and
 * cancels, as the interleaved design intends, while the spread between launches widens the
 * interval, as it should.
 */
function bootstrapRatio(a, b, session, random) {
  const bySession = new Map();
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    if (!bySession.has(session[i])) bySession.set(session[i], []);
    bySession.get(session[i]).push(i);
  }
  const groups = [...bySession.values()];
  const ratios = Array.from({ length: BOOTSTRAP }, () => {
    const pa = [];
    const pb = [];
    for (let g = 0; g < groups.length; g += 1) {
      const rounds = groups[Math.floor(random() * groups.length)];
      for (let k = 0; k < rounds.length; k += 1) {
        const i = rounds[Math.floor(random() * rounds.length)];
        pa.push(a[i]);
        pb.push(b[i]);
      }
    }
    return median(pa) / median(pb);
  });
  return [quantile(ratios, 0.025), quantile(ratios, 0.975)];
}

/** median(a) / median(b) within each session: how far launches of the same set-up spread. */
function sessionRatios(a, b, session) {
  const ids = [...new Set(session)];
  return ids.map((id) => {
    const idx = session.flatMap((s, i) => (s === id ? [i] : []));
    return median(idx.map((i) => a[i])) / median(idx.map((i) => b[i]));
  });
}

function printTable(samples, subresources) {
  const random = rng(7);
  const base = samples.EMPTY.map((s) => s.ms);
  const session = samples.EMPTY.map((s) => s.session);
  const rows = ORDER.map((name) => {
    const ms = samples[name].map((s) => s.ms);
    const ratio = median(ms) / median(base);
    const [lo, hi] = name === 'EMPTY' ? [1, 1] : bootstrapRatio(ms, base, session, random);
    const bySession = sorted(sessionRatios(ms, base, session));
    // Paired by round: this variant's load over EMPTY's load in the same round.
    const paired = samples[name].map((s, i) => s.ms / samples.EMPTY[i].ms);
    return {
      name,
      n: ms.length,
      median: median(ms),
      p95: quantile(ms, 0.95),
      ratio,
      lo,
      hi,
      pairedMedian: median(paired),
      pairedIqr: [quantile(paired, 0.25), quantile(paired, 0.75)],
      sessions: bySession,
    };
  });
  const header = [
    'variant',
    'loads',
    'median ms',
    'p95 ms',
    'ratio vs EMPTY',
    '95 % bootstrap (sessions, rounds)',
    `per-session ratio (${SESSIONS} launches: min … max)`,
    'per-round ratio (median, IQR)',
  ];
  const cells = rows.map((r) => [
    r.name,
    String(r.n),
    r.median.toFixed(1),
    r.p95.toFixed(1),
    `${r.ratio.toFixed(3)} (${pct(r.ratio)})`,
    r.name === 'EMPTY' ? '—' : `${r.lo.toFixed(3)} … ${r.hi.toFixed(3)}`,
    r.name === 'EMPTY' ? '—' : `${r.sessions[0].toFixed(3)} … ${r.sessions.at(-1).toFixed(3)}`,
    r.name === 'EMPTY' ? '—' : `${r.pairedMedian.toFixed(3)} (${r.pairedIqr[0].toFixed(3)} … ${r.pairedIqr[1].toFixed(3)})`,
  ]);
  console.log(`\nPage load (navigationStart → loadEventEnd), page + ${subresources} subresources from 127.0.0.1, no-store:\n`);
  printAligned(header, cells);

  const aa = rows.find((r) => r.name === 'EMPTY-AGAIN');
  console.log('');
  for (const name of ['DOWNCHECK', 'DOWNCHECK-COMPARE', 'DOWNCHECK-WEBREQUEST']) {
    const row = rows.find((r) => r.name === name);
    if (!row) continue;
    console.log(
      `${name} vs EMPTY, a browser each (launch bias included): median ${pct(row.ratio)}. Target "within 2 % of the empty extension": ${verdictOf(row)}.`,
    );
  }
  if (aa)
    console.log(
      `Noise floor: the A/A control (EMPTY-AGAIN, identical to EMPTY) came out at ${pct(aa.ratio)}, interval ${pct(aa.lo)} … ${pct(aa.hi)}.`,
    );
}

/** Every process (Linux): parent, CPU ticks (user + system, 1/100 s) and whether it is an extension's renderer. */
function processTable() {
  const table = new Map();
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return table; // not Linux
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = text
        .slice(text.lastIndexOf(')') + 2)
        .split(' ')
        .map(Number);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      table.set(Number(entry), {
        ppid: f[1],
        ticks: f[11] + f[12],
        extension: cmd.includes('--extension-process'),
        chromium: /chrom/.test(cmd),
      });
    } catch {
      /* exited meanwhile */
    }
  }
  return table;
}

/** Chromium processes started by this benchmark (the browsers' main processes). */
const ownBrowsers = () => new Set([...processTable()].filter(([, p]) => p.ppid === process.pid && p.chromium).map(([pid]) => pid));

/** CPU ms used so far by one browser's processes: all of them, and its extension processes (the service worker's). */
function browserCpu(root) {
  const table = processTable();
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of table)
      if (!tree.has(pid) && tree.has(p.ppid)) {
        tree.add(pid);
        grew = true;
      }
  }
  let all = 0;
  let extension = 0;
  for (const pid of tree) {
    const p = table.get(pid);
    if (!p) continue;
    all += p.ticks * 10;
    if (p.extension) extension += p.ticks * 10;
  }
  return { all, extension };
}

/**
 * CPU per page load, by variant: the extension's own process (the service worker and what it
 * runs for each page: events, injections, storage) and the whole browser (every process).
 * Ticks are 10 ms; summed over hundreds of loads they give a per-load mean to about 0.05 ms.
 */
function printCpuTable(cpuPerLoad) {
  const perLoad = (name, key) => cpuPerLoad[name][key] / Math.max(1, cpuPerLoad[name].loads);
  const rows = ORDER.filter((name) => cpuPerLoad[name].loads > 0);
  if (!rows.length) return;
  const base = { extension: perLoad('EMPTY', 'extension'), all: perLoad('EMPTY', 'all') };
  const delta = (v, b) => `${v.toFixed(2)} (${v - b >= 0 ? '+' : '−'}${Math.abs(v - b).toFixed(2)})`;
  const header = ['variant', 'extension process ms/load (Δ vs EMPTY)', 'whole browser ms/load (Δ vs EMPTY)'];
  const cells = rows.map((name) => [name, delta(perLoad(name, 'extension'), base.extension), delta(perLoad(name, 'all'), base.all)]);
  console.log(
    `\nCPU per page load, both pages of every measured round (/proc, ${cpuPerLoad.EMPTY.loads} loads per variant; the whole browser is noisy, the extension process is not):\n`,
  );
  printAligned(header, cells);
}

/**
 * How much CPU OTHER processes took while the loads ran (Linux only; otherwise it reports
 * nothing): the machine's busy time from /proc/stat minus that of this process and its
 * descendants (the browsers), whose times are sampled between rounds, never during a load.
 */
function cpuWatch() {
  const procStat = (pid) => {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text
      .slice(text.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return { ppid: f[1], ticks: f[11] + f[12], key: `${pid}@${f[19]}` }; // pid and start time: pids get reused
  };
  const machine = () => {
    const [user, nice, system, , , irq, softirq, steal = 0] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return user + nice + system + irq + softirq + steal;
  };
  const ours = () => {
    const all = new Map();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        all.set(Number(entry), procStat(entry));
      } catch {
        /* exited meanwhile */
      }
    }
    const tree = new Map([[process.pid, all.get(process.pid)]]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, s] of all) {
        if (!tree.has(pid) && tree.has(s.ppid)) {
          tree.set(pid, s);
          grew = true;
        }
      }
    }
    return new Map([...tree.values()].filter(Boolean).map((s) => [s.key, s.ticks]));
  };
  let start;
  try {
    start = { at: Date.now(), machine: machine(), ours: ours() };
  } catch {
    return { sample() {}, report: () => [] }; // not Linux
  }
  const latest = new Map(start.ours);
  return {
    sample() {
      for (const [key, ticks] of ours()) latest.set(key, ticks);
    },
    report() {
      this.sample();
      const seconds = (Date.now() - start.at) / 1000;
      const cores = availableParallelism();
      let ourTicks = 0;
      for (const [key, ticks] of latest) ourTicks += ticks - (start.ours.get(key) ?? 0);
      const share = Math.max(0, (machine() - start.machine - ourTicks) / 100 / (seconds * cores)); // USER_HZ = 100
      const lines = [
        `While the loads ran, other processes used ${(share * 100).toFixed(0)} % of the ${cores} cores (this benchmark's browsers excluded).`,
      ];
      if (share > 0.1)
        lines.push('They competed with the browsers for the CPU: expect wider intervals; rerun on an idle machine for tighter figures.');
      return lines;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Switched on and off, in two browsers that swap roles.

/**
 * The launch bias above (two launches of the same set-up differ by a few per cent) limits what
 * one browser per variant can show, however many rounds it runs. This part removes it by design.
 * Two browsers, A and B, are launched alike: each holds a controller (an empty extension with
 * only the `management` permission, whose worker does nothing by itself) and Downcheck, which the
 * controller switches on and off (`management.setEnabled`) between blocks of rounds. A browser
 * with Downcheck off runs an empty extension and nothing else. Each round loads the page once in
 * A and once in B, in a random order, so whatever drifts on the machine moves both loads alike.
 * Each cycle holds four blocks in a random order:
 *
 *   A-ON   Downcheck on in A, off in B          B-ON   Downcheck on in B, off in A
 *   A-AA   off in both, A counted as if on      B-AA   off in both, B counted as if on
 *
 * Within a block, the ratio "on over off" is the median load time in the browser with Downcheck
 * on over that in the other. A-ON's ratio carries the speed difference between the two launches
 * (A's over B's), B-ON's carries its inverse, so their geometric mean is Downcheck's cost with the
 * launch bias cancelled. The A/A blocks go through the same switching and waiting with Downcheck
 * off everywhere, and give the same figure for nothing: the noise floor. After each switch a
 * worker is given SWITCH_SETTLE_MS and WARMUP_ROUNDS discarded rounds (a switched-on worker starts
 * and looks at its open tab once, as at every worker start) before the measured rounds.
 */
const SWAP_CYCLES = nonNegativeInt(process.env.HEALTHY_COST_SWAP_CYCLES, 120);
const FIREFOX_CYCLES = nonNegativeInt(process.env.HEALTHY_COST_FIREFOX_CYCLES, SWAP_CYCLES);
const FIREFOX_SESSIONS = Math.max(1, Math.min(positiveInt(process.env.HEALTHY_COST_SWAP_SESSIONS, 8), FIREFOX_CYCLES || 1));
const SWAP_SESSIONS = Math.max(1, Math.min(positiveInt(process.env.HEALTHY_COST_SWAP_SESSIONS, 8), SWAP_CYCLES || 1));
const BLOCK_ROUNDS = positiveInt(process.env.HEALTHY_COST_BLOCK_ROUNDS, 8);
const SWITCH_SETTLE_MS = 500;
const WARMUP_ROUNDS = 2;
/**
 * The extensions switched on and off (HEALTHY_COST_SWAP_VARIANTS, default DOWNCHECK): each is
 * loaded in both browsers, at most one is on at a time. More than one, say DOWNCHECK and
 * EXECUTE-SCRIPT, measures what part of Downcheck's cost a bare mechanism has, in the same run.
 */
const SWAP_VARIANTS = (process.env.HEALTHY_COST_SWAP_VARIANTS ?? 'DOWNCHECK')
  .split(',')
  .map((v) => v.trim())
  .filter(Boolean);
/** Block kinds: which candidate is on in which browser, and which browser is counted as "on". */
const BLOCKS = swapBlocks(SWAP_VARIANTS);
const EXTRA_ARGS = (process.env.HEALTHY_COST_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean);

const CONTROLLER = MINIMAL(
  'bench-controller',
  { permissions: ['management'] },
  '// Switches the extension under test on and off when asked; does nothing by itself.\n',
);

/** A browser holding the controller and the candidates; `setEnabled(variant)` switches that one on and every other off. */
async function launchSwitchable(controllerDir, tmp, candidates) {
  const profileDir = mkdtempSync(join(tmp, 'switchable-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...loadExtensionArgs([controllerDir, ...candidates.map((c) => c.dir)]), ...CHROMIUM_ARGS, ...EXTRA_ARGS],
  });
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    const isController = (w) => w.url().endsWith('/sw.js');
    const controller =
      context.serviceWorkers().find(isController) ??
      (await context.waitForEvent('serviceworker', { predicate: isController, timeout: 10_000 }));
    const installed = await controller.evaluate(async () => (await chrome.management.getAll()).map((e) => [e.name, e.id]));
    const ids = new Map();
    for (const c of candidates) {
      const id = installed.find(([name]) => name === c.name)?.[1];
      if (!id) throw new Error(`the controller does not see ${c.name}`);
      ids.set(c.variant, id);
    }
    const page = await context.newPage();
    for (const other of context.pages()) if (other !== page) await other.close();
    const enabled = new Map(candidates.map((c) => [c.variant, true]));
    return {
      page,
      close,
      async setEnabled(variant) {
        for (const [name, id] of ids) {
          const on = name === variant;
          if (enabled.get(name) === on) continue;
          const now = await controller.evaluate(
            async ([extId, wanted]) => {
              await chrome.management.setEnabled(extId, wanted);
              return (await chrome.management.get(extId)).enabled;
            },
            [id, on],
          );
          if (now !== on) throw new Error(`${name} did not switch ${on ? 'on' : 'off'}`);
          enabled.set(name, on);
        }
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function measureSwapped({ origin, tmp, subresources, cpu, dirs }) {
  const candidates = SWAP_VARIANTS.map((variant) => {
    const dir = dirs[variant];
    if (!dir || variant === 'EMPTY' || variant === 'EMPTY-AGAIN' || variant === 'DOWNCHECK-COMPARE')
      throw new Error(`HEALTHY_COST_SWAP_VARIANTS: ${variant} cannot be switched`);
    return {
      variant,
      dir,
      name: variant === 'DOWNCHECK' ? 'Downcheck' : JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).name,
    };
  });
  const controllerDir = join(tmp, 'controller');
  mkdirSync(controllerDir, { recursive: true });
  writeFileSync(join(controllerDir, 'manifest.json'), JSON.stringify(CONTROLLER.manifest, null, 2));
  writeFileSync(join(controllerDir, 'sw.js'), CONTROLLER.worker);
  const result = await runSwapped({
    launch: () => launchSwitchable(controllerDir, tmp, candidates),
    blocks: BLOCKS,
    sessions: SWAP_SESSIONS,
    cycles: SWAP_CYCLES,
    blockRounds: BLOCK_ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    switchSettleMs: SWITCH_SETTLE_MS,
    settleMs: SETTLE_MS,
    origin,
    subresources,
    cpu,
    seed: 20261128,
  });
  if (process.env.HEALTHY_COST_DUMP) writeFileSync(process.env.HEALTHY_COST_DUMP, JSON.stringify(result.samples));
  return result;
}

/** The swapped part's table and its verdict on the 2 % target. */
function reportSwapped(result) {
  const rows =
    printSwapped(result, {
      title: (cycles, blocks, launches) =>
        `Two browsers that swap roles, Downcheck switched on and off beside an empty extension (management.setEnabled), the same page: ${cycles} cycles of ${blocks} blocks of ${BLOCK_ROUNDS} rounds, in ${launches} launches of the pair:`,
    }) ?? [];
  const dc = rows.find((r) => r.name === 'DOWNCHECK');
  const aa = rows.find((r) => r.name === 'A/A control');
  for (const r of rows)
    if (r !== dc && r !== aa)
      console.log(`${r.name} vs the empty extension, browsers swapping roles (paired): ${pct(r.ratio)} (${pct(r.lo)} … ${pct(r.hi)}).`);
  if (dc)
    console.log(
      `\nDOWNCHECK vs the empty extension, browsers swapping roles (paired): ${pct(dc.ratio)}. Target "within 2 % of the empty extension": ${verdictOf(dc)}.`,
    );
  if (aa) console.log(`Noise floor: the A/A control came out at ${pct(aa.ratio)}, interval ${pct(aa.lo)} … ${pct(aa.hi)}.`);
}

const verdictOf = (row) =>
  row.hi <= TARGET
    ? 'YES: within 2 % of EMPTY (the whole 95 % interval is at or below +2 %)'
    : row.lo > TARGET
      ? 'NO: more than 2 % slower than EMPTY (the whole 95 % interval is above +2 %)'
      : `UNDECIDED at this sample size: the 95 % interval (${pct(row.lo)} … ${pct(row.hi)}) straddles +2 %`;

// ---------------------------------------------------------------------------------------------

async function main() {
  if (process.env.HEALTHY_COST_REPORT) {
    // The swapped part's figures again, from samples an earlier run wrote with HEALTHY_COST_DUMP.
    reportSwapped({ samples: JSON.parse(readFileSync(process.env.HEALTHY_COST_REPORT, 'utf8')), incomplete: 0 });
    return;
  }
  if (process.env.HEALTHY_COST_FIREFOX_REPORT) {
    reportFirefoxSwapped({
      samples: JSON.parse(readFileSync(process.env.HEALTHY_COST_FIREFOX_REPORT, 'utf8')),
      incomplete: 0,
      blockRounds: BLOCK_ROUNDS,
    });
    return;
  }
  const chrome = BROWSERS.has('chromium');
  const firefox = BROWSERS.has('firefox') && PARTS.has('swap') && FIREFOX_CYCLES > 0;
  if (chrome) ensureBuild();
  if (firefox) ensureFirefoxBuild();
  const started = Date.now();
  const { bodies, subresources } = buildSite();
  const bytes = Object.values(bodies).reduce((n, [, b]) => n + b.length, 0);
  const tmp = mkdtempSync(join(tmpdir(), 'downcheck-healthy-cost-'));
  const browsers = {};
  let server;
  let stopping = false;
  const cleanUp = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all(Object.values(browsers).map((b) => b.close().catch(() => undefined)));
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    server = await startServer(bodies);
    const dirs = writeVariants(tmp);
    if (chrome)
      console.log(
        `Chromium: ${CHROMIUM_PATH}; Downcheck build: dist/chrome (${statSync(join(DIST, 'manifest.json')).mtime.toISOString()})`,
      );
    if (firefox)
      console.log(
        `Firefox: ${FIREFOX_PATH}; Downcheck build: dist/firefox (${statSync(join(FIREFOX_DIST, 'manifest.json')).mtime.toISOString()})`,
      );
    console.log(
      `Page: ${(bytes / 1024).toFixed(0)} KB in ${subresources + 1} responses.` +
        (chrome && PARTS.has('browsers')
          ? ` A browser per variant: ${ROUNDS} measured rounds over ${ORDER.length} variants, in ${SESSIONS} sessions (a fresh browser per variant each, ${WARMUP} warm-up rounds first).`
          : ''),
    );

    if (chrome && PARTS.has('browsers')) {
      const samples = Object.fromEntries(ORDER.map((n) => [n, []]));
      const costs = Object.fromEntries(ORDER.map((n) => [n, []]));
      let cpu;
      let loadId = 0;
      let incomplete = 0;
      const orderRandom = rng(20261127);
      const cpuPerLoad = Object.fromEntries(ORDER.map((n) => [n, { all: 0, extension: 0, loads: 0 }]));
      for (let session = 0; session < SESSIONS; session += 1) {
        // A fresh browser and profile per variant, launched one after another in an order that
        // rotates each session, all open for the session's rounds.
        const pages = {};
        const cdps = {};
        const roots = {};
        const cpuAtStart = {};
        for (const name of ORDER.map((_, i) => ORDER[(i + session) % ORDER.length])) {
          const running = ownBrowsers();
          browsers[name] = await launchChromium({ extensionDir: dirs[name] });
          roots[name] = [...ownBrowsers()].find((pid) => !running.has(pid));
          pages[name] = await browsers[name].openPage();
          cdps[name] = await browsers[name].context.newCDPSession(pages[name]);
          await cdps[name].send('Performance.enable', { timeDomain: 'threadTicks' }).catch(() => cdps[name].send('Performance.enable'));
        }
        const rounds = Math.floor(ROUNDS / SESSIONS) + (session < ROUNDS % SESSIONS ? 1 : 0);
        for (let round = 0; round < WARMUP + rounds; round += 1) {
          if (round === WARMUP) {
            cpu ??= cpuWatch();
            for (const name of ORDER) if (roots[name]) cpuAtStart[name] = browserCpu(roots[name]);
          }
          cpu?.sample();
          // A fresh random order each round, so no variant always goes first or right after another
          // (a rotation would put each variant always after the same one, and charge it that one's
          // after-load work).
          const order = shuffled(ORDER, orderRandom);
          for (const name of order) {
            loadId += 1;
            const result = await measureLoad(pages[name], `${server.origin}/page?load=${loadId}`);
            // Everything but the fetch blocks the load event, so at least subresources - 1 are in.
            if (result.status !== 200 || result.resources < subresources - 1) incomplete += 1;
            if (round >= WARMUP) samples[name].push({ ms: result.loadEventEnd, session });
            // What a variant runs once a page has loaded (Downcheck's status read) is done before the next load starts.
            await sleep(SETTLE_MS);
          }
          for (const name of order) {
            loadId += 1;
            const cost = await measurePageCost(pages[name], cdps[name], `${server.origin}/tiny?load=${loadId}`);
            if (round >= WARMUP) costs[name].push(cost);
          }
        }
        cpu?.sample(); // the browsers' last CPU time, before they exit
        for (const name of ORDER) {
          if (!cpuAtStart[name]) continue;
          const end = browserCpu(roots[name]);
          cpuPerLoad[name].all += end.all - cpuAtStart[name].all;
          cpuPerLoad[name].extension += end.extension - cpuAtStart[name].extension;
          cpuPerLoad[name].loads += 2 * rounds;
        }
        await Promise.all(ORDER.map((name) => browsers[name].close()));
        for (const name of ORDER) delete browsers[name];
      }

      const contention = cpu?.report() ?? [];
      printTable(samples, subresources);
      printCostTable(costs);
      printCpuTable(cpuPerLoad);
      const expected = (loadId / 2) * (subresources + 1) + loadId / 2;
      console.log(
        `\nResponses served: ${server.served()} of ${expected} expected (no-store: every load fetched everything${server.served() >= expected ? '' : ' — NOT so, read the figures with care'}).` +
          (incomplete ? ` ${incomplete} loads reported a non-200 status or missing resources.` : ''),
      );
      for (const line of contention) console.log(line);
    }
    if (chrome && PARTS.has('swap') && (ORDER.includes('DOWNCHECK') || process.env.HEALTHY_COST_SWAP_VARIANTS) && SWAP_CYCLES > 0) {
      const cpu = cpuWatch();
      reportSwapped(await measureSwapped({ origin: server.origin, tmp, subresources, cpu, dirs }));
      for (const line of cpu.report()) console.log(line);
    }
    if (firefox) {
      const cpu = cpuWatch();
      reportFirefoxSwapped(
        await measureFirefoxSwapped({
          origin: server.origin,
          tmp,
          subresources,
          cpu,
          cycles: FIREFOX_CYCLES,
          sessions: FIREFOX_SESSIONS,
          blockRounds: BLOCK_ROUNDS,
          warmupRounds: WARMUP_ROUNDS,
          switchSettleMs: SWITCH_SETTLE_MS,
          settleMs: SETTLE_MS,
        }),
      );
      for (const line of cpu.report()) console.log(line);
      printFirefoxListeners(await countFirefoxListeners({ origin: server.origin, tmp, loads: 20, settleMs: SETTLE_MS }));
    }
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  console.log(`Ran in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

await main();
