/**
 * `npm run bench` (or `node test/bench/ui.bench.mjs`): how fast the guide appears, in headless Chromium with the real build (dist/chrome, built first if missing)
 * against the demo site (real nginx):
 *
 *   popup time to interactive  the popup page for a failing tab (a Cloudflare 522), from the
 *                              start of its navigation to the first enabled button of the answer
 *                              (its one action) or the guide,
 *                              stamped in the page by a MutationObserver installed before the
 *                              popup's own scripts run (performance.now(), i.e. since navigation start);
 *     all drawn                the same page until it says it is drawn (`aria-busy` false), which
 *                              for an incident waits for the folds' contents (loaded after the answer);
 *     baseline                 the same for an extension page with no script of ours (the icon):
 *                              navigation start → load event end;
 *     worker stopped           the time to interactive again, with the service worker stopped just
 *                              before (as Chrome stops it after 30 s idle): the popup asks the worker
 *                              for its state, so this includes the worker's start;
 *   panel time to visible      a 502 error page (nginx), from its DOMContentLoaded to the moment the
 *                              panel is drawn. The page cannot look into the panel's closed shadow
 *                              root, but it sees the host element arrive and its box grow: a
 *                              MutationObserver + ResizeObserver, installed before the page's own
 *                              scripts, stamp "host attached", "non-zero box" and "content drawn"
 *                              (box taller than 100 px: the empty frame is about 26 px);
 *     baseline                 the same error page's DOMContentLoaded → load event end (the panel
 *                              is injected only once the tab has loaded), and a healthy page's.
 *
 * One browser, one failing tab for the popup runs, one tab navigated anew for each panel run;
 * warm-up runs are discarded. Also prints the bundle sizes (minified; 1 KB = 1000 bytes here, the
 * stricter reading). The popup's figures are set against the popup's baseline and its limit of
 * +10 % (TTI median 98.8 ms → at most 108.7 ms; popup JS 49.1 KB → at most 54.0 KB); the panel's
 * against the panel's budget (≤ 40 KB). Popup JS is counted twice:
 *   initial  the scripts the popup's HTML loads and what they import statically: all that runs
 *            before it is interactive;
 *   total    and what they import dynamically (popup/views/folds.ts: the folds' contents, asked for
 *            once the answer is drawn).
 * Prints, asserts nothing.
 *
 *   UI_BENCH_RUNS=25     measured runs of each (default 25; the issue's floor is 20)
 *   UI_BENCH_WARMUP=3    discarded warm-up runs (default 3)
 *   UI_BENCH_DIST=dir    another Chrome build to measure (default dist/chrome), e.g. an older commit's,
 *                        to compare before and after under the same load
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startDemoSite } from '../fixtures/demo-site.mjs';
import { launchChromium } from '../e2e/browsers.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = process.env.UI_BENCH_DIST ? resolve(process.env.UI_BENCH_DIST) : join(ROOT, 'dist', 'chrome');
const RUNS = positiveInt(process.env.UI_BENCH_RUNS, 25);
const WARMUP = positiveInt(process.env.UI_BENCH_WARMUP, 3);
/** The baseline: "popup TTI median 98.8 ms, popup JS 49.1 KB: no regression beyond 10 %". */
const ISSUE_12 = { tti: 98.8, popupJs: 49_100, allowance: 0.1 };
/** Baseline + 10 %, to the figures' own precision (0.1 ms, 0.1 KB): 108.7 ms, 54.0 KB. */
const LIMITS = {
  tti: Math.round(ISSUE_12.tti * (1 + ISSUE_12.allowance) * 10) / 10,
  popupJs: Math.round((ISSUE_12.popupJs * (1 + ISSUE_12.allowance)) / 100) * 100,
};
const PANEL_BUDGET = 40_000;

function positiveInt(value, fallback) {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const median = (xs) => percentile(xs, 50);
/** Nearest-rank percentile. */
function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
const ms = (x) => `${x.toFixed(1).padStart(7)} ms`;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

function line(label, samples) {
  return `  ${label.padEnd(58)} median ${ms(median(samples))}   p95 ${ms(percentile(samples, 95))}   (min ${ms(Math.min(...samples)).trim()}, max ${ms(Math.max(...samples)).trim()})`;
}

/**
 * Installed before the popup's scripts: stamps the first enabled button of the answer or the guide
 * (interactive), and the moment the popup says it is drawn, folds' contents included (`aria-busy`
 * false on #app).
 */
const POPUP_PROBE = () => {
  const stamp = () => {
    if (window.__drawn === undefined && document.getElementById('app')?.getAttribute('aria-busy') === 'false')
      window.__drawn = performance.now();
    if (window.__tti !== undefined) return;
    const button = document.querySelector('[data-testid=incident] button:not([disabled]), [data-testid=guide] button:not([disabled])');
    if (button) window.__tti = performance.now();
  };
  new MutationObserver(stamp).observe(document, { childList: true, subtree: true, attributes: true });
};

/** Installed before the error page's scripts: stamps DOMContentLoaded and the panel host's arrival and growth. */
const PANEL_PROBE = () => {
  const t = (window.__panelTimes = {});
  document.addEventListener('DOMContentLoaded', () => (t.dcl = performance.now()), { once: true });
  window.addEventListener('load', () => setTimeout(() => (t.loadEnd = performance.getEntriesByType('navigation')[0]?.loadEventEnd)), {
    once: true,
  });
  const watch = (host) => {
    t.attached ??= performance.now();
    const check = () => {
      const { width, height } = host.getBoundingClientRect();
      if (width > 0 && height > 0) t.box ??= performance.now();
      if (height > 100) t.drawn ??= performance.now();
    };
    check();
    new ResizeObserver(check).observe(host);
  };
  new MutationObserver((records) => {
    // The host has no fixed name: the div added to the root itself.
    for (const r of records) for (const n of r.addedNodes) if (r.target === document.documentElement && n.localName === 'div') watch(n);
  }).observe(document, { childList: true, subtree: true });
};

async function measurePopup(browser, tabId) {
  const page = await browser.context.newPage();
  await page.addInitScript(POPUP_PROBE);
  const url = browser.extensionUrl(`/src/popup/index.html?tab=${tabId}`);
  const icon = browser.extensionUrl(`/${JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')).icons['16']}`);
  const tti = [];
  const drawn = [];
  const blank = [];
  for (let i = 0; i < WARMUP + RUNS; i += 1) {
    await page.goto(url);
    await page.waitForFunction(() => window.__tti !== undefined && window.__drawn !== undefined, undefined, { timeout: 10_000 });
    const [popupMs, drawnMs] = await page.evaluate(() => [window.__tti, window.__drawn]);
    await page.goto(icon);
    await page.waitForFunction(() => (performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? 0) > 0, undefined, {
      timeout: 10_000,
    });
    const blankMs = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
    if (i >= WARMUP) {
      tti.push(popupMs);
      drawn.push(drawnMs);
      blank.push(blankMs);
    }
  }
  // The worker stopped before each run (browsers.mjs stopWorker, over CDP), as after 30 s idle.
  const cold = [];
  for (let i = 0; i < WARMUP + RUNS; i += 1) {
    await browser.stopWorker();
    await page.goto(url);
    await page.waitForFunction(() => window.__tti !== undefined, undefined, { timeout: 10_000 });
    const popupMs = await page.evaluate(() => window.__tti);
    await page.goto(icon);
    if (i >= WARMUP) cold.push(popupMs);
  }
  await page.close();
  return { tti, drawn, blank, cold };
}

async function measurePanel(browser, site) {
  const page = await browser.context.newPage();
  await page.addInitScript(PANEL_PROBE);
  const samples = { attached: [], box: [], drawn: [], errorLoad: [], healthyLoad: [] };
  for (let i = 0; i < WARMUP + RUNS; i += 1) {
    await page.goto(`${site.urls.badGateway}?bench=${i}`);
    await page.waitForFunction(() => window.__panelTimes?.drawn !== undefined && window.__panelTimes?.loadEnd !== undefined, undefined, {
      timeout: 10_000,
    });
    const t = await page.evaluate(() => window.__panelTimes);
    await page.goto(`${site.urls.healthy}?bench=${i}`);
    await page.waitForFunction(() => window.__panelTimes?.loadEnd !== undefined, undefined, { timeout: 10_000 });
    const healthy = await page.evaluate(() => window.__panelTimes);
    if (i >= WARMUP) {
      samples.attached.push(t.attached - t.dcl);
      samples.box.push(t.box - t.dcl);
      samples.drawn.push(t.drawn - t.dcl);
      samples.errorLoad.push(t.loadEnd - t.dcl);
      samples.healthyLoad.push(healthy.loadEnd - healthy.dcl);
    }
  }
  await page.close();
  return samples;
}

/**
 * The popup's scripts: its entry and everything it imports, followed through the chunks; `initial`
 * follows static imports only (what runs before the popup is interactive), `all` dynamic ones too.
 */
function popupScripts() {
  const html = readFileSync(join(DIST, 'src/popup/index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
  const follow = (dynamic) => {
    const seen = new Set();
    const visit = (href, from) => {
      const path = href.startsWith('/') ? join(DIST, href) : join(dirname(from), href);
      if (seen.has(path) || !path.endsWith('.js')) return;
      seen.add(path);
      const code = readFileSync(path, 'utf8');
      for (const m of code.matchAll(/\b(?:from|import)\s*(\(?)\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g))
        if (dynamic || m[1] !== '(') visit(m[2], path);
    };
    for (const entry of entries) visit(entry, DIST);
    return [...seen];
  };
  return { initial: follow(false), all: follow(true) };
}

function bundleSizes() {
  const { initial, all } = popupScripts();
  const size = (f) => statSync(f).size;
  const gz = (f) => gzipSync(readFileSync(f)).length;
  const measure = (files) => ({ bytes: files.reduce((n, f) => n + size(f), 0), gzip: files.reduce((n, f) => n + gz(f), 0), files });
  const panelFile = join(DIST, 'src/panel/inject.js');
  const panel = { bytes: size(panelFile), gzip: gz(panelFile) };
  const css = [...readFileSync(join(DIST, 'src/popup/index.html'), 'utf8').matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map(
    (m) => join(DIST, m[1]),
  );
  const popupCss = css.reduce((n, f) => n + size(f), 0);
  return { popup: measure(initial), popupAll: measure(all), lazy: all.filter((f) => !initial.includes(f)), panel, popupCss };
}

if (!existsSync(join(DIST, 'manifest.json')) && !process.env.UI_BENCH_DIST) {
  console.error('ui bench: building dist/chrome (npm run build:chrome)');
  const built = spawnSync('npm', ['run', '--silent', 'build:chrome'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) process.exit(1);
}

let ttiMedian;
const site = await startDemoSite();
const browser = await launchChromium({ extensionDir: DIST });
try {
  const reported = spawnSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const version =
    reported.match(/[\d.]{6,}/)?.[0] ?? (await browser.extEval(() => navigator.userAgent)).match(/Chrome\/([\d.]+)/)?.[1] ?? '?';
  console.log(
    `UI benchmark of ${relative(ROOT, DIST) || DIST}: Chromium ${version} headless, ${RUNS} runs each after ${WARMUP} warm-up; ${availableParallelism()} CPUs, load ${loadavg()[0].toFixed(2)}`,
  );

  // The failing tab the popup is opened for: a whole site behind a Cloudflare-style gateway, 522.
  const tab = await browser.openPage(`${site.urls.cloudflareSite}bench`);
  const tabId = await browser.tabIdOf(tab);
  await tab.waitForFunction(() => document.readyState === 'complete');

  const popup = await measurePopup(browser, tabId);
  ttiMedian = median(popup.tti);
  console.log('\npopup (failing tab, Cloudflare 522):');
  console.log(line('time to interactive (navigation → first guide button)', popup.tti));
  console.log(line("  all drawn, the folds' contents included (aria-busy false)", popup.drawn));
  console.log(line('baseline: extension page without our scripts (→ load end)', popup.blank));
  console.log(line('time to interactive, the worker stopped just before', popup.cold));

  const panel = await measurePanel(browser, site);
  console.log("\npanel (nginx 502 error page), from the page's DOMContentLoaded:");
  console.log(line('time to visible (panel content drawn)', panel.drawn));
  console.log(line('  host element attached', panel.attached));
  console.log(line('  host has a box', panel.box));
  console.log(line("baseline: the error page's own DCL → load end", panel.errorLoad));
  console.log(line("baseline: a healthy page's DCL → load end", panel.healthyLoad));
} finally {
  await browser.close();
  await site.stop();
}

const sizes = bundleSizes();
const verdict = (value, limit) => (value <= limit ? 'within' : 'OVER');
const names = (files) => files.map((f) => relative(DIST, f)).join(', ');
console.log(`\nbundle sizes (${relative(ROOT, DIST) || DIST}, minified):`);
console.log(`  popup JS, initial ${kb(sizes.popup.bytes).padStart(9)} (${kb(sizes.popup.gzip)} gzip) in ${sizes.popup.files.length} files`);
console.log(`             ${names(sizes.popup.files)}`);
console.log(
  `  popup JS, total   ${kb(sizes.popupAll.bytes).padStart(9)} (${kb(sizes.popupAll.gzip)} gzip), with what is imported later: ${names(sizes.lazy) || 'nothing'}`,
);
console.log(`  popup CSS         ${kb(sizes.popupCss).padStart(9)} (not counted as JS)`);
console.log(
  `  panel JS          ${kb(sizes.panel.bytes).padStart(9)} (${kb(sizes.panel.gzip)} gzip) src/panel/inject.js — ${verdict(sizes.panel.bytes, PANEL_BUDGET)} the panel's ${kb(PANEL_BUDGET)} budget`,
);

const pct = (value, baseline) => `${value >= baseline ? '+' : ''}${(((value - baseline) / baseline) * 100).toFixed(1)} %`;
console.log(`\nagainst the popup's baseline (no regression beyond ${ISSUE_12.allowance * 100} %):`);
console.log(
  `  popup TTI median   ${ms(ttiMedian)}   baseline ${ISSUE_12.tti} ms, limit ${LIMITS.tti} ms: ${pct(ttiMedian, ISSUE_12.tti)}, ${verdict(ttiMedian, LIMITS.tti)}` +
    ` (load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} CPUs: a busy machine slows every page, the baseline page above too)`,
);
for (const [label, bytes] of [
  ['popup JS, initial', sizes.popup.bytes],
  ['popup JS, total  ', sizes.popupAll.bytes],
])
  console.log(
    `  ${label}  ${kb(bytes).padStart(10)}   baseline ${kb(ISSUE_12.popupJs)}, limit ${kb(LIMITS.popupJs)}: ${pct(bytes, ISSUE_12.popupJs)}, ${verdict(bytes, LIMITS.popupJs)}`,
  );
