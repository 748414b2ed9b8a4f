// Chaos: in Chromium, the extension's service worker is stopped over the
// DevTools protocol (browser.stopWorker(), as Chrome does to an idle worker, but at the worst
// moments) during detection, diagnosis, a retry schedule and a recovery. Each cycle:
//   1. four fresh sites start failing (three answer 502, one refuses connections) and two tabs
//      each load them; the worker is stopped 0–400 ms later (detection);
//   2. once every tab has its incident, one tab is closed and the worker stopped 0–500 ms later
//      (diagnosis, and forgetting the closed tab);
//   3. 0–3 s into the retry schedules, stopped again (retry schedule);
//   4. the sites recover and the worker is stopped 0–3 s later (the probe, the reloads: recovery).
// After each stop a page load in a bystander tab wakes the worker (the visitor keeps browsing).
// After stops 2 and 3 the state must be consistent (state.mjs: badges match the stored incidents,
// every waiting schedule has its alarm, no records for closed tabs, every failing tab in its
// origin's schedule); after the fourth stop every failing tab must come back and the state be consistent.
// Fresh origins per cycle: a site that fails again within 5 min continues its old schedule, and
// after 3 recoveries Downcheck stops reloading by design (README "Brings the page back").
//
//   npm run chaos                      50 stops (13 cycles of 4, the last cut short)
//   node test/soak/chaos.mjs 8         8 stops (the e2e suite's version: test/e2e/chaos.e2e.mjs)
//   CHAOS_SEED=7                       other random points
import { fileURLToPath } from 'node:url';
import { EXTENSION_DIRS, launchBrowser, poll } from '../e2e/browsers.mjs';
import { preparePackages } from './packages.mjs';
import { startFlakySite } from './sites.mjs';
import { consistencyProblems, readState } from './state.mjs';
import { mulberry32 } from '../bench/prng.mjs';

const TABS_PER_SITE = 2;
const MODES = ['http', 'http', 'http', 'refused'];
const DETECT_MS = 20_000;
const BACK_MS = 60_000;

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence. */
const random = mulberry32;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const heading = (page) => page.evaluate(() => document.querySelector('h1')?.textContent ?? '').catch(() => '');
const originOf = (url) => new URL(url).origin;

/** What must hold while the sites fail: state.mjs's rules, and every open failing tab recorded and in its origin's schedule. */
function failingProblems(state, tabs) {
  const problems = consistencyProblems(state, { tabFilter: (t) => tabs.some((d) => d.tabId === t.id) });
  for (const tab of tabs.filter((d) => !d.closed)) {
    const incident = state.session[`incident:${tab.tabId}`];
    if (!incident || incident.url !== tab.url) problems.push(`tab ${tab.tabId} (${tab.url}) has no incident`);
    const retry = state.session[`retry:${originOf(tab.url)}`];
    if (!retry?.tabs?.includes(tab.tabId)) problems.push(`tab ${tab.tabId} waits in no schedule (${JSON.stringify(retry ?? null)})`);
  }
  return problems;
}

/**
 * Runs `stops` worker stops in cycles of four. Returns every stop with its phase and what was
 * found after it (`problems` empty: survived), and a line per cycle.
 */
export async function runChaos({ stops = 50, seed = Number(process.env.CHAOS_SEED ?? 1), log = console.log } = {}) {
  const rand = random(seed);
  const browser = await launchBrowser('chromium', { extensionDir: EXTENSION_DIRS.chromium });
  const bystanderSite = await startFlakySite('http');
  await bystanderSite.recover();
  const results = [];
  const sites = [];
  let wakes = 0;
  const started = Date.now();
  try {
    const bystander = await browser.openPage(`${bystanderSite.origin}/start?bystander`);
    const wake = async () => {
      wakes += 1;
      await bystander.goto(`${bystanderSite.origin}/start?wake=${wakes}`).catch(() => undefined);
    };
    const stop = async (phase, cycle, maxDelayMs, check) => {
      if (results.length >= stops) return false;
      const delay = Math.round(rand() * maxDelayMs);
      await sleep(delay);
      const at = Date.now();
      await browser.stopWorker();
      await wake();
      const problems = check ? await check() : [];
      results.push({ n: results.length + 1, cycle, phase, delay, problems, ms: Date.now() - at });
      log(
        `# stop ${String(results.length).padStart(2)} cycle ${cycle} ${phase.padEnd(10)} +${String(delay).padStart(4)} ms: ${problems.length ? `FAIL ${problems.join('; ')}` : 'consistent'}`,
      );
      return true;
    };
    /** Polls the consistency rules until they hold (work in flight settles) or `ms` passes; returns what still fails. */
    const settled = async (rule, ms = DETECT_MS) => {
      let problems = [];
      await poll(
        async () => {
          problems = rule(await readState(browser));
          return problems.length === 0 ? true : undefined;
        },
        { timeoutMs: ms, intervalMs: 250 },
      ).catch(() => undefined);
      return problems;
    };

    for (let cycle = 1; results.length < stops; cycle += 1) {
      const cycleSites = await Promise.all(MODES.map((mode) => startFlakySite(mode)));
      sites.push(...cycleSites);
      const tabs = [];
      for (const [s, site] of cycleSites.entries()) {
        for (let i = 0; i < TABS_PER_SITE; i += 1) {
          const page = await browser.openPage(`${bystanderSite.origin}/start?cycle=${cycle}&site=${s}&tab=${i}`);
          tabs.push({ page, url: `${site.origin}/page?cycle=${cycle}&tab=${i}`, tabId: await browser.tabIdOf(page), closed: false });
        }
      }
      const open = () => tabs.filter((t) => !t.closed);
      // 1. detection
      const loads = Promise.all(tabs.map((t) => t.page.goto(t.url, { timeout: 10_000 }).catch(() => undefined)));
      await stop('detection', cycle, 400, async () => {
        await loads;
        return settled((s) => failingProblems(s, open()));
      });
      // 2. diagnosis (and a tab closed)
      const victim = tabs[Math.floor(rand() * tabs.length)];
      victim.closed = true;
      await victim.page.close();
      await stop('diagnosis', cycle, 500, () => settled((s) => failingProblems(s, open())));
      // 3. a retry schedule
      await stop('retry', cycle, 3000, () => settled((s) => failingProblems(s, open())));
      // 4. recovery
      await Promise.all(cycleSites.map((s) => s.recover()));
      const recoveredAt = Date.now();
      await stop('recovery', cycle, 3000);
      const back = await poll(
        async () => {
          const shown = await Promise.all(open().map((t) => heading(t.page)));
          return shown.every((h) => h === 'Back online') ? true : undefined;
        },
        { timeoutMs: BACK_MS, intervalMs: 250 },
      ).catch(() => undefined);
      const backProblems = [];
      if (!back) {
        const shown = await Promise.all(open().map(async (t) => `${t.tabId}: ${await heading(t.page)}`));
        backProblems.push(`not every tab back within ${BACK_MS / 1000} s (${shown.join(', ')})`);
      }
      backProblems.push(...(await settled((s) => consistencyProblems(s, { tabFilter: (t) => open().some((d) => d.tabId === t.id) }))));
      for (const t of open()) await t.page.close();
      // Each tab's records are forgotten with it: nothing of this cycle may stay but the recovered origins' relapse memory.
      const leftovers = await settled((s) => consistencyProblems(s, { tabFilter: () => false }), 5000);
      backProblems.push(...leftovers.map((p) => `after closing the tabs: ${p}`));
      const last = results.at(-1);
      if (last?.cycle === cycle) last.problems.push(...backProblems.map((p) => `after recovery: ${p}`));
      log(
        `# cycle ${cycle}: ${tabs.length - 1} tabs ${back ? `back ${((Date.now() - recoveredAt) / 1000).toFixed(1)} s after recovery` : 'NOT all back'}` +
          `${backProblems.length ? `; FAIL ${backProblems.join('; ')}` : ', consistent after recovery and after closing them'}`,
      );
      await Promise.all(cycleSites.map((s) => s.stop()));
    }
  } finally {
    await browser.close();
    await Promise.all([bystanderSite, ...sites].map((s) => s.stop()));
  }
  const survived = results.filter((r) => r.problems.length === 0).length;
  const phases = Object.fromEntries(
    ['detection', 'diagnosis', 'retry', 'recovery'].map((p) => [p, results.filter((r) => r.phase === p).length]),
  );
  log(
    `# chaos: ${survived} of ${results.length} stops survived with consistent state (${JSON.stringify(phases)}) in ${((Date.now() - started) / 60_000).toFixed(1)} min`,
  );
  return { results, survived, passed: survived === results.length && results.length === stops };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  preparePackages(['chromium']);
  const result = await runChaos({ stops: Number(process.argv[2] ?? 50) });
  process.exitCode = result.passed ? 0 : 1;
}
