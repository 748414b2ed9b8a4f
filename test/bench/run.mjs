// `npm run bench`: runs every test/bench/*.bench.ts (with tsx) and *.bench.mjs (with node), one
// after another, in name order. Benchmarks print numbers; they are not tests, so only a crash
// makes this exit non-zero.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') || f.endsWith('.bench.mjs'))
  .sort();
let failed = 0;
for (const file of benches) {
  const path = relative(root, join(here, file));
  console.log(`\n▶ ${path}\n`);
  const [cmd, args] = file.endsWith('.mjs') ? [process.execPath, [path]] : ['npx', ['tsx', path]];
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && cmd === 'npx' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`✘ ${path} exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed ? 1 : 0);
