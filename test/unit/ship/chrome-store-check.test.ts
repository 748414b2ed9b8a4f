import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkChromePackage, pngSize } from '../../../scripts/chrome-store-check.mjs';
import type { ZipEntry } from '../../../scripts/zip.mjs';

const icon = (size: number): Buffer => readFileSync(new URL(`../../../public/icons/icon-${size}.png`, import.meta.url));
const en = { extName: { message: 'Downcheck' }, extDescription: { message: 'Notices server errors.' } };

function pkg({
  manifest = {},
  files = {},
  drop = [],
}: { manifest?: Record<string, unknown>; files?: Record<string, string | Buffer>; drop?: string[] } = {}) {
  const base = {
    manifest_version: 3,
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    version: '1.2.3',
    default_locale: 'en',
    icons: { 16: 'icons/icon-16.png', 32: 'icons/icon-32.png', 48: 'icons/icon-48.png', 128: 'icons/icon-128.png' },
    background: { service_worker: 'sw.js', type: 'module' },
    ...manifest,
  };
  const all: Record<string, string | Buffer> = {
    'manifest.json': JSON.stringify(base),
    '_locales/en/messages.json': JSON.stringify(en),
    'sw.js': 'chrome.runtime.onInstalled.addListener(() => {});',
    'icons/icon-16.png': icon(16),
    'icons/icon-32.png': icon(32),
    'icons/icon-48.png': icon(48),
    'icons/icon-128.png': icon(128),
    ...files,
  };
  return Object.entries(all)
    .filter(([name]) => !drop.includes(name))
    .map(([name, data]): ZipEntry => ({ name, data: Buffer.isBuffer(data) ? data : Buffer.from(data) }));
}

describe('Chrome Web Store check', () => {
  it('passes a well-formed package', () => {
    expect(checkChromePackage(pkg())).toEqual([]);
  });

  it('reads PNG sizes', () => {
    expect(pngSize(icon(48))).toEqual({ width: 48, height: 48 });
    expect(pngSize(Buffer.from('not a png at all, really not'))).toBeNull();
  });

  it('finds a missing icon, a missing file, a wrong size and a non-PNG', () => {
    const { 128: _dropped, ...three } = { 16: 'icons/icon-16.png', 32: 'icons/icon-32.png', 48: 'icons/icon-48.png', 128: '' };
    expect(checkChromePackage(pkg({ manifest: { icons: three } }))).toEqual(['icons has no 128×128 icon']);
    expect(checkChromePackage(pkg({ drop: ['icons/icon-32.png'] }))).toEqual(['icons 32: icons/icon-32.png is not in the package']);
    expect(checkChromePackage(pkg({ files: { 'icons/icon-48.png': icon(32) } }))).toEqual(['icons 48: icons/icon-48.png is 32×32']);
    expect(checkChromePackage(pkg({ files: { 'icons/icon-16.png': 'GIF89a' } }))).toEqual(['icons 16: icons/icon-16.png is not a PNG']);
  });

  it('finds a description over 132 characters in any locale', () => {
    const long = { ...en, extDescription: { message: 'x'.repeat(133) } };
    expect(checkChromePackage(pkg({ files: { '_locales/de/messages.json': JSON.stringify(long) } }))).toEqual([
      'de: description has 133 characters (at most 132)',
    ]);
    const exact = { ...en, extDescription: { message: 'é'.repeat(132) } };
    expect(checkChromePackage(pkg({ files: { '_locales/fr/messages.json': JSON.stringify(exact) } }))).toEqual([]);
    expect(checkChromePackage(pkg({ files: { '_locales/es/messages.json': JSON.stringify({ extName: en.extName }) } }))).toEqual([
      'es: no description',
    ]);
  });

  it('finds remote code', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'a.html': '<script src="https://cdn.example/x.js"></script>' }, 'a.html: loads a script from the network'],
      [{ 'a.html': "<script type=module src='//cdn.example/x.js'></script>" }, 'a.html: loads a script from the network'],
      [{ 'a.js': 'const f=eval("1+1")' }, 'a.js: eval('],
      [{ 'a.js': 'x=new Function("a","return a")' }, 'a.js: new Function('],
      [{ 'a.js': 'setTimeout("alert(1)", 5)' }, 'a.js: a string timer'],
      [{ 'a.js': 'await import("https://cdn.example/m.js")' }, 'a.js: import() of a remote URL'],
    ];
    for (const [files, problem] of cases) expect(checkChromePackage(pkg({ files }))).toEqual([problem]);
    expect(checkChromePackage(pkg({ files: { 'a.js': 'x.evaluate(y); retrieval(z); a.eval(b)' } }))).toEqual([]);
    expect(
      checkChromePackage(pkg({ manifest: { content_security_policy: { extension_pages: "script-src 'self' https://cdn.example" } } })),
    ).toHaveLength(1);
    expect(
      checkChromePackage(pkg({ manifest: { content_security_policy: { extension_pages: "script-src 'self' 'unsafe-eval'" } } })),
    ).toHaveLength(1);
  });

  it('finds store-specific manifest problems and stray files', () => {
    expect(checkChromePackage(pkg({ manifest: { version: '1.2.3-beta' } }))).toEqual([
      'version "1.2.3-beta" is not 1–4 dot-separated integers',
    ]);
    expect(checkChromePackage(pkg({ manifest: { manifest_version: 2 } }))).toEqual(['manifest_version is 2, the store takes 3']);
    expect(checkChromePackage(pkg({ manifest: { update_url: 'https://x.example/u.xml' } }))).toEqual([
      'update_url is set: the store serves updates itself',
    ]);
    expect(checkChromePackage(pkg({ manifest: { browser_specific_settings: { gecko: {} } } }))).toHaveLength(1);
    expect(checkChromePackage(pkg({ files: { 'assets/a.js.map': '{}', '.DS_Store': '' } }))).toEqual([
      'assets/a.js.map: not needed in a store package',
      '.DS_Store: not needed in a store package',
    ]);
    expect(checkChromePackage(pkg({ drop: ['manifest.json'] }))).toEqual(['manifest.json is missing at the top of the package']);
    expect(checkChromePackage(pkg({ files: { 'src/panel/preview.html': '<p>', 'test-pages/assets/a.js': '' } }))).toEqual([
      'src/panel/preview.html: a test-only file',
      'test-pages/assets/a.js: a test-only file',
    ]);
  });
});
