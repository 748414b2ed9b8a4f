// Comments and docs that name a source file go stale when files move; every such path must exist.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../..');
const SELF = relative(ROOT, __filename);
const FOLDERS = ['core', 'checks', 'platform', 'background', 'popup', 'panel', 'options', 'history', 'ui', 'model', 'protocol'];
// `src/core/net/url.ts` or `core/net/url.ts`, not part of a longer path (`test/unit/core/…`, `../core/…`).
const SOURCE_PATH = new RegExp(`(?<![\\w./@-])((?:src/)?(?:${FOLDERS.join('|')})/[\\w./-]*?\\.ts)(?![\\w-])`, 'g');

/** Every source path named in `text`, as a path from the repository root (under src/). */
export function namedPaths(text: string): string[] {
  return [...text.matchAll(SOURCE_PATH)].map((m) => (m[1]!.startsWith('src/') ? m[1]! : `src/${m[1]!}`));
}

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === '__screenshots__' ? [] : files(path);
    return /\.(ts|mts|mjs|js|css|html)$/.test(entry.name) ? [path] : [];
  });
}

const scanned = [
  ...files('src'),
  ...files('test'),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'README.md',
  'CONTRIBUTING.md',
].filter((file) => file !== SELF);

// Files of the target tree (docs/architecture.md) that the parallel work packages create: WP1 platform/store.ts,
// WP2 the background splits, WP3 verdict-text.ts, WP4 the popup split. Each entry goes once its file exists.
const PLANNED = new Set<string>([]);
const present = (path: string): boolean => existsSync(join(ROOT, path));

/** `file:line path` for each named path that does not exist. */
function stale(file: string, text: string, exists: (path: string) => boolean): string[] {
  return text.split('\n').flatMap((line, i) => namedPaths(line).flatMap((path) => (exists(path) ? [] : [`${file}:${i + 1} ${path}`])));
}

describe('source paths named in comments, strings and docs', () => {
  it('all exist (or are PLANNED)', () => {
    const missing = scanned.flatMap((file) => stale(file, readFileSync(join(ROOT, file), 'utf8'), (p) => present(p) || PLANNED.has(p)));
    expect(missing).toEqual([]);
  });

  it('PLANNED lists only files still to come (drop an entry once its file exists)', () => {
    expect([...PLANNED].filter(present)).toEqual([]);
  });

  it('the guard fails on a path that does not exist, and reads only whole paths', () => {
    const planted = ['// the schedule lives in core/retry/', 'nowhere', '.ts (moved)'].join('');
    expect(stale('x.ts', planted, present)).toEqual(['x.ts:1 src/core/retry/nowhere.ts']);
    expect(namedPaths('see src/platform/navigation.ts and `checks/run.ts`')).toEqual(['src/platform/navigation.ts', 'src/checks/run.ts']);
    expect(namedPaths("test/unit/core/net/url.test.ts, import('../core/net/url.ts'), core/stored*.ts")).toEqual([]);
  });
});
