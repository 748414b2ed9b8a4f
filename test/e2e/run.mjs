// `npm run test:e2e`: every test/e2e/*.e2e.mjs in real browsers, with node's test runner and the
// spec reporter (its closing `ℹ pass N` / `ℹ fail N` lines are what scripts/test-all.mjs counts).
//
//   E2E_BROWSERS=chromium,firefox   which browsers (default both)
//   E2E_REBUILD=1                   rebuild and repackage (npm run package) even if artifacts/ has the packages
//   npm run test:e2e -- <file>      only the given test files
//   E2E_GREP=<regexp>               only the tests whose name matches (node --test-name-pattern)
//
// What is tested is what ships: the browsers load the store packages from artifacts/, unzipped
// afresh into .tmp/e2e-packages/<chrome|firefox> (EXTENSION_DIRS in browsers.mjs), not dist/.
// Beside them, in a folder of its own, test-pages/ holds the test-only pages (npm run build:test-pages,
// dist/test-pages/<chrome|firefox>): the panel preview the accessibility checks use. No package holds it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNginx } from '../fixtures/demo-site.mjs';
import { packageNames } from '../../scripts/package.mjs';
import { unzipTo } from '../../scripts/zip.mjs';
import { EXTENSION_DIRS } from './browsers.mjs';

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
const grep = process.env.E2E_GREP ? [`--test-name-pattern=${process.env.E2E_GREP}`] : [];
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...grep, ...files], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, E2E_BROWSERS: browsers.join(',') },
});
console.error(`e2e: ${browsers.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(result.status ?? 1);
