// The soak and chaos runs test what ships, as test/e2e/run.mjs does: the store packages from
// artifacts/ (built by `npm run package` when missing or when SOAK_REBUILD=1), unzipped afresh.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageNames } from '../../scripts/package.mjs';
import { unzipTo } from '../../scripts/zip.mjs';
import { EXTENSION_DIRS } from '../e2e/browsers.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGE = { chromium: 'chrome', firefox: 'firefox' };

export function preparePackages(browsers) {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const zipOf = (b) => join(ROOT, 'artifacts', packageNames(version)[PACKAGE[b]]);
  if (process.env.SOAK_REBUILD === '1' || browsers.some((b) => !existsSync(zipOf(b)))) {
    const result = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) throw new Error('npm run package failed');
  }
  for (const b of browsers) {
    rmSync(EXTENSION_DIRS[b], { recursive: true, force: true });
    unzipTo(zipOf(b), EXTENSION_DIRS[b]);
  }
}
