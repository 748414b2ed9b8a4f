// Reproducibility: unpack the source archive into a temporary folder, run BUILDING.md's commands
// there exactly as written, and compare the extension files with those in artifacts/' packages.
//
//   node scripts/repro-check.mjs          quick mode (npm test): every command except `npm ci`, which is
//                                         replaced by a link to this checkout's node_modules (no network,
//                                         ~5 s instead of ~30–60 s; the lock file is the same one, in the archive)
//   node scripts/repro-check.mjs --full   `npm ci` too, from the npm registry (npm run test:repro, npm run release)
//
// Exit 0 only when every file of the Firefox package (and of the Chrome package) rebuilt identically.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, packageNames } from './package.mjs';
import { readZip, unzipTo } from './zip.mjs';

const full = process.argv.includes('--full');
const keep = process.argv.includes('--keep');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const names = packageNames(version);
const artifacts = join(ROOT, 'artifacts');

const fail = (message) => {
  console.error(`reproducibility: ${message}`);
  process.exit(1);
};
for (const n of Object.values(names)) if (!existsSync(join(artifacts, n))) fail(`artifacts/${n} is missing: run npm run package first`);

const sha = (data) => createHash('sha256').update(data).digest('hex');
const hashes = (zipPath) => new Map(readZip(readFileSync(zipPath)).map((e) => [e.name, sha(e.data)]));

/** The shell commands of BUILDING.md's first ```sh block. */
export function buildingCommands(markdown) {
  const block = /```sh\n([\s\S]*?)```/.exec(markdown)?.[1];
  if (!block) throw new Error('BUILDING.md has no ```sh block of commands');
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
}

const dir = mkdtempSync(join(tmpdir(), 'downcheck-repro-'));
const started = Date.now();
let ok = false;
try {
  unzipTo(join(artifacts, names.source), dir);
  const commands = buildingCommands(readFileSync(join(dir, 'BUILDING.md'), 'utf8'));
  console.log(
    `reproducibility (${full ? 'full' : 'quick'}): ${names.source} unpacked in ${dir}; BUILDING.md says: ${commands.join(' && ')}`,
  );
  for (const command of commands) {
    if (!full && command === 'npm ci') {
      if (!existsSync(join(ROOT, 'node_modules'))) fail('quick mode needs node_modules in the checkout (or use --full)');
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      console.log(`  $ npm ci   (quick mode: node_modules linked from the checkout instead)`);
      continue;
    }
    console.log(`  $ ${command}`);
    const t = Date.now();
    const result = spawnSync(command, { cwd: dir, shell: true, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0) fail(`"${command}" failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    console.log(`    done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  let problems = 0;
  for (const target of ['firefox', 'chrome']) {
    const shipped = hashes(join(artifacts, names[target]));
    const rebuiltPath = join(dir, 'artifacts', names[target]);
    if (!existsSync(rebuiltPath)) fail(`the commands wrote no artifacts/${names[target]}`);
    const rebuilt = hashes(rebuiltPath);
    const all = [...new Set([...shipped.keys(), ...rebuilt.keys()])].sort();
    const differ = all.filter((f) => shipped.get(f) !== rebuilt.get(f));
    for (const f of differ) {
      console.error(
        `  ✘ ${target}: ${f} ${!shipped.has(f) ? 'only in the rebuild' : !rebuilt.has(f) ? 'missing from the rebuild' : 'differs'}`,
      );
    }
    const sameZip = readFileSync(rebuiltPath).equals(readFileSync(join(artifacts, names[target])));
    console.log(
      `  ${differ.length ? '✘' : '✔'} ${target}: ${all.length - differ.length}/${all.length} files identical; zip bytes ${sameZip ? 'identical' : 'differ'}`,
    );
    problems += differ.length;
  }
  ok = problems === 0;
  console.log(`reproducibility: ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  if (keep) console.log(`  kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
