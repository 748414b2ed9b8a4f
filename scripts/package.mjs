// `npm run package`: production builds of both targets, zipped for the stores, into artifacts/:
//   downcheck-<version>-chrome.zip    Chrome Web Store (also Edge, Brave, Opera)
//   downcheck-<version>-firefox.zip   addons.mozilla.org
//   downcheck-<version>-source.zip    the sources AMO asks for, with BUILDING.md (exact commands, Node and npm versions)
//   SHA256SUMS
// The zips are deterministic (scripts/zip.mjs), so the same sources give the same bytes.
//
//   --no-build       zip the existing dist/ instead of building (the e2e runner's quick path is not this: it builds)
//   --out <dir>      write somewhere else than artifacts/
//   --only <list>    chrome,firefox,source: write only these packages (no SHA256SUMS unless all three)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createZip, listFiles } from './zip.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What each target's package holds: its build, minus what no store or user needs. */
export const TARGETS = {
  chrome: { build: 'build:chrome', dist: 'dist/chrome' },
  firefox: { build: 'build:firefox', dist: 'dist/firefox' },
};

/** Files a build may leave that must not ship: source maps, dot files and dot folders (.vite/), OS strays, tests. */
export const isStray = (path) =>
  /\.map$/i.test(path) ||
  path.split('/').some((part) => part.startsWith('.')) ||
  /(^|\/)(Thumbs\.db|desktop\.ini|__MACOSX)(\/|$)/i.test(path) ||
  /\.(test|spec)\.[cm]?[jt]sx?$/i.test(path) ||
  /~$/.test(path);

/**
 * Files only the tests use (the panel preview, anything under test-pages/): a production build must not make them,
 * and the e2e runner adds them to its unzipped copy under test-pages/ (test/e2e/run.mjs), never to a package.
 */
export const isTestOnly = (path) => /(^|\/)test-pages\//i.test(path) || /preview/i.test(path);

/** Problems with a package's file list: test-only files, source maps and other strays. Empty when it is clean. */
export const shippedFileProblems = (names) =>
  names.flatMap((name) =>
    isTestOnly(name) ? [`${name}: a test-only file`] : isStray(name) ? [`${name}: not needed in a store package`] : [],
  );

/** What the source archive holds: everything the build reads, the lock file, and the documents a reviewer wants. */
export const SOURCE_PATHS = [
  'manifest.json',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'vite.config.ts',
  'src',
  'public',
  'scripts',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'PRIVACY.md',
];

export const packageNames = (version) => ({
  chrome: `downcheck-${version}-chrome.zip`,
  firefox: `downcheck-${version}-firefox.zip`,
  source: `downcheck-${version}-source.zip`,
});

/** The commands BUILDING.md gives; the reproducibility test runs exactly these (tests/unit reads them back). */
export const BUILD_COMMANDS = ['npm ci', 'npm run package'];

export function buildingMd({ version, node, npm }) {
  const names = packageNames(version);
  return `# Building Downcheck ${version} from source

These sources rebuild the extension files of \`${names.firefox}\` and \`${names.chrome}\` byte for byte.

## Requirements
- Node.js ${node} (the version these packages were built with; other Node 20 releases give the same extension files)
- npm ${npm}
- Linux, macOS or Windows; no network access except the npm registry for \`npm ci\`.
- A C/C++ compiler and Python: \`npm ci\` also installs the tools of Downcheck's crowd service (not part of the
  extension, and not in this archive), and compiles one of them, better-sqlite3, from source.

## Commands
Run in the folder this archive was unpacked into:

\`\`\`sh
${BUILD_COMMANDS.join('\n')}
\`\`\`

\`npm ci\` installs the exact dependency versions of \`package-lock.json\`. \`npm run package\` (scripts/package.mjs) runs
\`vite build --mode chrome\` and \`vite build --mode firefox\` (production builds, minified, no source maps) into
\`dist/chrome\` and \`dist/firefox\`, and zips them into \`artifacts/\`:

| file | what it is |
|---|---|
| \`artifacts/${names.firefox}\` | the add-on submitted to addons.mozilla.org; its files are \`dist/firefox\` |
| \`artifacts/${names.chrome}\` | the Chrome Web Store package; its files are \`dist/chrome\` |
| \`artifacts/${names.source}\` | this archive |
| \`artifacts/SHA256SUMS\` | their SHA-256 sums |

To build only the Firefox files: \`npm ci && npm run build:firefox\` (output in \`dist/firefox\`).

The zips are deterministic (sorted entries, one fixed timestamp, see \`scripts/zip.mjs\`), so with the same Node.js
release the zip files themselves are identical too; a different zlib may compress differently, but the files inside
stay the same. \`node scripts/repro-check.mjs --full\` (in the repository) performs this whole check.

## What is bundled
\`src/\` is TypeScript, bundled by vite 8 with @crxjs/vite-plugin; the only runtime dependency is
\`webextension-polyfill\` (from npm, unmodified). \`scripts/manifest.ts\` derives each browser's manifest from
\`manifest.json\`, with the version from \`package.json\`.
`;
}

const run = (cmd, args, options = {}) => {
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 2, 2], ...options });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status})`);
  return result;
};

/** Tracked and not-ignored files under SOURCE_PATHS (git), or every file there when this is no git checkout. */
function sourceFiles(root) {
  const git = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...SOURCE_PATHS], {
    cwd: root,
    encoding: 'utf8',
  });
  let files;
  if (git.status === 0 && existsSync(join(root, '.git'))) {
    files = git.stdout.split('\0').filter(Boolean);
  } else {
    files = SOURCE_PATHS.flatMap((p) => {
      const full = join(root, p);
      if (!existsSync(full)) return [];
      return statSync(full).isDirectory() ? listFiles(full).map((f) => `${p}/${f}`) : [p];
    });
  }
  return [...new Set(files)].filter((f) => existsSync(join(root, f)) && !isStray(f) && f !== 'BUILDING.md').sort();
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

export function toolVersions() {
  const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
  return { node: process.version.replace(/^v/, ''), npm };
}

/** Builds (unless `build: false`) and writes the packages; returns { version, files: { name: path }, sizes }. */
export function packageAll({
  build = true,
  out = join(ROOT, 'artifacts'),
  only = ['chrome', 'firefox', 'source'],
  log = console.log,
} = {}) {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const names = packageNames(version);
  mkdirSync(out, { recursive: true });
  const written = {};
  for (const target of ['chrome', 'firefox']) {
    if (!only.includes(target)) continue;
    const { build: script, dist } = TARGETS[target];
    if (build) run('npm', ['run', '--silent', script, '--', '--logLevel', 'warn']);
    const dir = join(ROOT, dist);
    if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`${dist} has no manifest.json: build it first`);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    if (manifest.version !== version) throw new Error(`${dist}/manifest.json says ${manifest.version}, package.json ${version}: rebuild`);
    const all = listFiles(dir);
    const strays = all.filter(isStray);
    if (strays.length) log(`  left out of the ${target} package: ${strays.join(', ')}`);
    const entries = all.filter((f) => !isStray(f)).map((name) => ({ name, data: readFileSync(join(dir, name)) }));
    const problems = shippedFileProblems(entries.map((e) => e.name));
    if (problems.length) throw new Error(`${dist} holds what no user needs:\n  ${problems.join('\n  ')}`);
    writeFileSync(join(out, names[target]), createZip(entries));
    written[target] = join(out, names[target]);
  }
  if (only.includes('source')) {
    const files = sourceFiles(ROOT);
    const entries = files.map((name) => ({ name, data: readFileSync(join(ROOT, name)) }));
    entries.push({ name: 'BUILDING.md', data: Buffer.from(buildingMd({ version, ...toolVersions() })) });
    writeFileSync(join(out, names.source), createZip(entries));
    written.source = join(out, names.source);
  }
  const sumsPath = join(out, 'SHA256SUMS');
  if (Object.keys(written).length === 3) {
    const sums = Object.values(names)
      .sort()
      .map((n) => `${sha256(readFileSync(join(out, n)))}  ${n}\n`)
      .join('');
    writeFileSync(sumsPath, sums);
  } else rmSync(sumsPath, { force: true });
  const sizes = {};
  for (const [target, path] of Object.entries(written)) {
    sizes[target] = readFileSync(path).length;
    log(`  ${names[target].padEnd(34)} ${kib(sizes[target]).padStart(10)}`);
  }
  if (existsSync(sumsPath)) log(`  SHA256SUMS written`);
  return { version, files: written, sizes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  try {
    const out = value('--out') ? resolve(value('--out')) : undefined;
    const only = value('--only')
      ?.split(',')
      .map((s) => s.trim());
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    console.log(`Packaging Downcheck ${version}`);
    packageAll({ build: !args.includes('--no-build'), ...(out ? { out } : {}), ...(only ? { only } : {}) });
  } catch (error) {
    console.error(`package: ${error.message}`);
    process.exit(1);
  }
}
