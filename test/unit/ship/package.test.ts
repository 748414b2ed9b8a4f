import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  BUILD_COMMANDS,
  buildingMd,
  isStray,
  isTestOnly,
  packageNames,
  shippedFileProblems,
  SOURCE_PATHS,
} from '../../../scripts/package.mjs';

describe('packaging rules', () => {
  it('leaves source maps, dot files, OS strays and tests out of the packages', () => {
    for (const p of [
      'assets/a.js.map',
      '.vite/manifest.json',
      'assets/.DS_Store',
      'Thumbs.db',
      'x/__MACOSX/y',
      'a.test.ts',
      'b.spec.mjs',
      'c.js~',
    ]) {
      expect(isStray(p), p).toBe(true);
    }
    for (const p of [
      'manifest.json',
      'assets/index.ts-CvzsXDaS.js',
      'icons/icon-16.png',
      '_locales/en/messages.json',
      'src/popup/index.html',
    ]) {
      expect(isStray(p), p).toBe(false);
    }
  });

  it('finds test-only files (the panel preview, test-pages/), source maps and strays in a package', () => {
    for (const p of ['src/panel/preview.html', 'assets/panel-preview-BbhQEFU_.js', 'test-pages/src/panel/preview.html'])
      expect(isTestOnly(p), p).toBe(true);
    for (const p of ['manifest.json', 'src/popup/index.html', 'src/history/index.html', 'assets/history-Ab12Cd34.js'])
      expect(isTestOnly(p), p).toBe(false);
    expect(shippedFileProblems(['manifest.json', 'src/popup/index.html', 'assets/popup-x.js'])).toEqual([]);
    expect(
      shippedFileProblems(['manifest.json', 'src/panel/preview.html', 'assets/panel-preview-x.js', 'assets/a.js.map', '.DS_Store']),
    ).toEqual([
      'src/panel/preview.html: a test-only file',
      'assets/panel-preview-x.js: a test-only file',
      'assets/a.js.map: not needed in a store package',
      '.DS_Store: not needed in a store package',
    ]);
  });

  it('the production build names no test-only page (vite.config.ts); the test pages build into dist/test-pages', () => {
    const production = readFileSync(new URL('../../../vite.config.ts', import.meta.url), 'utf8');
    expect(production).not.toMatch(/preview\.html/);
    const testPages = readFileSync(new URL('../../../vite.test-pages.config.ts', import.meta.url), 'utf8');
    expect(testPages).toMatch(/outDir: `dist\/test-pages\//);
  });

  it('names the packages after the version', () => {
    expect(packageNames('1.2.3')).toEqual({
      chrome: 'downcheck-1.2.3-chrome.zip',
      firefox: 'downcheck-1.2.3-firefox.zip',
      source: 'downcheck-1.2.3-source.zip',
    });
  });

  it('BUILDING.md gives the exact commands and the Node and npm versions', () => {
    const md = buildingMd({ version: '1.2.3', node: '20.20.2', npm: '11.19.1' });
    expect(md).toContain('Node.js 20.20.2');
    expect(md).toContain('npm 11.19.1');
    expect(md).toContain(`\`\`\`sh\n${BUILD_COMMANDS.join('\n')}\n\`\`\``);
    expect(md).toContain('artifacts/downcheck-1.2.3-firefox.zip');
  });

  it('the source archive carries what the build reads and the lock file', () => {
    for (const p of ['package.json', 'package-lock.json', 'manifest.json', 'vite.config.ts', 'tsconfig.json', 'src', 'public', 'scripts']) {
      expect(SOURCE_PATHS).toContain(p);
    }
  });
});
