// The README's "Install" steps, followed literally as a new user would, in a fresh profile of each
// browser, with the packages from artifacts/ (test/e2e/run.mjs makes them), then a 502 page (the
// demo site's nginx in front of a dead upstream) must show its badge.
//   Chromium: unzip downcheck-<version>-chrome.zip into a folder of its own, then "Load unpacked" that folder
//             (chrome://extensions in developer mode; here the same installer through DevTools'
//             Extensions.loadUnpacked, since a file picker cannot be clicked headless). No --load-extension.
//   Firefox:  about:debugging → "Load Temporary Add-on…" → the zip itself (here WebDriver BiDi
//             webExtension.install with the zip's path, the same temporary install).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pngSize } from '../../scripts/chrome-store-check.mjs';
import { packageNames } from '../../scripts/package.mjs';
import { unzipTo } from '../../scripts/zip.mjs';
import { BROWSERS, launchChromium, launchFirefox, poll } from './browsers.mjs';
import { useDemoSite } from './demo.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const NAMES = packageNames(version);
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const site = useDemoSite();
const temporary = [];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** The README's Install section: the steps this test follows must be the ones written there. */
const installSection = () => {
  const start = README.indexOf('\n## Install\n');
  assert.ok(start >= 0, 'README.md has no "## Install" section');
  const end = README.indexOf('\n## ', start + 5);
  return README.slice(start, end < 0 ? undefined : end);
};

const badgeOf = (browser, tabId) =>
  browser.extEval((id) => (globalThis.browser ?? globalThis.chrome).action.getBadgeText({ tabId: id }), tabId);

async function showsBadgeOn502(browser) {
  const start = `${site.urls.start}?install=${browser.name}`;
  const page = await browser.openPage(start);
  const tabId = await browser.tabIdOf(page);
  await browser.navigateInPage(page, site.urls.badGateway);
  const badge = await poll(
    async () => {
      const text = await badgeOf(browser, tabId);
      return text === '502' || text === '↻502' ? text : undefined;
    },
    { timeoutMs: 8000, what: `the 502 badge on ${site.urls.badGateway}` },
  ).catch(async () => badgeOf(browser, tabId));
  assert.ok(badge === '502' || badge === '↻502', `badge on the 502 page: ${JSON.stringify(badge)}`);
}

/**
 * The Web Store's five 1280×800 screenshots, from the installed package in this fresh profile:
 * store/screenshots/<n>-<what>.png. Each is checked for its size.
 */
async function storeScreenshots(browser) {
  const dir = join(ROOT, 'store', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const shots = [
    ['1-error-page-panel', site.urls.badGateway, 'light'],
    ['2-panel-cloudflare-522', browser.extensionUrl('/src/panel/preview.html?incident=522'), 'light'],
    ['3-panel-cloudflare-522-dark', browser.extensionUrl('/src/panel/preview.html?incident=522'), 'dark'],
    ['4-form-never-resent', browser.extensionUrl('/src/panel/preview.html?incident=post'), 'light'],
    ['5-settings-consent', browser.extensionUrl('/src/options/index.html?welcome'), 'light'],
  ];
  for (const [name, url, theme] of shots) {
    const page = await browser.openPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(url);
    await page.waitForTimeout(1500); // the panel is injected after the load; previews render at once
    const path = join(dir, `${name}.png`);
    await page.screenshot({ path });
    assert.deepEqual(pngSize(readFileSync(path)), { width: 1280, height: 800 }, `${name}.png is 1280×800`);
    await page.close();
  }
}

describe('README "Install", followed in a fresh profile', () => {
  it('names the packages and the steps this test follows', () => {
    const section = installSection();
    for (const words of [
      'downcheck-<version>-chrome.zip',
      'Load unpacked',
      'Developer mode',
      'downcheck-<version>-firefox.zip',
      'about:debugging',
    ]) {
      assert.ok(section.includes(words), `README Install section mentions "${words}"`);
    }
    assert.match(
      section,
      /web-ext sign[^`]*--channel[= ]unlisted[^`]*--api-key[^`]*--api-secret/,
      'README documents the web-ext sign command',
    );
  });

  if (BROWSERS.includes('chromium')) {
    it('chromium: unzip the Chrome zip, Load unpacked the folder, a 502 shows its badge', { timeout: 60_000 }, async () => {
      const folder = mkdtempSync(join(tmpdir(), 'downcheck-user-'));
      temporary.push(folder);
      const files = unzipTo(join(ROOT, 'artifacts', NAMES.chrome), join(folder, 'downcheck'));
      assert.ok(files.includes('manifest.json'), 'the zip has manifest.json at its top, as Load unpacked needs');
      const browser = await launchChromium({ extensionDir: join(folder, 'downcheck'), loadUnpacked: true });
      try {
        const manifest = await browser.extEval(() => chrome.runtime.getManifest());
        assert.equal(manifest.version, version);
        await showsBadgeOn502(browser);
        await storeScreenshots(browser);
      } finally {
        await browser.close();
      }
    });
  }

  if (BROWSERS.includes('firefox')) {
    it('firefox: Load Temporary Add-on with the Firefox zip, a 502 shows its badge', { timeout: 60_000 }, async () => {
      const browser = await launchFirefox({ extensionDir: join(ROOT, 'artifacts', NAMES.firefox), emptyProfile: true });
      try {
        const manifest = await browser.extEval(() => globalThis.browser.runtime.getManifest());
        assert.equal(manifest.version, version);
        await showsBadgeOn502(browser);
      } finally {
        await browser.close();
      }
    });
  }
});
