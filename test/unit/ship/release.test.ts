import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compareVersions, releaseChangelog } from '../../../scripts/release.mjs';

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

  it('the real CHANGELOG.md has an Unreleased section and 0.1.0', () => {
    const changelog = readFileSync(new URL('../../../CHANGELOG.md', import.meta.url), 'utf8');
    expect(changelog).toContain('## [Unreleased]');
    expect(changelog).toMatch(/## \[0\.1\.0\] - \d{4}-\d{2}-\d{2}/);
    expect(() => releaseChangelog(changelog, '9.9.9', '2030-01-01')).not.toThrow();
  });
});
