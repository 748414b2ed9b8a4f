// `npm run release -- <version>`: bumps the version (package.json, package-lock.json; both manifests
// take it from there), moves CHANGELOG.md's "Unreleased" entries under the new version, runs the whole
// test suite (`npm test`) and the full reproducibility check (`npm ci` from the source archive), and
// writes the packages to artifacts/. Commit and tag (v<version>) afterwards; nothing is pushed. When a step after the
// bump fails, the bump is rolled back (package.json, package-lock.json, CHANGELOG.md as they were) and it exits 1.
//
//   --skip-tests   bump and package only (to try the script; never for a real release)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageNames } from './package.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

/** -1, 0 or 1 as a is lower, equal or higher than b (x.y.z). */
export function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  return 0;
}

/** CHANGELOG.md with "## [Unreleased]" entries moved under "## [version] - date" and an empty Unreleased. */
export function releaseChangelog(changelog, version, date) {
  const heading = '## [Unreleased]';
  const start = changelog.indexOf(heading);
  if (start < 0) throw new Error('CHANGELOG.md has no "## [Unreleased]" section');
  if (changelog.includes(`## [${version}]`)) throw new Error(`CHANGELOG.md already has ${version}`);
  const bodyStart = start + heading.length;
  const next = changelog.indexOf('\n## [', bodyStart);
  const body = changelog.slice(bodyStart, next < 0 ? undefined : next).trim();
  if (!body) throw new Error('"Unreleased" in CHANGELOG.md is empty: say what changed first');
  const rest = next < 0 ? '' : changelog.slice(next);
  return `${changelog.slice(0, start)}${heading}\n\n## [${version}] - ${date}\n${body}\n${rest}`;
}

/** Runs a command in `root`, its output shown; throws when it fails. */
const spawnRunner = (root) => (cmd, cmdArgs) => {
  console.log(`\n$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status})`);
};

/** The files the release changes; a release that fails after the bump writes them back as they were. */
export const RELEASE_FILES = ['package.json', 'package-lock.json', 'CHANGELOG.md'];

/**
 * The release, as `npm run release -- <version>` runs it. `run(cmd, args)` runs a command in `root` and throws when it
 * fails (the unit test passes a stub). When anything fails after the bump (the tests, the reproducibility check, the
 * packaging), package.json, package-lock.json and CHANGELOG.md are written back as they were, the new version's
 * packages are removed from artifacts/, and the error is thrown again (the command exits 1).
 */
export function release(
  args,
  { root = ROOT, run = spawnRunner(root), date = new Date().toISOString().slice(0, 10), log = console.log } = {},
) {
  const version = args.find((a) => !a.startsWith('--'));
  const skipTests = args.includes('--skip-tests');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (!version || !VERSION.test(version)) throw new Error(`usage: npm run release -- <major.minor.patch> (got "${version ?? ''}")`);
  if (compareVersions(version, pkg.version) <= 0) throw new Error(`${version} is not higher than the current ${pkg.version}`);
  const before = new Map(RELEASE_FILES.filter((f) => existsSync(join(root, f))).map((f) => [f, readFileSync(join(root, f))]));
  try {
    // npm updates package.json and both places of package-lock.json.
    run('npm', ['version', version, '--no-git-tag-version', '--allow-same-version=false']);
    const changelogPath = join(root, 'CHANGELOG.md');
    writeFileSync(changelogPath, releaseChangelog(readFileSync(changelogPath, 'utf8'), version, date));
    log(`CHANGELOG.md: Unreleased → ${version} (${date})`);
    if (skipTests) {
      log('\n--skip-tests: not running npm test nor the full reproducibility check');
      run('node', ['scripts/package.mjs']);
    } else {
      run('npm', ['test']); // packages into artifacts/ on the way
      run('node', ['scripts/repro-check.mjs', '--full']);
    }
  } catch (error) {
    for (const [file, data] of before) writeFileSync(join(root, file), data);
    for (const name of [...Object.values(packageNames(version)), 'SHA256SUMS']) {
      const path = join(root, 'artifacts', name);
      if (name !== 'SHA256SUMS' || (existsSync(path) && readFileSync(path, 'utf8').includes(`-${version}-`))) rmSync(path, { force: true });
    }
    log(`\nrelease ${version} failed: ${RELEASE_FILES.join(', ')} are back at ${pkg.version}; its packages are removed`);
    throw error;
  }
  log(`\nReleased ${version} into artifacts/. Next: git commit -am "Release ${version}" && git tag v${version}`);
  return version;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    release(process.argv.slice(2));
  } catch (error) {
    console.error(`release: ${error.message}`);
    process.exit(1);
  }
}
