// `npm run fuzz [-- <cases per target>] [-- <vitest file filter>…]`: every fast-check fuzz target in
// test/unit/fuzz at 100,000 cases (npm test runs the same files at a few hundred), then one line
// per target with the cases run and the failures, and a total. Exit code 1 on any failure.
// FUZZ_SEED=<n> replays a run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const args = process.argv.slice(2);
const runs = /^\d+$/.test(args[0] ?? '') ? Number(args.shift()) : 100_000;
const report = '.tmp/fuzz-report.jsonl';
mkdirSync('.tmp', { recursive: true });
rmSync(report, { force: true });

const started = Date.now();
const vitest = spawnSync(
  'npx',
  ['--no-install', 'vitest', 'run', '--reporter=dot', '--testTimeout=3600000', ...(args.length ? args : ['test/unit/fuzz/'])],
  {
    stdio: 'inherit',
    env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_REPORT: report },
  },
);

const lines = existsSync(report)
  ? readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
const width = Math.max(6, ...lines.map((l) => l.target.length));
console.log(`\n${'target'.padEnd(width)}  ${'cases'.padStart(9)}  failures`);
for (const l of lines) {
  console.log(
    `${l.target.padEnd(width)}  ${String(l.runs).padStart(9)}  ${l.failures}${l.failures ? `  seed ${l.seed}: ${l.counterexample}` : ''}`,
  );
}
const cases = lines.reduce((n, l) => n + l.runs, 0);
const failures = lines.reduce((n, l) => n + l.failures, 0);
console.log(
  `${lines.length} targets, ${cases} cases, ${failures} failures, ${((Date.now() - started) / 1000).toFixed(0)} s (${runs} cases per target asked)`,
);
process.exit(vitest.status === 0 && failures === 0 && lines.length > 0 ? 0 : 1);
