// Settings are never lost, on the real options page of the built
// extension, where every change applies at once (no Save button): a change keeps the "don't show on
// this site" list the lists do not show; host names with `_` or a trailing dot, or pasted as URLs,
// are kept (normalised); lists too big for one storage.sync item (8 KB in Chromium) are read back as
// saved, and a later small change is never hidden by the stale sync copy of an older big one.
//
// Run: flock /tmp/downcheck-browser.lock env E2E_REBUILD=1 npm run test:e2e -- test/e2e/settings.e2e.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BROWSERS, EXTENSION_DIRS, openExtensionPage, poll, withBrowser } from './browsers.mjs';

const MESSAGES = JSON.parse(readFileSync(join(EXTENSION_DIRS.chromium, '_locales/en/messages.json'), 'utf8'));

const openOptions = (browser) => openExtensionPage(browser, '/src/options/index.html', { what: 'the settings page to draw' });

/** Puts `value` into the list `id` and leaves it (a `change` event), as a visitor does; resolves once it says "Saved". */
async function changeList(page, id, value) {
  await page.evaluate(
    ([i, v]) => {
      document.getElementById('status').textContent = '';
      const list = document.getElementById(i);
      list.value = v;
      list.dispatchEvent(new Event('change', { bubbles: true }));
    },
    [id, value],
  );
  const status = () => page.evaluate(() => document.getElementById('status').textContent);
  await poll(async () => ((await status()) === MESSAGES.options_saved.message ? true : undefined), { what: '"Saved."' });
}

const listShown = (page, id) => page.evaluate((i) => document.getElementById(i).value, id);
const storedSettings = (browser) =>
  browser.extEval(async () => (await (globalThis.browser ?? globalThis.chrome).storage.local.get('settings')).settings);

for (const name of BROWSERS) {
  describe(`${name}: settings are never lost`, () => {
    it('changes keep the hidden-panel list; _ and trailing-dot hosts kept; 450-site lists read back', { timeout: 30_000 }, () =>
      withBrowser(name, async (browser) => {
        // The panel's "don't show on this site", as the worker saves it.
        await browser.extEval(async () => {
          const api = globalThis.browser ?? globalThis.chrome;
          const settings = { autoRetry: true, giveUpMinutes: 30, alwaysRetry: [], neverRetry: [], panelHidden: ['hidden.example'] };
          await api.storage.local.set({ settings: { ...settings, savedAt: Date.now() } });
        });
        let page = await openOptions(browser);
        await changeList(page, 'always-sites', 'https://Shop.Example./cart?x=1\nmy_host.example\n<x>');
        const saved = await storedSettings(browser);
        assert.deepEqual(saved.panelHidden, ['hidden.example'], 'the change kept the hidden-panel list');
        assert.deepEqual(saved.alwaysRetry, ['shop.example', 'my_host.example'], 'URL and trailing dot normalised, `_` kept, junk dropped');
        assert.equal(await listShown(page, 'always-sites'), 'shop.example\nmy_host.example', 'the page shows what was kept');

        // 450 sites: far beyond one sync item. Saved, then shown again after a reload.
        const many = Array.from({ length: 450 }, (_, i) => `site-number-${i}.example`);
        await changeList(page, 'never-sites', many.join('\n'));
        assert.deepEqual((await storedSettings(browser)).neverRetry, many, 'all 450 stored, in order');
        await page.close();
        page = await openOptions(browser);
        assert.deepEqual((await listShown(page, 'never-sites')).split('\n'), many, 'all 450 shown after a reload');
        // A later small change is not hidden by the older big one.
        await changeList(page, 'never-sites', 'only.example');
        await page.close();
        page = await openOptions(browser);
        assert.equal(await listShown(page, 'never-sites'), 'only.example');
        assert.equal(await listShown(page, 'always-sites'), 'shop.example\nmy_host.example');
        const last = await storedSettings(browser);
        assert.deepEqual(last.panelHidden, ['hidden.example'], 'still kept');
        assert.deepEqual(last.neverRetry, ['only.example']);
        assert.equal(await page.evaluate(() => document.querySelectorAll('[data-testid=hidden-sites] [data-host]').length), 1);
        await page.close();
      }),
    );
  });
}
