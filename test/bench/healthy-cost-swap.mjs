// What the Chrome and Firefox parts of healthy-cost.bench.mjs share: the page load measured, the
// statistics, the tables and the swapped-roles loop (two browsers, blocks A-ON/B-ON/A-AA/B-AA).
// Only how a browser is launched and how Downcheck is switched differs between the two.
import { mulberry32 as rng } from './prng.mjs';

export const BOOTSTRAP = 2000;

export function positiveInt(value, fallback) {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function nonNegativeInt(value, fallback) {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A random permutation (Fisher–Yates) drawn from `random`. */
export function shuffled(xs, random) {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export const sorted = (xs) => [...xs].sort((a, b) => a - b);
export function quantile(xs, q) {
  const s = sorted(xs);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo);
}
export const median = (xs) => quantile(xs, 0.5);

export const pct = (ratio) => `${ratio >= 1 ? '+' : '−'}${Math.abs((ratio - 1) * 100).toFixed(1)} %`;

/** Prints a table: a header, a rule, the rows; the first column (and the last, with `textLast`) left-aligned, numbers right. */
export function printAligned(header, cells, { textLast = false } = {}) {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const left = (i) => i === 0 || (textLast && i === header.length - 1);
  const line = (c) =>
    c
      .map((v, i) => (left(i) ? v.padEnd(widths[i]) : v.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

/** Loads `url` in `page` (Playwright's or Puppeteer's) and returns loadEventEnd (ms since navigation start) and what loaded. */
export async function measureLoad(page, url) {
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  const read = () =>
    page.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation');
      return {
        loadEventEnd: nav?.loadEventEnd ?? 0,
        status: nav?.responseStatus,
        resources: performance.getEntriesByType('resource').filter((r) => r.transferSize > 0).length,
      };
    });
  let result = await read();
  for (let i = 0; result.loadEventEnd === 0 && i < 50; i += 1) {
    await new Promise((r) => setTimeout(r, 10));
    result = await read();
  }
  if (result.loadEventEnd === 0) throw new Error(`loadEventEnd never set for ${url}`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Swapped roles.

/** Block kinds of a candidate: Downcheck's keep the names of earlier runs' dumps ("A-ON"), others are prefixed. */
export const onKinds = (variant) => (variant === 'DOWNCHECK' ? ['A-ON', 'B-ON'] : [`${variant} A-ON`, `${variant} B-ON`]);

/** Block kinds: which candidate is on in which browser, and which browser is counted as "on". */
export function swapBlocks(variants) {
  return {
    ...Object.fromEntries(
      variants.flatMap((variant) => {
        const [a, b] = onKinds(variant);
        return [
          [a, { variant, on: 'A', counted: 'A' }],
          [b, { variant, on: 'B', counted: 'B' }],
        ];
      }),
    ),
    'A-AA': { variant: undefined, on: undefined, counted: 'A' },
    'B-AA': { variant: undefined, on: undefined, counted: 'B' },
  };
}

/**
 * The swapped-roles loop: `sessions` launches of the pair A and B (`launch()` gives a browser with
 * `page`, `setEnabled(variant | undefined)` and `close()`), `cycles` cycles split among them, each
 * cycle the blocks in a random order; after each switch `switchSettleMs` and `warmupRounds` discarded
 * rounds, then `blockRounds` measured ones, each loading the page in A and B in a random order.
 * `onMeasured(phase, block, browsers)` is called with 'start' before a block's measured rounds and
 * 'end' after them (per-page work is read there, never during a round).
 */
export async function runSwapped({
  launch,
  blocks,
  sessions,
  cycles: totalCycles,
  blockRounds,
  warmupRounds,
  switchSettleMs,
  settleMs,
  origin,
  subresources,
  cpu,
  seed,
  onMeasured = async () => undefined,
}) {
  const samples = [];
  const orderRandom = rng(seed);
  let loadId = 0;
  let incomplete = 0;
  let cycle = 0;
  for (let session = 0; session < sessions; session += 1) {
    const browsers = {};
    try {
      for (const name of session % 2 ? ['B', 'A'] : ['A', 'B']) browsers[name] = await launch(name, session);
      const cycles = Math.floor(totalCycles / sessions) + (session < totalCycles % sessions ? 1 : 0);
      for (let c = 0; c < cycles; c += 1, cycle += 1) {
        for (const block of shuffled(Object.keys(blocks), orderRandom)) {
          cpu.sample(); // before a switch ends a switched-off worker's process
          for (const name of ['A', 'B']) await browsers[name].setEnabled(blocks[block].on === name ? blocks[block].variant : undefined);
          await sleep(switchSettleMs);
          for (let round = 0; round < warmupRounds + blockRounds; round += 1) {
            if (round === warmupRounds) await onMeasured('start', block, browsers);
            const ms = {};
            for (const name of shuffled(['A', 'B'], orderRandom)) {
              loadId += 1;
              const result = await measureLoad(browsers[name].page, `${origin}/page?swap=${loadId}`);
              if (result.status !== 200 || result.resources < subresources - 1) incomplete += 1;
              ms[name] = result.loadEventEnd;
              await sleep(settleMs);
            }
            if (round < warmupRounds) continue;
            const counted = blocks[block].counted;
            samples.push({ block, session, cycle, on: ms[counted], off: ms[counted === 'A' ? 'B' : 'A'] });
          }
          await onMeasured('end', block, browsers);
        }
      }
    } finally {
      await Promise.all(Object.values(browsers).map((b) => b.close()));
    }
  }
  return { samples, incomplete };
}

/**
 * Downcheck's ratio (or the A/A control's) from the samples of one pair of block kinds, taken
 * over the kind where A counts as on and the one where B does (a geometric mean), so the speed
 * difference between the two browsers cancels. Two statistics:
 *   paired (the one the verdict uses, as the design intends): the median over rounds of
 *     "this round's load with Downcheck on / the same round's load with it off", so whatever
 *     slowed the machine during a round slows both loads and cancels in their ratio;
 *   medians: "median load on / median load off" over the block kind, as the part above reports.
 */
export const swapStatistics = {
  paired: (of) => Math.exp(median(of.map((s) => Math.log(s.on / s.off)))),
  medians: (of) => median(of.map((s) => s.on)) / median(of.map((s) => s.off)),
};

export function swapRatio(samples, [kindA, kindB], statistic = 'paired') {
  const ratio = (kind) => swapStatistics[statistic](samples.filter((s) => s.block === kind));
  return Math.sqrt(ratio(kindA) * ratio(kindB));
}

/** 95 % bootstrap intervals of swapRatio, for each statistic: sessions resampled, then whole cycles within each. */
export function bootstrapSwap(samples, kinds, random) {
  const bySession = new Map();
  for (const s of samples) {
    if (!bySession.has(s.session)) bySession.set(s.session, new Map());
    const cycles = bySession.get(s.session);
    if (!cycles.has(s.cycle)) cycles.set(s.cycle, []);
    cycles.get(s.cycle).push(s);
  }
  const sessions = [...bySession.values()].map((m) => [...m.values()]);
  const ratios = { paired: [], medians: [] };
  for (let i = 0; i < BOOTSTRAP; i += 1) {
    const drawn = [];
    for (let g = 0; g < sessions.length; g += 1) {
      const cycles = sessions[Math.floor(random() * sessions.length)];
      for (let k = 0; k < cycles.length; k += 1) drawn.push(...cycles[Math.floor(random() * cycles.length)]);
    }
    for (const statistic of Object.keys(ratios)) ratios[statistic].push(swapRatio(drawn, kinds, statistic));
  }
  return Object.fromEntries(Object.entries(ratios).map(([statistic, rs]) => [statistic, [quantile(rs, 0.025), quantile(rs, 0.975)]]));
}

/**
 * The swapped part's table: a row per candidate and the A/A control's. `title(cycles, blocks, launches)`
 * gives the line above it (how Downcheck was switched in that browser). Returns the rows.
 */
export function printSwapped({ samples, incomplete }, { title }) {
  if (!samples.length) return undefined;
  const random = rng(11);
  const variants = ['DOWNCHECK', ...new Set(samples.map((s) => s.block.match(/^(.+) [AB]-ON$/)?.[1]).filter(Boolean))];
  const rows = [
    ...variants.map((v) => [v, onKinds(v), `${v === 'DOWNCHECK' ? 'Downcheck' : v} on in one browser, off in the other`]),
    ['A/A control', ['A-AA', 'B-AA'], 'off in both, one counted as if on'],
  ]
    .filter(([, kinds]) => samples.some((s) => s.block === kinds[0]))
    .map(([name, kinds, what]) => {
      const of = samples.filter((s) => kinds.includes(s.block));
      const intervals = bootstrapSwap(samples, kinds, random);
      return {
        name,
        what,
        rounds: of.length,
        onMs: median(of.map((s) => s.on)),
        offMs: median(of.map((s) => s.off)),
        ratio: swapRatio(samples, kinds, 'paired'),
        lo: intervals.paired[0],
        hi: intervals.paired[1],
        medians: swapRatio(samples, kinds, 'medians'),
        mediansInterval: intervals.medians,
        byBrowser: kinds.map((k) => swapStatistics.paired(samples.filter((s) => s.block === k))),
      };
    });
  const header = [
    '',
    'rounds',
    'median ms on',
    'median ms off',
    'paired ratio on/off',
    '95 % bootstrap (sessions, cycles)',
    'A on / B on',
    'ratio of medians (95 %)',
    '',
  ];
  const cells = rows.map((r) => [
    r.name,
    String(r.rounds),
    r.onMs.toFixed(1),
    r.offMs.toFixed(1),
    `${r.ratio.toFixed(3)} (${pct(r.ratio)})`,
    `${r.lo.toFixed(3)} … ${r.hi.toFixed(3)}`,
    `${r.byBrowser[0].toFixed(3)} / ${r.byBrowser[1].toFixed(3)}`,
    `${pct(r.medians)} (${pct(r.mediansInterval[0])} … ${pct(r.mediansInterval[1])})`,
    r.what,
  ]);
  const cycles = new Set(samples.map((s) => s.cycle)).size;
  console.log(`\n${title(cycles, new Set(samples.map((s) => s.block)).size, new Set(samples.map((s) => s.session)).size)}\n`);
  printAligned(header, cells, { textLast: true });
  if (incomplete) console.log(`${incomplete} loads reported a non-200 status or missing resources.`);
  return rows;
}

/** The rule the figure is read by (docs/performance.md): enough paired rounds, an A/A control within ±1 %. */
export const RULE = { minRounds: 1920, aaWithin: 0.01, goal: 1.02 };

/** The verdict under RULE on Downcheck's row and the A/A control's: the point estimate is the figure, if the run qualifies. */
export function ruleVerdict(dc, aa) {
  const reasons = [];
  if (!aa) reasons.push('no A/A control: not conclusive');
  // 1e-12: 1.01 − 1 is 0.010000000000000009 in floating point, and +1.0 % is within ±1 %.
  else if (Math.abs(aa.ratio - 1) > RULE.aaWithin + 1e-12)
    reasons.push(`A/A outside ±1 %: not conclusive (it came out at ${pct(aa.ratio)})`);
  if (dc.rounds < RULE.minRounds)
    reasons.push(`${dc.rounds} paired rounds, fewer than ${RULE.minRounds.toLocaleString('en')}: not conclusive`);
  if (reasons.length) return reasons.join('; ');
  return dc.ratio <= RULE.goal + 1e-12 ? `${pct(dc.ratio)}: meets the goal (≤ +2 %)` : `${pct(dc.ratio)}: misses the goal (above +2 %)`;
}
