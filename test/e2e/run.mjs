// `npm run test:e2e`: every test/e2e/*.e2e.mjs in real browsers, with node's test runner and the
// spec reporter (its closing `ℹ pass N` / `ℹ fail N` lines are what scripts/test-all.mjs counts).
//
//   E2E_BROWSERS=chromium,firefox   which browsers (default both)
//   E2E_REBUILD=1                   rebuild dist/ even if it exists
//   npm run test:e2e -- <file>      only the given test files
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNginx } from '../fixtures/demo-site.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

const TARGETS = {
  chromium: { build: 'build:chrome', dist: 'dist/chrome', binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  firefox: { build: 'build:firefox', dist: 'dist/firefox', binary: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr' },
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

for (const b of browsers) {
  const { build, dist } = TARGETS[b];
  if (process.env.E2E_REBUILD !== '1' && existsSync(join(ROOT, dist, 'manifest.json'))) continue;
  console.error(`e2e: building ${dist} (npm run ${build})`);
  // Build output goes to stderr so stdout carries only the test report.
  const result = spawnSync('npm', ['run', '--silent', build], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) fail(`npm run ${build} failed`);
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
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, E2E_BROWSERS: browsers.join(',') },
});
console.error(`e2e: ${browsers.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(result.status ?? 1);
