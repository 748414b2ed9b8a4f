// The Firefox part of healthy-cost.bench.mjs: the swapped-roles design (healthy-cost-swap.mjs) in
// Firefox ESR, driven over WebDriver BiDi as the e2e suite drives it (test/e2e/browsers.mjs).
// Firefox's management.setEnabled switches only themes, so Downcheck is switched by installing it
// as a temporary add-on and uninstalling it (webExtension.install / uninstall) between blocks.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIREFOX_UUID, GECKO_ID, launchFirefox, poll } from '../e2e/browsers.mjs';
import { measureLoad, median, pct, printAligned, printSwapped, ruleVerdict, runSwapped, sleep, swapBlocks } from './healthy-cost-swap.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIREFOX_DIST = join(ROOT, 'dist', 'firefox');
const CONTROLLER_ID = 'bench-controller@downcheck.dev';
/** Fixed, so the controller's page is known before it is installed (as FIREFOX_UUID is Downcheck's). */
const CONTROLLER_UUID = '6d2c1c3e-5f1a-4b7e-9c1d-0d0c0ec0de02';
/** The empty extension beside Downcheck: does nothing, and only its page lists the add-ons (to check each switch). */
const CONTROLLER = {
  manifest: {
    manifest_version: 3,
    name: 'bench-controller',
    version: '1.0',
    background: { scripts: ['background.js'] },
    permissions: ['management'],
    browser_specific_settings: { gecko: { id: CONTROLLER_ID } },
  },
  background: '// Does nothing: the benchmark installs and uninstalls Downcheck itself; this page only lists add-ons when asked.\n',
};

export function ensureFirefoxBuild() {
  if (existsSync(join(FIREFOX_DIST, 'manifest.json'))) return;
  console.log('dist/firefox is missing: running npm run build:firefox');
  const r = spawnSync('npm', ['run', 'build:firefox'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error('npm run build:firefox failed');
}

// ---------------------------------------------------------------------------------------------
// Processes (Linux /proc): a browser's tree, CPU ticks, resident memory.

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text
      .slice(text.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return { ppid: f[1], ticks: f[11] + f[12], key: `${pid}@${f[19]}` };
  } catch {
    return undefined; // exited meanwhile, or not Linux
  }
}

/** CPU ticks (1/100 s) of every process in the tree under `root`, keyed by pid and start time (pids get reused). */
function treeTicks(root) {
  const all = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return all;
  }
  for (const entry of entries) {
    const s = stat(entry);
    if (s) all.set(Number(entry), s);
  }
  const tree = new Map();
  if (all.has(root)) tree.set(root, all.get(root));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, s] of all)
      if (!tree.has(pid) && tree.has(s.ppid)) {
        tree.set(pid, s);
        grew = true;
      }
  }
  return new Map([...tree].map(([pid, s]) => [s.key, { pid, ticks: s.ticks }]));
}

const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);

/**
 * The content process that runs the extensions' pages and background pages (Firefox's "extension"
 * process; its command line does not tell it from a tab's): the one whose CPU time grows most while
 * the controller's page, an extension page, spins for 500 ms, by at least 100 ms and twice the next.
 */
async function findExtensionProcess(root, controllerPage) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const before = treeTicks(root);
    await controllerPage.evaluate(() => {
      const until = performance.now() + 500;
      while (performance.now() < until);
    });
    const grown = [...treeTicks(root)]
      .filter(([, { pid }]) => pid !== root)
      .map(([key, { pid, ticks }]) => ({ pid, key, grew: ticks - (before.get(key)?.ticks ?? 0) }))
      .sort((a, b) => b.grew - a.grew);
    if (grown[0] && grown[0].grew >= 10 && grown[0].grew >= 2 * (grown[1]?.grew ?? 0)) return grown[0];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

/** Firefox with the controller installed and Downcheck not; `setEnabled('DOWNCHECK')` installs it, `setEnabled()` uninstalls it. */
async function launchSwitchableFirefox(controllerDir, downcheckDir, switches) {
  const ff = await launchFirefox({
    extensionDir: controllerDir,
    prefs: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID, [CONTROLLER_ID]: CONTROLLER_UUID }),
      // Page timings in µs instead of whole ms (Firefox rounds them by default): a round's ratio is not a step of 0.3–0.5 %.
      'privacy.reduceTimerPrecision': false,
    },
  });
  try {
    const { browser } = ff;
    const root = browser.process()?.pid;
    const controller = await browser.newPage();
    // goto never settles for moz-extension:// pages (browsers.mjs): start it, then poll until the page is the controller's.
    controller.goto(`moz-extension://${CONTROLLER_UUID}/manifest.json`).catch(() => undefined);
    await poll(
      async () => ((await controller.evaluate(() => typeof globalThis.browser?.management?.getAll === 'function')) ? true : undefined),
      { timeoutMs: 15_000, what: "the controller's page" },
    );
    const page = await browser.newPage();
    for (const other of await browser.pages()) if (other !== page && other !== controller) await other.close();
    // Tabs as the browser has them (Puppeteer's page list keeps closed extension tabs): the controller's and the measured page's.
    const tabIds = () => controller.evaluate(async () => (await globalThis.browser.tabs.query({})).map((t) => t.id));
    const kept = new Set(await tabIds());
    if (kept.size !== 2) throw new Error(`${kept.size} tabs open after launch, expected the controller's and the measured page`);
    const strayTabs = async () => (await tabIds()).filter((id) => !kept.has(id));
    const installed = () =>
      controller.evaluate(async (id) => (await globalThis.browser.management.getAll()).some((e) => e.id === id && e.enabled), GECKO_ID);
    const extensionProcess = root === undefined ? undefined : await findExtensionProcess(root, controller);
    let on = false;
    return {
      page,
      root,
      extensionProcess,
      /** Tabs open besides the measured one and the controller's (none, unless a switch left one). */
      strayPages: async () => (await strayTabs()).length,
      async setEnabled(variant) {
        const wanted = variant === 'DOWNCHECK';
        if (wanted === on) return;
        if (wanted) {
          await browser.installExtension(downcheckDir);
          // Each install is a first install: Downcheck opens its welcome page. Close it, so both browsers show one page.
          const welcome = await poll(async () => ((await strayTabs()).length ? strayTabs() : undefined), {
            timeoutMs: 5000,
            intervalMs: 50,
            what: "Downcheck's welcome page",
          }).catch(() => []);
          if (welcome.length) {
            await controller.evaluate((ids) => globalThis.browser.tabs.remove(ids), welcome);
            switches.welcomes += 1;
          }
        } else {
          await browser.uninstallExtension(GECKO_ID);
        }
        if ((await installed()) !== wanted) throw new Error(`Downcheck was not ${wanted ? 'installed' : 'uninstalled'}`);
        switches[wanted ? 'installs' : 'uninstalls'] += 1;
        on = wanted;
      },
      close: () => ff.close(),
    };
  } catch (error) {
    await ff.close();
    throw error;
  }
}

/**
 * Runs the swapped design in Firefox. Per block (outside its rounds) it reads each browser's CPU
 * time, whole and of the extension process, and that process's resident memory, and charges them
 * to "on" (the browser with Downcheck installed) or "off".
 */
export async function measureFirefoxSwapped({
  origin,
  tmp,
  subresources,
  cpu,
  cycles,
  sessions,
  blockRounds,
  warmupRounds,
  switchSettleMs,
  settleMs,
}) {
  const controllerDir = join(tmp, 'firefox-controller');
  mkdirSync(controllerDir, { recursive: true });
  writeFileSync(join(controllerDir, 'manifest.json'), JSON.stringify(CONTROLLER.manifest, null, 2));
  writeFileSync(join(controllerDir, 'background.js'), CONTROLLER.background);
  const blocks = swapBlocks(['DOWNCHECK']);
  const work = { on: newWork(), off: newWork(), aa: newWork() };
  const atStart = new Map();
  let strays = 0;
  const switches = { installs: 0, uninstalls: 0, welcomes: 0 };
  const result = await runSwapped({
    launch: () => launchSwitchableFirefox(controllerDir, FIREFOX_DIST, switches),
    blocks,
    sessions,
    cycles,
    blockRounds,
    warmupRounds,
    switchSettleMs,
    settleMs,
    origin,
    subresources,
    cpu,
    seed: 20261207,
    async onMeasured(phase, block, browsers) {
      for (const name of ['A', 'B']) {
        const b = browsers[name];
        if (b.root === undefined) continue;
        const ticks = treeTicks(b.root);
        if (phase === 'start') {
          atStart.set(name, ticks);
          continue;
        }
        const before = atStart.get(name);
        let all = 0;
        for (const [key, now] of ticks) all += now.ticks - (before.get(key)?.ticks ?? 0);
        const ext = b.extensionProcess;
        const extTicks =
          ext && ticks.has(ext.key) && before.has(ext.key) ? ticks.get(ext.key).ticks - before.get(ext.key).ticks : undefined;
        const role = blocks[block].on === name ? 'on' : blocks[block].on ? 'off' : 'aa';
        const w = work[role];
        w.loads += blockRounds;
        w.allMs += all * 10;
        if (extTicks !== undefined) {
          w.extMs += extTicks * 10;
          w.extLoads += blockRounds;
          w.rssKb.push(rssKb(ext.pid));
        }
        strays += await b.strayPages();
      }
    },
  });
  if (process.env.HEALTHY_COST_FIREFOX_DUMP) writeFileSync(process.env.HEALTHY_COST_FIREFOX_DUMP, JSON.stringify(result.samples));
  return { ...result, work, strays, switches, blockRounds };
}

const newWork = () => ({ loads: 0, allMs: 0, extLoads: 0, extMs: 0, rssKb: [] });

/** Firefox's swapped table, the verdict under the rule (docs/performance.md), and the per-page work. */
export function reportFirefoxSwapped(result) {
  const rows =
    printSwapped(result, {
      title: (cycles, blocks, launches) =>
        `Firefox ESR: two browsers that swap roles, Downcheck installed and uninstalled beside an empty extension (temporary add-on over WebDriver BiDi), the same page: ${cycles} cycles of ${blocks} blocks of ${result.blockRounds} rounds, in ${launches} launches of the pair:`,
    }) ?? [];
  const dc = rows.find((r) => r.name === 'DOWNCHECK');
  const aa = rows.find((r) => r.name === 'A/A control');
  if (dc)
    console.log(
      `\nFirefox: DOWNCHECK vs the empty extension, browsers swapping roles (paired): ${pct(dc.ratio)} over ${dc.rounds} paired rounds. ` +
        `Rule (point estimate over ≥ 1,920 paired rounds, A/A within ±1 %, goal ≤ +2 %): ${ruleVerdict(dc, aa)}.`,
    );
  if (aa) console.log(`Noise floor: the A/A control came out at ${pct(aa.ratio)}, interval ${pct(aa.lo)} … ${pct(aa.hi)}.`);
  if (result.switches) {
    const { installs, uninstalls, welcomes } = result.switches;
    console.log(
      `Switches: Downcheck installed ${installs} times (its first-run tab opened, and was closed before the warm-up rounds, after ${welcomes} of them) and uninstalled ${uninstalls} times; ` +
        "after each, the controller's management.getAll listed it exactly when installed.",
    );
  }
  if (result.work) printFirefoxWork(result.work);
  if (result.strays)
    console.log(`${result.strays} times a tab other than the measured page and the controller's was open at the end of a block.`);
}

function printFirefoxWork(work) {
  const perLoad = (w, key, loads) => (w[loads] ? w[key] / w[loads] : Number.NaN);
  const row = (w) => ({
    ext: perLoad(w, 'extMs', 'extLoads'),
    all: perLoad(w, 'allMs', 'loads'),
    rss: w.rssKb.length ? median(w.rssKb) / 1024 : Number.NaN,
  });
  const base = row(work.off);
  const fmt = (v, b, digits) =>
    Number.isNaN(v)
      ? '—'
      : v === b
        ? v.toFixed(digits)
        : `${v.toFixed(digits)} (${v - b >= 0 ? '+' : '−'}${Math.abs(v - b).toFixed(digits)})`;
  const lines = [
    ['Downcheck installed', row(work.on), 'the browser with Downcheck, in the blocks where it is on'],
    ['empty extension only', base, 'the other browser, in the same blocks'],
    ['A/A blocks', row(work.aa), 'both browsers, Downcheck uninstalled (the noise of these figures)'],
  ];
  console.log(
    `\nPer-page work in Firefox over the measured rounds (/proc: ${work.on.extLoads} loads with Downcheck, ${work.off.extLoads} without; CPU ticks are 10 ms, so only sums over many loads mean anything):\n`,
  );
  printAligned(
    ['', 'extension process ms/load (Δ)', 'whole browser ms/load (Δ)', 'extension process RSS MB, median at block end (Δ)', ''],
    lines.map(([name, r, what]) => [name, fmt(r.ext, base.ext, 2), fmt(r.all, base.all, 2), fmt(r.rss, base.rss, 1), what]),
    { textLast: true },
  );
  console.log(
    "(In Firefox Downcheck injects nothing into a healthy page: its work is its background page's listeners, counted below. The extension process is the one found running an extension page; the whole browser's figure includes the page's own load.)",
  );
}

// ---------------------------------------------------------------------------------------------
// Listeners run per healthy load: an instrumented copy, in a browser of its own (never in the timed rounds).

/** Runs first in Downcheck's background page: every listener registered on a browser.* event counts its calls. */
const COUNTER = `// Counts, per event, the listeners registered and their calls (healthy-cost bench only).
globalThis.benchCounts = { registered: {}, calls: {}, stored: {} };
for (const ns of ['webRequest', 'webNavigation', 'tabs', 'windows', 'runtime', 'storage', 'alarms', 'notifications', 'permissions']) {
  const api = globalThis.browser?.[ns];
  for (const name of Object.keys(api ?? {}).filter((k) => /^on[A-Z]/.test(k))) {
    const event = api[name];
    const add = event?.addListener?.bind(event);
    if (!add) continue;
    const key = ns + '.' + name;
    event.addListener = (fn, ...rest) => {
      benchCounts.registered[key] = (benchCounts.registered[key] ?? 0) + 1;
      return add((...args) => {
        benchCounts.calls[key] = (benchCounts.calls[key] ?? 0) + 1;
        // Which stored key families a load changes (the part before the first ':').
        if (key === 'storage.onChanged')
          for (const k of Object.keys(args[0] ?? {})) {
            const family = args[1] + ' ' + k.split(':')[0];
            benchCounts.stored[family] = (benchCounts.stored[family] ?? 0) + 1;
          }
        return fn(...args);
      }, ...rest);
    };
  }
}
`;

/**
 * What Downcheck's background page runs per healthy load: a copy of dist/firefox whose first
 * background script counts its listeners' calls, in a browser of its own, over `loads` loads of the
 * page (after its start and first-run tab). Counters are read from its background page's window.
 */
export async function countFirefoxListeners({ origin, tmp, loads, settleMs }) {
  const dir = join(tmp, 'firefox-counted');
  cpSync(FIREFOX_DIST, dir, { recursive: true });
  writeFileSync(join(dir, 'bench-count.js'), COUNTER);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.background.scripts.unshift('bench-count.js');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const ff = await launchFirefox({ extensionDir: dir, prefs: { 'privacy.reduceTimerPrecision': false } });
  try {
    const read = () => ff.extEval(async () => structuredClone((await globalThis.browser.runtime.getBackgroundPage()).benchCounts));
    const page = await ff.openPage();
    await sleep(2000); // the background page's start and its first-run tab
    const before = await read();
    for (let i = 0; i < loads; i += 1) {
      await measureLoad(page, `${origin}/page?count=${i}`);
      await sleep(settleMs);
    }
    const after = await read();
    const perLoad = Object.fromEntries(
      Object.keys(after.calls)
        .map((key) => [key, (after.calls[key] - (before.calls[key] ?? 0)) / loads])
        .filter(([, n]) => n > 0),
    );
    const stored = Object.fromEntries(
      Object.keys(after.stored)
        .map((family) => [family, (after.stored[family] - (before.stored[family] ?? 0)) / loads])
        .filter(([, n]) => n > 0),
    );
    return { loads, perLoad, registered: after.registered, stored };
  } finally {
    await ff.close();
  }
}

export function printFirefoxListeners({ loads, perLoad, registered, stored }) {
  const keys = Object.keys(perLoad).sort();
  console.log(
    `\nListener calls in Downcheck's background page per healthy load (an instrumented copy of dist/firefox, ${loads} loads of the page, in a browser of its own):\n`,
  );
  printAligned(
    ['event', 'calls per load', 'listeners registered'],
    keys.map((k) => [k, perLoad[k].toFixed(2), String(registered[k] ?? 0)]),
  );
  if (!keys.length) console.log('(none)');
  const families = Object.entries(stored).sort(([a], [b]) => a.localeCompare(b));
  if (families.length)
    console.log(`Stored keys changed per load (area, key family): ${families.map(([f, n]) => `${f} ${n.toFixed(2)}`).join(' · ')}`);
}
