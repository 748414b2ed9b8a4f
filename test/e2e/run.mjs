// `npm run test:e2e`: every test/e2e/*.e2e.mjs in real browsers, with node's test runner and the
// spec reporter (its closing `ℹ pass N` / `ℹ fail N` lines are what scripts/test-all.mjs counts).
//
//   E2E_BROWSERS=chromium,firefox   which browsers (default both)
//   E2E_REBUILD=1                   rebuild and repackage (npm run package) even if artifacts/ has the packages
//   npm run test:e2e -- <file>      only the given test files
//   E2E_GREP=<regexp>               only the tests whose name matches (node --test-name-pattern)
//   E2E_PARALLEL=1                  with both browsers: their two processes at once, not one after the other
//                                   (about a third faster; off by default until its timing checks hold under the load)
//
// With both browsers, each has a `node --test` of its own, both at once (the suites mostly wait on timers): their
// lines come under the browser's name (and unmixed in .tmp/e2e-<browser>.log), then one `ℹ pass N` / `ℹ fail N`
// summary adds both up (parallel.mjs). Tests that need no browser run in the first only (E2E_BROWSER_FREE); each
// picks free ports in its own E2E_PORT_RANGE.
//
// What is tested is what ships: the browsers load the store packages from artifacts/, unzipped
// afresh into .tmp/e2e-packages/<chrome|firefox> (EXTENSION_DIRS in browsers.mjs), not dist/.
// Beside them, in a folder of its own, test-pages/ holds the test-only pages (npm run build:test-pages,
// dist/test-pages/<chrome|firefox>): the panel preview the accessibility checks use. No package holds it.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORT_RANGE, findNginx } from '../fixtures/demo-site.mjs';
import { packageNames } from '../../scripts/package.mjs';
import { unzipTo } from '../../scripts/zip.mjs';
import { EXTENSION_DIRS } from './browsers.mjs';
import { combinedSummary, linePrefixer, portRanges } from './parallel.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

const TARGETS = {
  chromium: { package: 'chrome', binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  firefox: { package: 'firefox', binary: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr' },
};

const browsers = (process.env.E2E_BROWSERS ?? 'chromium,firefox')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const fail = (message) => {
  console.error(`e2e: ${message}`);
  process.exit(1);
};

const unknown = browsers.filter((b) => !TARGETS[b]);
if (unknown.length || browsers.length === 0) fail(`E2E_BROWSERS must list chromium and/or firefox (got "${process.env.E2E_BROWSERS}")`);

// Missing prerequisites are failures, not skips: a green run must mean the browsers really ran.
for (const b of browsers) {
  if (!existsSync(TARGETS[b].binary)) fail(`${b} not found at ${TARGETS[b].binary} (Debian: apt-get install chromium firefox-esr)`);
}
try {
  findNginx();
} catch (error) {
  fail(error.message);
}

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const zipOf = (b) => join(ROOT, 'artifacts', packageNames(version)[TARGETS[b].package]);
if (process.env.E2E_REBUILD === '1' || browsers.some((b) => !existsSync(zipOf(b)))) {
  console.error('e2e: building and packaging (npm run package)');
  // Build output goes to stderr so stdout carries only the test report.
  const result = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) fail('npm run package failed');
}
const testPagesOf = (b) => join(ROOT, 'dist', 'test-pages', TARGETS[b].package);
if (process.env.E2E_REBUILD === '1' || browsers.some((b) => !existsSync(testPagesOf(b)))) {
  console.error('e2e: building the test-only pages (npm run build:test-pages)');
  const result = spawnSync('npm', ['run', '--silent', 'build:test-pages'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) fail('npm run build:test-pages failed');
}
for (const b of browsers) {
  rmSync(EXTENSION_DIRS[b], { recursive: true, force: true });
  const files = unzipTo(zipOf(b), EXTENSION_DIRS[b]);
  if (files.some((f) => f.startsWith('test-pages/'))) fail(`${relative(ROOT, zipOf(b))} holds test-pages/: no package may`);
  cpSync(testPagesOf(b), join(EXTENSION_DIRS[b], 'test-pages'), { recursive: true });
  console.error(
    `e2e: ${b} loads ${relative(ROOT, zipOf(b))} (${files.length} files) unzipped in ${relative(ROOT, EXTENSION_DIRS[b])}, ` +
      `and the test-only pages in its test-pages/`,
  );
}

const requested = process.argv.slice(2);
const files = requested.length
  ? requested
  : readdirSync(HERE)
      .filter((f) => f.endsWith('.e2e.mjs'))
      .sort()
      .map((f) => relative(ROOT, join(HERE, f)));
if (files.length === 0) fail('no test/e2e/*.e2e.mjs files');

const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const grep = process.env.E2E_GREP ? [`--test-name-pattern=${process.env.E2E_GREP}`] : [];
const nodeTest = [process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...grep, ...files]];

if (browsers.length === 1) {
  const result = spawnSync(...nodeTest, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, E2E_BROWSERS: browsers[0] } });
  console.error(`e2e: ${browsers[0]} in ${seconds(started)}`);
  process.exit(result.status ?? 1);
}

const together = process.env.E2E_PARALLEL === '1';
const ports = portRanges(process.env.E2E_PORT_RANGE ?? DEFAULT_PORT_RANGE, browsers.length);
const width = Math.max(...browsers.map((b) => b.length));
const children = new Set();

/** One browser's `node --test`: its lines, under its name, to this process's stdout and stderr; resolves when it ends. */
function runBrowser(browser, i) {
  const since = Date.now();
  const child = spawn(...nodeTest, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, E2E_BROWSERS: browser, E2E_BROWSER_FREE: i === 0 ? '1' : '0', E2E_PORT_RANGE: ports[i] },
  });
  children.add(child);
  const prefix = `[${browser}]`.padEnd(width + 3);
  const out = linePrefixer(prefix, (text) => process.stdout.write(text));
  const err = linePrefixer(prefix, (text) => process.stderr.write(text));
  let report = '';
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    report += chunk;
    log += chunk;
    out.push(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    log += chunk;
    err.push(chunk);
  });
  return new Promise((resolve) => {
    child.once('error', (error) => {
      console.error(`e2e: ${browser}: ${error.message}`);
    });
    child.once('close', (status, signal) => {
      children.delete(child);
      out.end();
      err.end();
      // The same lines unmixed, to read one browser's run from start to end.
      const file = join(ROOT, '.tmp', `e2e-${browser}.log`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, log);
      console.error(
        `e2e: ${browser} ended (${signal ?? `exit ${status}`}) in ${seconds(since)}; its output alone: ${relative(ROOT, file)}`,
      );
      resolve({ name: browser, report, status: signal ? null : status });
    });
  });
}

// Ended from outside (Ctrl-C, a CI timeout): the browsers' processes end with this one.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    for (const child of children) child.kill(signal);
  });
}

console.error(`e2e: ${browsers.join(' and ')} ${together ? 'at once' : 'one after the other'}, each in a node --test of its own`);
const runs = [];
if (together) runs.push(...(await Promise.all(browsers.map(runBrowser))));
else for (const [i, browser] of browsers.entries()) if (!interrupted) runs.push(await runBrowser(browser, i));

const { lines, notes } = combinedSummary(runs);
for (const note of notes) console.error(`e2e: ${note}`);
// The only unprefixed summary: what scripts/test-all.mjs counts.
process.stdout.write(`${[...lines, `ℹ duration_ms ${Date.now() - started}`].join('\n')}\n`);
console.error(`e2e: ${browsers.join(', ')} in ${seconds(started)}`);
process.exitCode = !interrupted && runs.every((r) => r.status === 0) ? 0 : 1;
