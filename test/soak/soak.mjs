// Soak: one browser with the built extension browses a realistic mix of local
// pages in several tabs at once, and every `rowEvery` navigations prints what the extension holds:
// the worker's JS heap (Chromium, over CDP, after a full GC), storage bytes, records per kind,
// alarms, the worker's timers pending, and whether detection still works on a probe page (a fresh 502 detected, a healthy page
// left alone). Every navigation is checked too: each failure recorded, no healthy page flagged.
//
//   npm run soak                                  Chromium 2,000 navigations, then Firefox 600 (README "Soak")
//   node test/soak/soak.mjs chromium 2000 200     one browser, N navigations, a row every M
//   SOAK_SEED=7                                   another mix (the default is fixed, so runs compare)
//   SOAK_REBUILD=1                                package the extension first (else artifacts/ is reused)
//
// A short version runs in `npm test` (test/e2e/soak.e2e.mjs). The browser loads the store package
// unzipped in .tmp/e2e-packages (run `npm run package` first, or let test/e2e/run.mjs do it).
import { fileURLToPath } from 'node:url';
import { EXTENSION_DIRS, launchBrowser, poll } from '../e2e/browsers.mjs';
import { preparePackages } from './packages.mjs';
import { SPA_STEPS, startSoakSites } from './sites.mjs';
import { consistencyProblems, readState, recordCounts } from './state.mjs';
import { mulberry32 } from '../bench/prng.mjs';

/** The mix: 80 % healthy, 10 % 5xx from the corpus, 5 % network errors, 5 % soft errors and pushState apps. */
export const MIX = [
  ['healthy', 0.7], // plain pages
  ['healthy-corpus', 0.1], // the corpus's healthy pages that talk about errors (a 404, "Error" titles, JSON…)
  ['error', 0.1], // every 5xx page of the corpus in turn
  ['network', 0.05], // refused and reset in turn
  ['soft', 0.025], // a 200 page titled "502 Bad Gateway"
  ['spa', 0.025], // a healthy app that rewrites its address SPA_STEPS times with pushState
];

/**
 * Pass/fail, checked on the rows after warm-up (the first row is warm-up; "flat" compares the
 * last row with the second). Storage bounds follow the items' `bound` (src/core/<domain>/stored.ts).
 */
export const BOUNDS = {
  /** The worker's heap after a full GC grows less than this between the 2nd row and the last. */
  heapGrowth: 0.2,
  /** …or by less than this many bytes (a 1 MB heap moves by more than 20 % of itself with one diagnosis in flight). */
  heapSlackBytes: 256 * 1024,
  /** storage.local: the history's HISTORY_MAX_BYTES (256 KB) plus settings, consent and schema. */
  localBytes: 256 * 1024 + 16 * 1024,
  /** History entries: HISTORY_LIMIT. */
  history: 500,
  /** storage.session: per open tab (incident, diagnosis, response, soft times, sub-frames) and per schedule, plus the outside caches. */
  sessionBytesPerTab: 24 * 1024,
  sessionBytesPerRetry: 4 * 1024,
  sessionBytesFixed: 64 * 1024,
  /**
   * The worker's timers pending (src/core/async/timers.ts): per tab with an incident, its diagnosis
   * (deadline, DNS wait, one per check in flight), its header probe and its retry wait; plus a few
   * that outlive an incident by seconds (a 503's re-probe after its 5 s of quiet, a soft-error
   * title waiting 400 ms for its page's response). A timer leaked per failure (hundreds per run) breaks it.
   */
  timersFixed: 16,
  timersPerIncident: 8,
};

const DETECT_MS = 8_000; // an error page's incident and badge (an empty 5xx waits for its re-probe)
const QUIET_MS = 300; // a healthy page must stay without an alarm this long after it loaded (and the incident log is checked too)

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence. */
const random = mulberry32;

/** The whole run's navigations, in order: `{ index, kind, url, status?, id? }`, each URL unique (`soak=<index>`). */
export function plan(sites, navigations, seed = 1) {
  const next = random(seed);
  const counters = { error: 0, network: 0, 'healthy-corpus': 0 };
  const out = [];
  for (let index = 0; index < navigations; index += 1) {
    let r = next();
    const kind = MIX.find(([, share]) => (r -= share) < 0)?.[0] ?? 'healthy';
    const q = `soak=${index}`;
    if (kind === 'error') {
      const entry = sites.errors[counters.error % sites.errors.length];
      const server = sites.corpus[counters.error % sites.corpus.length];
      counters.error += 1;
      out.push({ index, kind, id: entry.id, status: entry.status, url: `${server.urlOf(entry.id)}?${q}` });
    } else if (kind === 'healthy-corpus') {
      const entry = sites.healthyCorpus[counters[kind] % sites.healthyCorpus.length];
      counters[kind] += 1;
      out.push({ index, kind, id: entry.id, url: `${sites.corpus[index % sites.corpus.length].urlOf(entry.id)}?${q}` });
    } else if (kind === 'network') {
      const refused = counters.network++ % 2 === 0;
      out.push({
        index,
        kind,
        id: refused ? 'refused' : 'reset',
        url: `${refused ? sites.refusedOrigin : sites.resetOrigin}/page/${index}?${q}`,
      });
    } else {
      const path = kind === 'healthy' ? 'ok' : kind;
      out.push({ index, kind, url: `${sites.healthyOrigin}/${path}/${index}?${q}` });
    }
  }
  return out;
}

const soakIndex = (url) => {
  try {
    const n = new URL(url).searchParams.get('soak');
    return n === null ? undefined : Number(n);
  } catch {
    return undefined;
  }
};
const samePage = (a, b) => typeof a === 'string' && typeof b === 'string' && a.split('#')[0] === b.split('#')[0];
const badgeShows = (badge, code) => badge === code || badge === `↻${code.slice(0, 3)}`;
const SOFT_WINDOW_MS = 10 * 60_000; // src/core/incident/soft-limit.ts
const SOFT_PER_WINDOW = 3;

function tabState(browser, tabId) {
  return browser.pageEval(async (id) => {
    const api = globalThis.browser ?? globalThis.chrome;
    const got = await api.storage.session.get(`incident:${id}`);
    return { badge: await api.action.getBadgeText({ tabId: id }).catch(() => null), incident: got[`incident:${id}`] ?? null };
  }, tabId);
}

/** Every incident the extension writes, logged from storage.onChanged in an extension page (catches flags that come and go). */
async function watchIncidents(browser) {
  await browser.pageEval(() => {
    const api = globalThis.browser ?? globalThis.chrome;
    if (globalThis.__soakIncidents) return;
    globalThis.__soakIncidents = [];
    api.storage.onChanged.addListener((changes, area) => {
      if (area !== 'session') return;
      for (const [key, change] of Object.entries(changes)) {
        if (key.startsWith('incident:') && change.newValue)
          globalThis.__soakIncidents.push({ key, url: change.newValue.url, kind: change.newValue.kind });
      }
    });
  });
  return () =>
    browser.pageEval(() => {
      const seen = globalThis.__soakIncidents ?? [];
      globalThis.__soakIncidents = [];
      return seen;
    });
}

/** One tab that the run drives: navigates, then checks what the extension made of it. */
async function openDriver(browser, sites, n) {
  const page = await browser.openPage(`${sites.healthyOrigin}/start/${n}?tab=${n}`);
  const tabId = await browser.tabIdOf(page);
  // Chromium: page.goto gives real tab ids and also leaves Chrome's own error pages; Firefox reports
  // real tab ids to webRequest only for navigations started in the page.
  const go = (url) =>
    browser.name === 'chromium'
      ? page.goto(url, { waitUntil: 'load', timeout: 10_000 }).catch(() => undefined)
      : browser.navigateInPage(page, url);
  return { page, tabId, go, softTimes: [] };
}

const loaded = (page) => page.evaluate(() => document.readyState === 'complete').catch(() => false);

/** Navigates one tab to `nav.url` and checks the outcome; returns a failure in words, or undefined. */
async function visit(browser, tab, nav) {
  await tab.go(nav.url);
  const state = () => tabState(browser, tab.tabId);
  const detected = (want) =>
    poll(
      async () => {
        const s = await state();
        return s.incident && samePage(s.incident.url, nav.url) && want(s) ? s : undefined;
      },
      { timeoutMs: DETECT_MS, intervalMs: 100, what: nav.url },
    ).catch(() => undefined);

  if (nav.kind === 'error') {
    const s = await detected((s) => s.incident.status === nav.status && badgeShows(s.badge, String(nav.status)));
    return s ? undefined : `missed ${nav.id} (${nav.status}) at #${nav.index}: ${JSON.stringify(await state())}`;
  }
  if (nav.kind === 'network') {
    const s = await detected((s) => s.incident.kind === 'network' && badgeShows(s.badge, s.incident.badge));
    return s ? undefined : `missed network error ${nav.id} at #${nav.index}: ${JSON.stringify(await state())}`;
  }
  if (nav.kind === 'soft') {
    // At most SOFT_PER_WINDOW soft incidents per tab in SOFT_WINDOW_MS (core/incident/soft-limit.ts); the rest are not recorded.
    const now = Date.now();
    const recent = tab.softTimes.filter((t) => now - t < SOFT_WINDOW_MS);
    const edge = recent.length >= SOFT_PER_WINDOW && now - Math.min(...recent) > SOFT_WINDOW_MS - 10_000; // about to allow again
    if (recent.length < SOFT_PER_WINDOW) {
      const s = await detected((s) => s.incident.kind === 'soft' && badgeShows(s.badge, s.incident.badge));
      if (!s) return `missed soft error at #${nav.index}: ${JSON.stringify(await state())}`;
      tab.softTimes.push(Date.now());
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 1200));
    const s = await state();
    if (s.incident && samePage(s.incident.url, nav.url)) {
      if (edge) tab.softTimes.push(Date.now());
      else return `soft error at #${nav.index} recorded beyond the limit of ${SOFT_PER_WINDOW} per ${SOFT_WINDOW_MS / 60_000} min`;
    }
    return undefined;
  }
  // Healthy (a page, a corpus page about errors, an app rewriting its address): nothing may be flagged.
  await poll(async () => ((await loaded(tab.page)) ? true : undefined), { timeoutMs: 10_000, what: `${nav.url} to load` }).catch(
    () => undefined,
  );
  if (nav.kind === 'spa') {
    await poll(async () => ((await tab.page.evaluate(() => globalThis.__spaDone === true).catch(() => false)) ? true : undefined), {
      timeoutMs: 10_000,
      what: `${SPA_STEPS} pushStates`,
    }).catch(() => undefined);
  }
  // The previous page's incident is ended by this load (Firefox keeps a badge until the extension redraws it).
  const ended = await poll(
    async () => {
      const s = await state();
      return !s.incident && s.badge === '' ? true : undefined;
    },
    { timeoutMs: DETECT_MS, intervalMs: 100, what: 'the previous incident to end' },
  ).catch(() => undefined);
  if (!ended) return `healthy #${nav.index} (${nav.kind} ${nav.id ?? ''}) flagged: ${JSON.stringify(await state())}`;
  const until = Date.now() + QUIET_MS;
  do {
    const s = await state();
    if (s.incident || s.badge !== '') return `healthy #${nav.index} (${nav.kind} ${nav.id ?? ''}) flagged: ${JSON.stringify(s)}`;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < until);
  return undefined;
}

/** The probe page: a fresh 502 must be detected (ms to detect) and a healthy page left alone. */
async function probe(browser, tab, sites, row) {
  const started = Date.now();
  const failing = await visit(browser, tab, {
    index: `probe ${row}`,
    kind: 'error',
    id: 'nginx-502',
    status: 502,
    url: `${sites.corpus[0].urlOf('nginx-502')}?probe=${row}`,
  });
  const detectMs = Date.now() - started;
  const healthy = await visit(browser, tab, {
    index: `probe ${row}`,
    kind: 'healthy',
    url: `${sites.healthyOrigin}/ok/probe?probe=${row}`,
  });
  return { ok: !failing && !healthy, detectMs, problem: failing ?? healthy };
}

const kb = (bytes) => (bytes === undefined ? 'n/a' : (bytes / 1024).toFixed(1));
/** The row's columns: title, width (right-aligned) and what is printed; the header is made from the same list. */
const COLUMNS = [
  ['navs', 5, (r) => r.navigations],
  ['min', 5, (r) => (r.elapsedMs / 60_000).toFixed(1)],
  ['heap KB', 8, (r) => kb(r.heapBytes)],
  ['session KB', 11, (r) => kb(r.sessionBytes)],
  ['local KB', 9, (r) => kb(r.localBytes)],
  ...[
    ['incident', 9],
    ['retry', 5],
    ['diagnosis', 9],
    ['response', 8],
    ['soft', 4],
    ['subframes', 9],
    ['recovered', 9],
    ['history', 8],
  ].map(([kind, width]) => [kind, width, (r) => r.counts[kind]]),
  ['alarms', 7, (r) => r.alarms],
  ['timers', 7, (r) => r.timers ?? 'n/a'],
  ['probe', 13, (r) => `${r.probe.ok ? 'ok' : 'FAIL'} ${r.probe.detectMs} ms`],
  ['problems', 9, (r) => r.problems.length],
];
const cells = (values) => values.map((v, i) => String(v).padStart(COLUMNS[i][1])).join(' ');
export const TABLE_HEADER = cells(COLUMNS.map(([title]) => title));
const formatRow = (r) => cells(COLUMNS.map(([, , value]) => value(r)));

/** Which bounds the rows break, in words (empty: the run passes on its figures). */
export function checkBounds(rows, { tabs }) {
  const broken = [];
  if (rows.length < 3) broken.push(`only ${rows.length} rows: at least 3 are needed to call the figures flat`);
  const [, second] = rows;
  const last = rows.at(-1);
  if (second?.heapBytes !== undefined && last?.heapBytes !== undefined) {
    const bound = Math.max(second.heapBytes * (1 + BOUNDS.heapGrowth), second.heapBytes + BOUNDS.heapSlackBytes);
    if (last.heapBytes > bound)
      broken.push(`worker heap grew from ${kb(second.heapBytes)} KB (row 2) to ${kb(last.heapBytes)} KB (bound ${kb(bound)} KB)`);
  }
  for (const r of rows) {
    const at = `at ${r.navigations} navigations`;
    if (r.localBytes > BOUNDS.localBytes) broken.push(`storage.local ${kb(r.localBytes)} KB ${at} (bound ${kb(BOUNDS.localBytes)} KB)`);
    if (r.counts.history > BOUNDS.history) broken.push(`history of ${r.counts.history} ${at} (bound ${BOUNDS.history})`);
    const sessionBound = BOUNDS.sessionBytesFixed + BOUNDS.sessionBytesPerTab * (tabs + 1) + BOUNDS.sessionBytesPerRetry * r.counts.retry;
    if (r.sessionBytes > sessionBound) broken.push(`storage.session ${kb(r.sessionBytes)} KB ${at} (bound ${kb(sessionBound)} KB)`);
    if (r.counts.retry > 4) broken.push(`${r.counts.retry} retry schedules ${at}: the mix fails on 4 origins`);
    if (r.alarms > r.counts.retry) broken.push(`${r.alarms} alarms for ${r.counts.retry} retry schedules ${at}`);
    const timersBound = BOUNDS.timersFixed + BOUNDS.timersPerIncident * r.counts.incident;
    if (r.timers === undefined) broken.push(`the worker did not answer how many timers it has pending ${at}`);
    else if (r.timers > timersBound)
      broken.push(`${r.timers} timers pending ${at} (bound ${timersBound} for ${r.counts.incident} incidents)`);
    if (!r.probe.ok) broken.push(`probe page ${at}: ${r.probe.problem}`);
    for (const p of r.problems) broken.push(`${p} ${at}`);
  }
  return broken;
}

/**
 * Runs the soak in one browser. `navigations` in all, spread over `tabs` tabs browsing at once;
 * a row every `rowEvery`. Returns the rows, every failed navigation, and the bounds broken.
 */
export async function runSoak({
  browserName,
  navigations,
  rowEvery,
  tabs = 4,
  seed = Number(process.env.SOAK_SEED ?? 1),
  log = console.log,
}) {
  const sites = await startSoakSites();
  const browser = await launchBrowser(browserName, { extensionDir: EXTENSION_DIRS[browserName] });
  const rows = [];
  const failures = [];
  const falseAlarms = [];
  const started = Date.now();
  const counts = Object.fromEntries(MIX.map(([k]) => [k, 0]));
  try {
    const navs = plan(sites, navigations, seed);
    const drivers = [];
    for (let n = 0; n < tabs; n += 1) drivers.push(await openDriver(browser, sites, n));
    const probeTab = await openDriver(browser, sites, 'probe');
    const driven = new Set([...drivers, probeTab].map((d) => d.tabId));
    const incidentsSince = await watchIncidents(browser);
    log(`# soak: ${browserName}, ${navigations} navigations in ${tabs} tabs, a row every ${rowEvery} (seed ${seed})`);
    log(TABLE_HEADER);
    for (let from = 0; from < navs.length; from += rowEvery) {
      const batch = navs.slice(from, from + rowEvery);
      // Each tab takes the next navigation as soon as it is done with its own.
      let next = 0;
      await Promise.all(
        drivers.map(async (tab) => {
          while (next < batch.length) {
            const nav = batch[next++];
            counts[nav.kind] += 1;
            const failure = await visit(browser, tab, nav);
            if (failure) failures.push(failure);
          }
        }),
      );
      const probeResult = await probe(browser, probeTab, sites, rows.length + 1);
      for (const written of await incidentsSince()) {
        const nav = navs[soakIndex(written.url)];
        if (nav && !['error', 'network', 'soft'].includes(nav.kind))
          falseAlarms.push(`${nav.kind} #${nav.index} ${nav.url} got an incident`);
      }
      let state = await readState(browser, { workerStats: true });
      let problems = consistencyProblems(state, { tabFilter: (t) => driven.has(t.id) });
      if (problems.length) {
        // Work still in flight (a re-probe, a probe) settles within a second or two: only what persists counts.
        await new Promise((r) => setTimeout(r, 2000));
        state = await readState(browser, { workerStats: true });
        problems = consistencyProblems(state, { tabFilter: (t) => driven.has(t.id) });
      }
      const heap = await browser.workerHeap().catch(() => undefined);
      const row = {
        navigations: from + batch.length,
        elapsedMs: Date.now() - started,
        heapBytes: heap?.usedSize,
        sessionBytes: state.sessionBytes,
        localBytes: state.localBytes,
        counts: recordCounts(state),
        alarms: state.alarms.length,
        timers: state.timersPending,
        probe: probeResult,
        problems,
      };
      rows.push(row);
      log(formatRow(row));
    }
  } finally {
    await browser.close();
    await sites.stop();
  }
  const broken = checkBounds(rows, { tabs });
  const summary = {
    browser: browserName,
    navigations,
    minutes: (Date.now() - started) / 60_000,
    mix: counts,
    failures,
    falseAlarms,
    broken,
    passed: failures.length === 0 && falseAlarms.length === 0 && broken.length === 0,
  };
  log(`# ${browserName}: ${navigations} navigations in ${summary.minutes.toFixed(1)} min, mix ${JSON.stringify(counts)}`);
  log(`# failed navigations: ${failures.length}; false alarms in the incident log: ${falseAlarms.length}; bounds broken: ${broken.length}`);
  for (const line of [...failures, ...falseAlarms, ...broken].slice(0, 30)) log(`#   ${line}`);
  return { rows, ...summary };
}

/**
 * `npm run soak`: Chromium 2,000 navigations, then Firefox 600. Firefox runs fewer because each of
 * its navigations costs about twice as long under its remote protocol (WebDriver BiDi: a navigation
 * started in the page, then polled), and no protocol reads its background page's heap, the one
 * figure that needs a long run; storage, records, alarms and detection are flat well before 600.
 */
export const FULL_RUNS = [
  { browserName: 'chromium', navigations: 2000, rowEvery: 200 },
  { browserName: 'firefox', navigations: 600, rowEvery: 200 },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name, n, every = '200'] = process.argv.slice(2);
  const runs = name ? [{ browserName: name, navigations: Number(n ?? 2000), rowEvery: Number(every) }] : FULL_RUNS;
  preparePackages(runs.map((r) => r.browserName));
  let passed = true;
  for (const run of runs) passed = (await runSoak(run)).passed && passed;
  process.exitCode = passed ? 0 : 1;
}
