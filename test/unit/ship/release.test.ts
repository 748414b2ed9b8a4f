import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareVersions, release, RELEASE_FILES, releaseChangelog } from '../../../scripts/release.mjs';

/** A checkout with the files a release changes, and a stub for the commands it runs. */
function checkout(fail?: string) {
  const root = mkdtempSync(join(tmpdir(), 'downcheck-release-'));
  writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'downcheck', version: '0.1.0' }, null, 2)}\n`);
  writeFileSync(join(root, 'package-lock.json'), `${JSON.stringify({ version: '0.1.0', packages: { '': { version: '0.1.0' } } })}\n`);
  writeFileSync(join(root, 'CHANGELOG.md'), '# Changelog\n\n## [Unreleased]\n- a thing\n\n## [0.1.0] - 2026-11-26\n- first\n');
  mkdirSync(join(root, 'artifacts'));
  writeFileSync(join(root, 'artifacts', 'downcheck-0.1.0-chrome.zip'), 'the last release');
  const before = Object.fromEntries(RELEASE_FILES.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
  const ran: string[] = [];
  const run = (cmd: string, args: string[]): void => {
    const line = `${cmd} ${args.join(' ')}`;
    ran.push(line);
    if (cmd === 'npm' && args[0] === 'version') {
      // What npm does: package.json and package-lock.json take the new version.
      for (const f of ['package.json', 'package-lock.json'])
        writeFileSync(join(root, f), readFileSync(join(root, f), 'utf8').replaceAll('0.1.0', args[1]!));
    }
    if (line === 'npm test' || line === 'node scripts/package.mjs') {
      writeFileSync(join(root, 'artifacts', 'downcheck-0.2.0-chrome.zip'), 'new');
      writeFileSync(join(root, 'artifacts', 'SHA256SUMS'), 'abc  downcheck-0.2.0-chrome.zip\n');
    }
    if (fail && line.startsWith(fail)) throw new Error(`${line} failed (exit 1)`);
  };
  const files = () => Object.fromEntries(RELEASE_FILES.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
  return { root, before, ran, run, files, done: () => rmSync(root, { recursive: true, force: true }) };
}

describe('release', () => {
  it('compares versions numerically', () => {
    expect(compareVersions('0.10.0', '0.9.9')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('0.1.0', '0.2.0')).toBe(-1);
  });

  it('moves Unreleased under the new version and leaves an empty Unreleased', () => {
    const before = '# Changelog\n\n## [Unreleased]\n### Added\n- a thing\n\n## [0.1.0] - 2026-11-26\n- first\n';
    const after = releaseChangelog(before, '0.2.0', '2026-12-01');
    expect(after).toBe(
      '# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n### Added\n- a thing\n\n## [0.1.0] - 2026-11-26\n- first\n',
    );
    expect(() => releaseChangelog(after, '0.3.0', '2026-12-02')).toThrow(/empty/);
    expect(() => releaseChangelog(before, '0.1.0', '2026-12-02')).toThrow(/already/);
  });

  it('bumps package.json, package-lock.json and CHANGELOG.md, then runs the tests and the full reproducibility check', () => {
    const c = checkout();
    try {
      expect(release(['0.2.0'], { root: c.root, run: c.run, date: '2026-12-01', log: () => {} })).toBe('0.2.0');
      expect(c.ran).toEqual([
        'npm version 0.2.0 --no-git-tag-version --allow-same-version=false',
        'npm test',
        'node scripts/repro-check.mjs --full',
      ]);
      expect(JSON.parse(c.files()['package.json']!).version).toBe('0.2.0');
      expect(c.files()['CHANGELOG.md']).toContain('## [0.2.0] - 2026-12-01\n- a thing');
    } finally {
      c.done();
    }
  });

  for (const [what, args, fail] of [
    ['the test suite', ['0.2.0'], 'npm test'],
    ['the reproducibility check', ['0.2.0'], 'node scripts/repro-check.mjs'],
    ['the packaging (--skip-tests)', ['0.2.0', '--skip-tests'], 'node scripts/package.mjs'],
  ] as const) {
    it(`rolls the bump back when ${what} fails after it, and fails`, () => {
      const c = checkout(fail);
      try {
        expect(() => release([...args], { root: c.root, run: c.run, date: '2026-12-01', log: () => {} })).toThrow(/failed \(exit 1\)/);
        expect(c.ran.some((l) => l.startsWith(fail))).toBe(true);
        expect(c.files()).toEqual(c.before);
        expect(existsSync(join(c.root, 'artifacts', 'downcheck-0.2.0-chrome.zip'))).toBe(false);
        expect(existsSync(join(c.root, 'artifacts', 'SHA256SUMS'))).toBe(false);
        expect(readFileSync(join(c.root, 'artifacts', 'downcheck-0.1.0-chrome.zip'), 'utf8')).toBe('the last release');
      } finally {
        c.done();
      }
    });
  }

  it('changes nothing when the version is not higher', () => {
    const c = checkout();
    try {
      expect(() => release(['0.1.0'], { root: c.root, run: c.run, log: () => {} })).toThrow(/not higher/);
      expect(c.ran).toEqual([]);
      expect(c.files()).toEqual(c.before);
    } finally {
      c.done();
    }
  });

  it('the real CHANGELOG.md has an Unreleased section and 0.1.0', () => {
    const changelog = readFileSync(new URL('../../../CHANGELOG.md', import.meta.url), 'utf8');
    expect(changelog).toContain('## [Unreleased]');
    expect(changelog).toMatch(/## \[0\.1\.0\] - \d{4}-\d{2}-\d{2}/);
    expect(() => releaseChangelog(changelog, '9.9.9', '2030-01-01')).not.toThrow();
  });
});
