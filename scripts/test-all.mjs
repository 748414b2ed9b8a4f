// `npm test`: every check the project has, in order, one closing line for CI.
// Steps keep running after a failure so one run shows everything that is red.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

mkdirSync('.tmp', { recursive: true });
const only = process.argv.slice(2); // e.g. `npm test -- unit e2e`
let passed = 0;
let failed = 0;
const summary = [];

function run(name, cmd, args, { count } = {}) {
  if (only.length && !only.includes(name)) return;
  const started = Date.now();
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(result.stdout ?? '');
  const ok = result.status === 0;
  const counted = count?.(result.stdout ?? '');
  if (counted) {
    passed += counted.passed;
    failed += counted.failed;
    if (!ok && counted.failed === 0) failed += 1; // crashed before reporting a failure
  } else if (ok) passed += 1;
  else failed += 1;
  summary.push(
    `${ok ? '✔' : '✘'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)${counted ? ` ${counted.passed} passed, ${counted.failed} failed` : ''}`,
  );
}

const vitestCount = (file = '.tmp/vitest.json') => {
  if (!existsSync(file)) return { passed: 0, failed: 1 };
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: report.numPassedTests, failed: report.numFailedTests };
};
const nodeTestCount = (out) => {
  const pass = [...out.matchAll(/^(?:# |ℹ )pass (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  const fail = [...out.matchAll(/^(?:# |ℹ )fail (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  return { passed: pass, failed: fail };
};
const webExtLintCount = (out) => {
  try {
    const report = JSON.parse(out.slice(out.indexOf('{')));
    const problems = report.count ?? 0;
    for (const kind of ['errors', 'warnings', 'notices'])
      for (const p of report[kind] ?? []) console.log(`  ${kind}: ${p.code} ${p.message} ${p.file ?? ''}`);
    return problems === 0 && (report.summary?.warnings ?? 0) === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  } catch {
    return { passed: 0, failed: 1 };
  }
};

const npx = (bin, ...args) => ['npx', ['--no-install', bin, ...args]];
run('typecheck', ...npx('tsc', '--noEmit', '-p', 'tsconfig.json'));
run('lint', ...npx('eslint', '.', '--max-warnings=0'));
// Folder-level imports must form no cycle (scripts/lint/folder-graph.mjs prints the graph).
run('folder-graph', 'node', ['scripts/lint/folder-graph.mjs']);
// The formatter keeps the layout (Prettier, printWidth 140): `npm run format` fixes what this reports.
run('format', 'npm', ['run', '--silent', 'format:check']);
// The unit step includes the crowd service's contract suite against the Node engine (test/crowd/node.test.ts).
run('unit', ...npx('vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=.tmp/vitest.json'), {
  count: () => vitestCount(),
});
// The same contract suite against the Worker and its Durable Objects, in workerd (offline).
rmSync('.tmp/vitest-crowd-worker.json', { force: true });
run(
  'crowd-worker',
  ...npx(
    'vitest',
    'run',
    '-c',
    'vitest.crowd-worker.config.ts',
    '--reporter=default',
    '--reporter=json',
    '--outputFile=.tmp/vitest-crowd-worker.json',
  ),
  { count: () => vitestCount('.tmp/vitest-crowd-worker.json') },
);
// Both production builds, zipped as the stores get them (artifacts/); the e2e suite loads these packages unzipped.
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
run('package', 'node', ['scripts/package.mjs']);
run('chrome-store-check', 'node', ['scripts/chrome-store-check.mjs', `artifacts/downcheck-${version}-chrome.zip`]);
const firefoxZip = `artifacts/downcheck-${version}-firefox.zip`;
run('web-ext-lint', ...npx('web-ext', 'lint', '--source-dir', firefoxZip, '--no-config-discovery', '--output', 'json', '--self-hosted'), {
  count: webExtLintCount,
});
// Quick mode: BUILDING.md's commands on the unpacked source zip, `npm ci` replaced by this checkout's node_modules
// (no network in tests); `npm run test:repro` runs `npm ci` too.
run('reproducible', 'node', ['scripts/repro-check.mjs']);
run('e2e', 'node', ['test/e2e/run.mjs'], { count: nodeTestCount });

console.log(`\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
