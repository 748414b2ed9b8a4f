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
import { BROWSER_FREE, BROWSERS, launchChromium, launchFirefox, openExtensionPage, poll } from './browsers.mjs';
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

/** Resolves once the real panel's host element is in `page` (its shadow root is closed; screenshots still see it). */
const panelShown = (page, what) =>
  poll(
    async () =>
      (await page.evaluate(() =>
        // The host has no fixed name: a child of the root beside <head> and <body>.
        [...document.documentElement.children].some((el) => el !== document.head && el !== document.body),
      ))
        ? true
        : undefined,
    { timeoutMs: 10_000, what: `the panel on ${what}` },
  );

/**
 * The store screenshots show the demo site under a name a shop could have: Chromium's resolver maps it to the
 * demo site's nginx (`--host-resolver-rules`), so the pages, the panel and the popup are real and say "shop.example".
 */
const SHOP = 'shop.example';
const shopUrl = (url) => url.replace(site.origin, `http://${SHOP}`);

/** `page` at 1280×800 in `theme`, showing `url` in its own tab (an error page the extension records). */
async function errorPage(browser, url, theme) {
  const page = await browser.openPage(shopUrl(`${site.urls.start}?shot=${(shotVisits += 1)}`));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: theme });
  const tabId = await browser.tabIdOf(page);
  await browser.navigateInPage(page, shopUrl(url));
  return { page, tabId };
}
let shotVisits = 0;

/** Once the tab's diagnosis is done and the panel (which asks every second while it runs) says its answer. */
async function diagnosed(browser, tabId) {
  const key = `diagnosis:${tabId}`;
  await poll(async () => ((await browser.extEval((k) => chrome.storage.session.get(k), key))[key]?.done ? true : undefined), {
    timeoutMs: 20_000,
    what: `the diagnosis of tab ${tabId}`,
  });
  await new Promise((r) => setTimeout(r, 1500));
}

const dataUrl = (png) => `data:image/png;base64,${png.toString('base64')}`;

/**
 * The Web Store's five 1280×800 screenshots, of the real product in this fresh profile installed from the
 * package: the real panel on real error pages of the demo site (nginx), the real popup for such a tab, the
 * settings. store/screenshots/<n>-<what>.png; each is checked for its size.
 *   1 the panel on an nginx 502, retrying by itself (its countdown)
 *   2 the popup for that tab, laid over the page where a browser opens it (the popup is 390 px wide: it is
 *     screenshotted as a page of its own, pointed at the tab, then both images are composed in a plain page)
 *   3 the panel on a Cloudflare 522, dark theme
 *   4 the panel after a form was sent to a failing server: it is never sent again by itself
 *   5 the settings, as a new user first sees them (the outside checks, all off until ticked)
 */
async function storeScreenshots(browser) {
  const dir = join(ROOT, 'store', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const save = async (page, name) => {
    const path = join(dir, `${name}.png`);
    await page.screenshot({ path, animations: 'disabled' });
    assert.deepEqual(pngSize(readFileSync(path)), { width: 1280, height: 800 }, `${name}.png is 1280×800`);
  };

  // 1: the real panel on the 502 page, its retry countdown running.
  const bad = await errorPage(browser, `${site.urls.badGateway}?shot=502`, 'light');
  await panelShown(bad.page, 'the 502 page');
  await diagnosed(browser, bad.tabId); // also covers the panel's entry animation
  await save(bad.page, '1-error-page-panel');

  // 2: the popup for that tab over the page.
  const popup = await openExtensionPage(browser, '/src/popup/index.html', {
    tabId: bad.tabId,
    viewport: { width: 390, height: 600 },
    ready: () =>
      document.getElementById('app')?.getAttribute('aria-busy') === 'false' &&
      document.querySelector('[data-testid=verdict] .spinner') === null,
    what: 'the popup for the 502 tab, checks done',
  });
  await popup.evaluate(() => document.fonts.ready.then(() => undefined));
  // As tall as its content, as a browser sizes a popup (at most 600 px).
  const popupHeight = await popup.evaluate(() => {
    const bottom = Math.max(...[...document.body.children].map((el) => el.getBoundingClientRect().bottom));
    return Math.min(600, Math.ceil(bottom + parseFloat(getComputedStyle(document.body).paddingBottom || '0') + 8));
  });
  await popup.setViewportSize({ width: 390, height: popupHeight });
  const popupImage = await popup.screenshot({ animations: 'disabled' });
  await popup.close();
  const pageImage = await bad.page.screenshot({ animations: 'disabled' }); // the page as it is now, its countdown with the popup's
  const composed = await browser.openPage();
  await composed.setViewportSize({ width: 1280, height: 800 });
  await composed.setContent(
    `<!doctype html><html><body style="margin:0;width:1280px;height:800px;overflow:hidden;position:relative">
      <img alt="" src="${dataUrl(pageImage)}" style="position:absolute;left:0;top:0;width:1280px;height:800px">
      <img alt="" src="${dataUrl(popupImage)}" style="position:absolute;right:16px;top:8px;width:390px;border-radius:8px;
        box-shadow:0 6px 24px rgba(0,0,0,.28),0 0 0 1px rgba(0,0,0,.12)">
    </body></html>`,
  );
  await composed.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
  await save(composed, '2-popup-on-error-page');
  await composed.close();
  await bad.page.close();

  // 3: the panel on a Cloudflare 522, dark.
  const cf = await errorPage(browser, `${site.urls.cloudflare522}?shot=522`, 'dark');
  await panelShown(cf.page, 'the 522 page');
  await diagnosed(browser, cf.tabId);
  await save(cf.page, '3-panel-cloudflare-522-dark');
  await cf.page.close();

  // 4: a form sent to the failing server.
  const form = await errorPage(browser, `${site.urls.form}?shot=form`, 'light');
  await poll(async () => ((await form.page.evaluate(() => document.querySelector('form') !== null)) ? true : undefined), {
    what: 'the form page',
  });
  await form.page.evaluate(() => void setTimeout(() => document.querySelector('form').submit()));
  await poll(async () => ((await form.page.evaluate(() => location.pathname)) === '/bad-gateway' ? true : undefined), {
    what: 'the form sent to /bad-gateway',
  });
  await panelShown(form.page, 'the page the form was sent to');
  await diagnosed(browser, form.tabId);
  await save(form.page, '4-form-never-resent');
  await form.page.close();

  // 5: the settings, first run.
  const options = await openExtensionPage(browser, '/src/options/index.html?welcome', {
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  });
  await save(options, '5-settings-consent');
  await options.close();
}

describe('README "Install", followed in a fresh profile', () => {
  // No browser: run once, by one of the processes run.mjs starts (BROWSER_FREE).
  if (BROWSER_FREE) {
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
  }

  if (BROWSERS.includes('chromium')) {
    it('chromium: unzip the Chrome zip, Load unpacked the folder, a 502 shows its badge', { timeout: 60_000 }, async () => {
      const folder = mkdtempSync(join(tmpdir(), 'downcheck-user-'));
      temporary.push(folder);
      const files = unzipTo(join(ROOT, 'artifacts', NAMES.chrome), join(folder, 'downcheck'));
      assert.ok(files.includes('manifest.json'), 'the zip has manifest.json at its top, as Load unpacked needs');
      // The resolver rule only names the store screenshots' site (shop.example); the install itself is the README's.
      const args = [`--host-resolver-rules=MAP ${SHOP} 127.0.0.1:${site.port}`];
      const browser = await launchChromium({ extensionDir: join(folder, 'downcheck'), loadUnpacked: true, args });
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
