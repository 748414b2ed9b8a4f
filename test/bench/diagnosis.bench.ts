/**
 * `npm run bench`: how fast does "down for everyone, or just me?" get answered? All seven checks
 * run against local stand-ins (test/fixtures/outside-services.mjs) that answer at realistic
 * latencies, time scaled down 4× where the real service is slow (check-host.net results take
 * 5–8 s; here 1.5 s, and the vantage polling schedules are scaled the same way). One source, the
 * status page, never answers: only the deadline ends it.
 *
 * Measured per run, with the progressive verdict recomputed after every piece of evidence:
 *   first evidence      — the first line the popup can show;
 *   first from network  — the first evidence that needed a round trip (everything but the gateway);
 *   right verdict shown — from when on the progressive verdict had its final kind;
 *   verdict settled     — from when on it had its final kind and confidence;
 *   final verdict       — when every check has reported (or been cut off by the deadline).
 * The same checks run sequentially (each with the same deadline) in the same process, interleaved
 * run by run, as the baseline. Not a test: nothing here fails the build.
 */
import { ALL_CHECKS } from '../../src/checks/all-checks';
import { runChecks } from '../../src/checks/run';
import { endpointsAt } from '../../src/checks/kit/endpoints';
import type { Check, CheckContext } from '../../src/checks/kit/types';
import type { Evidence } from '../../src/model/evidence';
import { createVantageCheck } from '../../src/checks/sources/vantage/check';
import { CHECK_HOST_SCHEDULE, checkHostSource } from '../../src/checks/sources/vantage/check-host';
import { GLOBALPING_SCHEDULE, globalpingSource } from '../../src/checks/sources/vantage/globalping';
import type { PollSchedule } from '../../src/checks/sources/vantage/source';
import { classify } from '../../src/core/incident/classify';
import type { Consent } from '../../src/model/settings';
import { verdict } from '../../src/core/diagnosis/verdict';
import type { Verdict } from '../../src/model/verdict';
import { DEFAULT_BEHAVIOUR, startOutsideServices } from '../fixtures/outside-services.mjs';

const RUNS = 20;
const TIME_SCALE = 0.25;
const DEADLINE_MS = 2_000;
const URL_ = 'https://shop.example/checkout?cart=123';
const EVERYTHING: Consent = { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true };

const scaled = (s: PollSchedule): PollSchedule => ({
  firstMs: s.firstMs * TIME_SCALE,
  factor: s.factor,
  maxMs: s.maxMs * TIME_SCALE,
  reserveMs: s.reserveMs * TIME_SCALE,
});
const CHECKS: Check[] = ALL_CHECKS.map((c) =>
  c.id === 'vantage'
    ? createVantageCheck([
        checkHostSource({ schedule: scaled(CHECK_HOST_SCHEDULE) }),
        globalpingSource({ schedule: scaled(GLOBALPING_SCHEDULE) }),
      ])
    : c,
);

// Scenario: the site is down for everyone behind Cloudflare (522 here, every vantage point fails).
const services = await startOutsideServices({
  behaviour: {
    site: { status: 522, headers: { server: 'cloudflare' }, delayMs: 100 },
    connectivity: { delayMs: 20 },
    doh: { delayMs: 30 },
    checkHost: {
      delayMs: 80,
      resultAfterMs: 1_500,
      nullPolls: 0,
      nodes: DEFAULT_BEHAVIOUR.checkHost.nodes!.map((n) => ({ ...n, state: 'error' as const, status: 522 })),
    },
    globalping: {
      delayMs: 60,
      resultAfterMs: 1_000,
      inProgressPolls: 0,
      probes: DEFAULT_BEHAVIOUR.globalping.probes!.map((p) => ({ ...p, state: 'error' as const, status: 522 })),
    },
    statusPage: { fault: 'hang' },
    wayback: { delayMs: 250 },
  },
});

const incident = classify({
  kind: 'http',
  url: URL_,
  status: 522,
  headers: [
    { name: 'server', value: 'cloudflare' },
    { name: 'cf-ray', value: '8a1b2c3d4e5f6789-FRA' },
  ],
  time: Date.now(),
})!;
const realFetch = globalThis.fetch;
const ctx: CheckContext = {
  host: 'shop.example',
  origin: 'https://shop.example',
  url: URL_,
  incident,
  // The failing site itself is the stand-in too (what --host-resolver-rules does in a browser).
  fetch: (input, init) => realFetch(String(input).replace(/^https:\/\/shop\.example/, services.base), init),
  endpoints: endpointsAt(services.base),
  now: Date.now,
};

interface Sample {
  first: number;
  firstNetwork: number;
  rightKind: number;
  settled: number;
  final: number;
  verdict: Verdict;
}

/** Times of arrival → the four measures. */
function measure(arrivals: Array<{ at: number; evidence: Evidence }>, end: number): Sample {
  const seen: Evidence[] = [];
  const progressive = arrivals.map(({ at, evidence }) => {
    seen.push(evidence);
    return { at, v: verdict(seen) };
  });
  const final = verdict(seen);
  /** From when on the progressive verdict agreed with the final one (on `same`), for good. */
  const stableFrom = (same: (v: Verdict) => boolean): number => {
    let at = end;
    for (let i = progressive.length - 1; i >= 0 && same(progressive[i]!.v); i -= 1) at = progressive[i]!.at;
    return at;
  };
  return {
    first: arrivals[0]?.at ?? end,
    firstNetwork: arrivals.find((a) => a.evidence.check !== 'gateway')?.at ?? end,
    rightKind: stableFrom((v) => v.kind === final.kind),
    settled: stableFrom((v) => v.kind === final.kind && v.confidence === final.confidence),
    final: end,
    verdict: final,
  };
}

async function parallel(): Promise<Sample> {
  const arrivals: Array<{ at: number; evidence: Evidence }> = [];
  const t0 = performance.now();
  await runChecks(CHECKS, ctx, {
    deadlineMs: DEADLINE_MS,
    consent: EVERYTHING,
    onEvidence: (evidence) => arrivals.push({ at: performance.now() - t0, evidence }),
  });
  return measure(arrivals, performance.now() - t0);
}

async function sequential(): Promise<Sample> {
  const arrivals: Array<{ at: number; evidence: Evidence }> = [];
  const t0 = performance.now();
  for (const check of CHECKS) {
    const [evidence] = await runChecks([check], ctx, { deadlineMs: DEADLINE_MS, consent: EVERYTHING });
    arrivals.push({ at: performance.now() - t0, evidence: evidence! });
  }
  return measure(arrivals, performance.now() - t0);
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const ms = (x: number) => (x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

await parallel(); // warm-up: module JIT, first connections
const results = { parallel: [] as Sample[], sequential: [] as Sample[] };
for (let i = 0; i < RUNS; i += 1) {
  results.parallel.push(await parallel());
  results.sequential.push(await sequential());
}
await services.stop();

const MEASURES: Array<[keyof Omit<Sample, 'verdict'>, string]> = [
  ['first', 'first evidence'],
  ['firstNetwork', 'first from network'],
  ['rightKind', 'right verdict shown'],
  ['settled', 'verdict settled'],
  ['final', 'final verdict'],
];
const header = ['', ...MEASURES.flatMap(([, name]) => [`${name} p50`, 'p95'])];
const row = (name: string, samples: Sample[]) => [
  name,
  ...MEASURES.flatMap(([key]) => [
    ms(
      percentile(
        samples.map((s) => s[key]),
        50,
      ),
    ),
    ms(
      percentile(
        samples.map((s) => s[key]),
        95,
      ),
    ),
  ]),
];
const speedUp = [
  'sequential ÷ parallel (p50)',
  ...MEASURES.flatMap(([key]) => {
    const p = percentile(
      results.parallel.map((s) => s[key]),
      50,
    );
    const s = percentile(
      results.sequential.map((x) => x[key]),
      50,
    );
    return [p > 0.5 ? `${(s / p).toFixed(2)}×` : '—', ''];
  }),
];

console.log('Downcheck diagnosis latency — local stand-ins, real HTTP on 127.0.0.1');
console.log(
  `${RUNS} runs per mode (interleaved, after one warm-up), deadline ${DEADLINE_MS} ms. Stand-ins: re-probe 100 ms (Cloudflare 522), connectivity 20 ms, DoH 30 ms,\n` +
    `check-host.net results after 1.5 s (real: 5–8 s; polling scaled ${TIME_SCALE}×), Globalping after 1.0 s, Wayback 250 ms, status page never answers.\n`,
);
console.log(table([header, row('parallel (runChecks)', results.parallel), row('sequential, same checks', results.sequential), speedUp]));
const verdicts = (samples: Sample[]) => [...new Set(samples.map((s) => `${s.verdict.kind}/${s.verdict.confidence}`))].join(', ');
console.log(`\nfinal verdict — parallel: ${verdicts(results.parallel)}; sequential: ${verdicts(results.sequential)}`);
