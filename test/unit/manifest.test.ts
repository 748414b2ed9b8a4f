import { describe, expect, it } from 'vitest';
import source from '../../manifest.json';
import pkg from '../../package.json';
import {
  FIREFOX_ANDROID_MIN_VERSION,
  FIREFOX_MIN_VERSION,
  GECKO_ID,
  isManifestVersion,
  manifestFor,
  withoutInjectedScripts,
} from '../../scripts/manifest';

describe('manifestFor', () => {
  it('leaves the Chrome manifest as written (service worker, no gecko keys)', () => {
    const chrome = manifestFor('chrome', source);
    expect(chrome).toEqual(source);
    expect(chrome).not.toHaveProperty('browser_specific_settings');
    expect((chrome.background as { service_worker: string }).service_worker).toBe('src/background/index.ts');
  });

  it('declares nothing that runs in every page: Chrome reads a page’s status with executeScript once it has loaded', () => {
    for (const manifest of [
      manifestFor('chrome', source),
      manifestFor('chrome', source, { webRequest: true }),
      manifestFor('firefox', source),
    ])
      expect(manifest).not.toHaveProperty('content_scripts');
  });

  it('keeps content scripts the source manifest already declares', () => {
    const other = { matches: ['https://example.com/*'], js: ['other.js'] };
    expect(manifestFor('chrome', { ...source, content_scripts: [other] }).content_scripts).toEqual([other]);
  });

  it('gives Firefox background scripts, a gecko id, data-collection declaration and minimum version', () => {
    const firefox = manifestFor('firefox', source);
    expect(firefox.background).toEqual({ scripts: ['src/background/index.ts'], type: 'module' });
    expect(firefox).not.toHaveProperty('minimum_chrome_version');
    expect(firefox.permissions).toEqual([
      ...(source.permissions as string[]).map((p) => (p === 'webNavigation' ? 'webRequest' : p)),
      'dns',
    ]);
    // One declaration for both: web-ext lint accepts the empty list (0 errors, 0 warnings).
    expect(firefox.externally_connectable).toEqual({ matches: [] });
    expect(firefox.optional_permissions).toEqual(['browsingData']);
    // Without it Firefox upgrades the worker's http:// probes to https://.
    expect(firefox.content_security_policy).toEqual({ extension_pages: "script-src 'self'" });
    expect(firefox.browser_specific_settings).toEqual({
      gecko: {
        id: GECKO_ID,
        strict_min_version: FIREFOX_MIN_VERSION,
        data_collection_permissions: { required: ['none'], optional: ['browsingActivity'] },
      },
      gecko_android: { strict_min_version: FIREFOX_ANDROID_MIN_VERSION },
    });
  });

  it('does not mutate its input', () => {
    const copy = structuredClone(source);
    manifestFor('firefox', source);
    expect(source).toEqual(copy);
  });

  it('asks for least privilege: web pages only, no tabs/history permission', () => {
    expect(source.host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(source.permissions).not.toContain('tabs');
    // Chrome: holding webRequest slows every request of every page; Firefox keeps it.
    expect(source.permissions).toContain('webNavigation');
    expect(source.permissions).not.toContain('webRequest');
    expect(source.permissions).not.toContain('<all_urls>');
    // Clearing a site's data is asked for at the click, not granted at install.
    expect(source.permissions).not.toContain('browsingData');
    expect(source.optional_permissions).toEqual(['browsingData']);
    expect(source.name).toMatch(/^__MSG_\w+__$/);
    expect(source.description).toMatch(/^__MSG_\w+__$/);
  });

  it('no web page and no other extension may connect (externally_connectable declared empty)', () => {
    for (const browser of ['chrome', 'firefox'] as const)
      expect(manifestFor(browser, source).externally_connectable).toEqual({ matches: [] });
  });

  it('takes the version from package.json only: manifest.json has none, both builds get the one given', () => {
    expect(source).not.toHaveProperty('version');
    expect(isManifestVersion(pkg.version)).toBe(true);
    for (const browser of ['chrome', 'firefox'] as const) expect(manifestFor(browser, source, { version: '1.2.3' }).version).toBe('1.2.3');
  });

  it('refuses a version a store would reject', () => {
    for (const bad of ['1.2.3-beta', '01.2', '1.2.3.4.5', '', 'v1', '1..2']) {
      expect(isManifestVersion(bad)).toBe(false);
      expect(() => manifestFor('chrome', source, { version: bad })).toThrow(/not a version/);
    }
    for (const good of ['0', '0.1.0', '1.2.3.4', '10.0.20']) expect(isManifestVersion(good)).toBe(true);
  });
});

describe('withoutInjectedScripts', () => {
  const crxWrote = {
    name: 'x',
    web_accessible_resources: [
      { matches: ['http://*/*', 'https://*/*'], resources: ['src/panel/inject.js'], use_dynamic_url: false },
      { matches: ['<all_urls>'], resources: ['icons/icon-16.png', 'src/panel/other.js'] },
    ],
  };

  it('no page can load the injected panel script; other resources stay', () => {
    expect(withoutInjectedScripts(crxWrote).web_accessible_resources).toEqual([
      { matches: ['<all_urls>'], resources: ['icons/icon-16.png'] },
    ]);
    expect(crxWrote.web_accessible_resources[0]!.resources).toEqual(['src/panel/inject.js']); // input untouched
  });

  it('drops the key when nothing is left, and leaves a manifest without it alone', () => {
    expect(withoutInjectedScripts({ web_accessible_resources: [crxWrote.web_accessible_resources[0]] })).toEqual({});
    expect(withoutInjectedScripts({ name: 'x' })).toEqual({ name: 'x' });
  });
});
