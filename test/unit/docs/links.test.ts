import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../..');
const markdown = [
  'README.md',
  'CONTRIBUTING.md',
  'PRIVACY.md',
  'CHANGELOG.md',
  ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`),
].filter((f) => f.endsWith('.md'));

/** Relative link targets of a markdown file (images included), without their #fragment. */
function localLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('#'))
    .map((href) => href.split('#')[0]!);
}

describe('documentation', () => {
  it('the README is a front door: at most 200 lines', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length).toBeLessThanOrEqual(200);
  });

  it.each(markdown)('every file %s links to exists', (file) => {
    const missing = localLinks(readFileSync(join(ROOT, file), 'utf8')).filter((href) => !existsSync(join(ROOT, dirname(file), href)));
    expect(missing).toEqual([]);
  });
});

describe('source comments', () => {
  it('name no tracker entries or work sessions (they age; say why instead)', () => {
    const pattern = new RegExp(['iss', 'ue [0-9]|st', 'op [0-9]'].join(''));
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) {
          if (entry.name !== '__screenshots__' && entry.name !== 'node_modules') walk(path);
        } else if (/\.(ts|mts|mjs|js|css|html)$/.test(entry.name)) {
          readFileSync(join(ROOT, path), 'utf8')
            .split('\n')
            .forEach((line, i) => pattern.test(line) && found.push(`${path}:${i + 1}`));
        }
      }
    };
    for (const dir of ['src', 'test', 'server']) walk(dir);
    expect(found).toEqual([]);
  });
});
