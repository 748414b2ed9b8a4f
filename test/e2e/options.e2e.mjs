// The settings page and the first-run page, end to end in real Chromium and Firefox with the
// built extension: every change applies at once (no Save button) and says "Saved"; the first-run
// buttons save the moment they are clicked; the sites where the panel is hidden survive every
// other change, and a removal can be undone; everything works by keyboard; axe finds nothing.
// The crowd opt-in: not offered without a service (the e2e build has none), a typed address checked, the switch
// stored, and in Firefox its "browsing activity" permission asked in the click (a script's click is refused).
// Chromium saves screenshots (settings, first run, the crowd opt-in; light and dark) for the README.
//
// Run: flock /tmp/downcheck-browser.lock env E2E_REBUILD=1 npm run test:e2e -- test/e2e/options.e2e.mjs
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BROWSERS, EXTENSION_DIRS, launchBrowser, openExtensionPage, poll } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test/e2e/__screenshots__');
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const MESSAGES = JSON.parse(readFileSync(join(EXTENSION_DIRS.chromium, '_locales/en/messages.json'), 'utf8'));

const local = (browser, key) =>
  browser.extEval(async (k) => (await (globalThis.browser ?? globalThis.chrome).storage.local.get(k))[k], key);
/** Settings as the extension reads them: local (sync is only a copy, see core/settings/stored.ts). */
const settings = async (browser) => (await local(browser, 'settings')) ?? {};

const openOptions = (browser, query = '') =>
  openExtensionPage(browser, `/src/options/index.html${query}`, { what: 'the settings page to draw' });

const status = (page) => page.evaluate(() => document.getElementById('status').textContent);
/** Focus, then a key: Playwright (Chromium) names the space bar "Space", puppeteer (Firefox) " ". */
async function pressOn(page, selector, key) {
  await page.bringToFront();
  await page.focus(selector);
  await page.keyboard.press(key === 'Space' && !page.emulateMedia ? ' ' : key);
}
const saved = (page) =>
  poll(async () => ((await status(page)) === MESSAGES.options_saved.message ? true : undefined), { what: '"Saved."' });

async function axe(page) {
  if (!(await page.evaluate(() => typeof globalThis.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () =>
    (await globalThis.axe.run(document, { resultTypes: ['violations'] })).violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    ),
  );
}

for (const name of BROWSERS) {
  describe(`${name}: settings apply at once`, () => {
    let browser;
    before(async () => {
      browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name] });
      // Installing opens the first-run page in a tab of its own. Wait for it, so that it cannot come
      // to the front later, over the page a test is typing into (the keys would go nowhere).
      const welcome = browser.extensionUrl('/src/options/index.html?welcome=1');
      const urls = () => browser.extEval(async () => (await (globalThis.browser ?? globalThis.chrome).tabs.query({})).map((t) => t.url));
      await poll(async () => ((await urls()).includes(welcome) ? true : undefined), {
        timeoutMs: 10_000,
        what: 'the first-run page opened on install',
      });
      if (name === 'chromium') mkdirSync(SCREENSHOTS, { recursive: true });
    });
    after(async () => {
      await browser?.close();
    });

    it('first run: "Allow all" and "Not now" are saved the moment they are clicked', { timeout: 30_000 }, async () => {
      const page = await openOptions(browser, '?welcome=1');
      assert.equal(
        await page.evaluate(() => document.querySelector('[data-testid=welcome]').hidden),
        false,
        'the first-run question shows',
      );
      assert.equal(await page.evaluate(() => document.getElementById('save')), null, 'no Save button');
      assert.deepEqual(await axe(page), [], 'axe, first run');
      if (name === 'chromium') {
        for (const theme of ['light', 'dark']) {
          await page.emulateMedia({ colorScheme: theme });
          await page.screenshot({ path: join(SCREENSHOTS, `first-run-${theme}.png`), animations: 'disabled' });
        }
        await page.emulateMedia({ colorScheme: 'light' });
      }
      await pressOn(page, '#welcome-allow-all', 'Enter');
      const all = await poll(
        async () => {
          const c = await local(browser, 'consent');
          return c && Object.values(c).every(Boolean) ? c : undefined;
        },
        { what: 'every source allowed in storage' },
      );
      assert.deepEqual(all, { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true });
      await saved(page);
      await page.close();

      const again = await openOptions(browser, '?welcome=1');
      // One box per source, named after it: the page shows exactly what is stored.
      const boxes = await again.evaluate(() =>
        Object.fromEntries([...document.querySelectorAll('input[id^=consent-]')].map((b) => [b.id.slice('consent-'.length), b.checked])),
      );
      assert.deepEqual(boxes, all, 'the page shows what was saved');
      await pressOn(again, '#welcome-not-now', 'Enter');
      await poll(
        async () => {
          const c = await local(browser, 'consent');
          return c && !Object.values(c).some(Boolean) ? true : undefined;
        },
        { what: 'nothing allowed in storage after "Not now"' },
      );
      // One source by keyboard (Space on its checkbox): saved at once, the others untouched.
      await pressOn(again, '#consent-archive', 'Space');
      await poll(async () => ((await local(browser, 'consent'))?.archive === true ? true : undefined), {
        what: 'the archive consent saved',
      });
      assert.deepEqual(await local(browser, 'consent'), {
        connectivity: false,
        dns: false,
        vantage: false,
        statusPage: false,
        archive: true,
      });
      await again.close();
    });

    it('every setting applies when changed, and the hidden-site list survives every change (with undo)', { timeout: 40_000 }, async () => {
      // Two sites where the visitor said "don't show on this site" in the panel.
      await browser.extEval(async () => {
        const api = globalThis.browser ?? globalThis.chrome;
        const current = (await api.storage.local.get('settings')).settings ?? {};
        await api.storage.local.set({ settings: { ...current, panelHidden: ['a.example', 'b.example'], savedAt: Date.now() } });
      });
      const page = await openOptions(browser);
      const hidden = () => settings(browser).then((s) => s.panelHidden);
      const shown = () =>
        page.evaluate(() => [...document.querySelectorAll('[data-testid=hidden-sites] [data-host]')].map((b) => b.dataset.host));
      assert.deepEqual(await shown(), ['a.example', 'b.example'], 'the page lists the hidden sites');

      await pressOn(page, '#auto-retry', 'Space');
      await poll(async () => ((await settings(browser)).autoRetry === false ? true : undefined), { what: 'auto-retry off, saved' });
      await saved(page);
      await page.selectOption?.('#give-up', '60');
      if (!page.selectOption) await page.select('#give-up', '60');
      await poll(async () => ((await settings(browser)).giveUpMinutes === 60 ? true : undefined), {
        what: 'give up after 60 min, saved',
      });
      await page.focus('#never-sites');
      await page.keyboard.type('never.example');
      await page.focus('#always-sites'); // leaving the list applies it
      await poll(async () => ((await settings(browser)).neverRetry?.includes('never.example') ? true : undefined), {
        what: 'the never list saved',
      });
      await pressOn(page, '#notifications', 'Space');
      await poll(async () => ((await settings(browser)).notifications === false ? true : undefined), {
        what: 'notifications off, saved',
      });
      await pressOn(page, '#panel', 'Space');
      await poll(async () => ((await settings(browser)).panel === false ? true : undefined), { what: 'the panel off, saved' });
      assert.deepEqual(await hidden(), ['a.example', 'b.example'], 'every change kept the hidden-site list');

      // Show again on a.example, then undo: back where it was.
      await pressOn(page, '[data-action=show-again][data-host="a.example"]', 'Enter');
      await poll(async () => ((await hidden()).join() === 'b.example' ? true : undefined), { what: 'a.example shown again' });
      // The page redraws after the write lands in storage, so wait for what the visitor sees: the
      // list without a.example and the focus on "Undo" (pressing Enter before that would hit nothing).
      await poll(
        async () =>
          (await shown()).join() === 'b.example' && (await page.evaluate(() => document.activeElement?.id)) === 'undo' ? true : undefined,
        { what: 'the page to list b.example only, with the focus on "Undo"' },
      );
      await page.keyboard.press('Enter');
      await poll(async () => ((await hidden()).join() === 'a.example,b.example' ? true : undefined), {
        what: 'the undo to put a.example back',
      });
      await poll(async () => ((await shown()).join() === 'a.example,b.example' ? true : undefined), {
        what: 'the page to list a.example again',
      });
      await pressOn(page, '#panel', 'Space');
      await poll(async () => ((await settings(browser)).panel === true ? true : undefined), { what: 'the panel on again' });
      assert.deepEqual(await hidden(), ['a.example', 'b.example'], 'still kept');
      // Two changes in the same moment (both clicks in one task, so both start before either is
      // written): both are kept, the second does not write back what the first replaced.
      await page.evaluate(() => {
        document.getElementById('auto-retry').click();
        document.getElementById('notifications').click();
      });
      await poll(
        async () => {
          const s = await settings(browser);
          return s.autoRetry === true && s.notifications === true ? true : undefined;
        },
        { what: 'auto-retry and notifications both on again' },
      );
      assert.deepEqual(await hidden(), ['a.example', 'b.example'], 'kept after quick changes');

      assert.deepEqual(await axe(page), [], 'axe, settings');
      if (name === 'chromium') {
        for (const theme of ['light', 'dark']) {
          await page.emulateMedia({ colorScheme: theme });
          assert.deepEqual(await axe(page), [], `axe, settings, ${theme}`);
          await page.screenshot({ path: join(SCREENSHOTS, `settings-${theme}.png`), fullPage: true, animations: 'disabled' });
        }
      }
      await page.close();
    });

    it('the crowd opt-in: offered only with a service, its address checked, the switch stored', { timeout: 30_000 }, async () => {
      const crowd = () => local(browser, 'crowd');
      const page = await openOptions(browser, '?welcome=1');
      const shown = () =>
        page.evaluate(() => {
          const visible = (id) => !document.getElementById(id).hidden;
          const box = document.getElementById('crowd-opt-in');
          return {
            disabled: box.disabled,
            checked: box.checked,
            reason: visible('crowd-no-service'),
            welcome: visible('welcome-crowd'),
            detail: document.getElementById('crowd-detail').textContent,
            refused: visible('crowd-refused'),
            error: visible('crowd-url-error') ? document.getElementById('crowd-url-error').textContent : null,
            field: document.getElementById('crowd-url').value,
          };
        });
      // This build comes with no service: the switch is disabled and says why; the first run does not offer it.
      assert.deepEqual(await shown(), {
        disabled: true,
        checked: false,
        reason: true,
        welcome: false,
        detail: '',
        refused: false,
        error: null,
        field: '',
      });
      const typeAddress = async (text) => {
        await page.bringToFront();
        await page.focus('#crowd-url');
        await page.evaluate(() => document.getElementById('crowd-url').select());
        await page.keyboard.type(text);
        await page.evaluate(() => document.getElementById('crowd-url').blur()); // leaving the field applies it
      };
      // A bad address: its problem in words, nothing stored.
      await typeAddress('http://crowd.example');
      await poll(async () => ((await shown()).error === MESSAGES.crowdUrlInsecure.message ? true : undefined), {
        what: 'the insecure-address error',
      });
      assert.equal(await crowd(), undefined, 'a bad address stores nothing');
      // A good one (this computer's service), kept in its normal form: now the switch is offered, off.
      await typeAddress('http://127.0.0.1:8787/');
      await poll(async () => ((await crowd())?.serviceUrl === 'http://127.0.0.1:8787' ? true : undefined), { what: 'the address saved' });
      await poll(async () => ((await shown()).disabled === false ? true : undefined), { what: 'the switch offered' });
      assert.deepEqual(await shown(), {
        disabled: false,
        checked: false,
        reason: false,
        welcome: true,
        detail: MESSAGES.crowdOptInDetail.message.replace('$1', '127.0.0.1:8787'),
        refused: false,
        error: null,
        field: 'http://127.0.0.1:8787',
      });
      assert.deepEqual(await crowd(), { optIn: false, serviceUrl: 'http://127.0.0.1:8787' });
      assert.deepEqual(await axe(page), [], 'axe, crowd opt-in');
      if (name === 'chromium') {
        for (const theme of ['light', 'dark']) {
          await page.emulateMedia({ colorScheme: theme });
          assert.deepEqual(await axe(page), [], `axe, crowd opt-in, ${theme}`);
          for (const [id, file] of [
            ['crowd', 'settings-crowd'],
            ['welcome', 'first-run-crowd'],
          ])
            await (
              await page.$(`[data-testid=${id}]`)
            ).screenshot({ path: join(SCREENSHOTS, `${file}-${theme}.png`), animations: 'disabled' });
        }
        await page.emulateMedia({ colorScheme: 'light' });
      }
      if (name === 'firefox') {
        // Firefox: "browsing activity" is asked for in the visitor's own click; a script's click is refused by
        // Firefox, and then the switch stays off and says why.
        const permitted = () => browser.extEval(() => globalThis.browser.permissions.contains({ data_collection: ['browsingActivity'] }));
        await browser.extEval(() => globalThis.browser.permissions.remove({ data_collection: ['browsingActivity'] }));
        assert.equal(await permitted(), false, 'no permission before the click');
        await page.evaluate(() => document.getElementById('crowd-opt-in').click());
        await poll(async () => ((await shown()).refused ? true : undefined), { what: 'the refusal said' });
        assert.equal((await shown()).checked, false, 'refused: the switch stays off');
        assert.deepEqual(await crowd(), { optIn: false, serviceUrl: 'http://127.0.0.1:8787', decided: true });
        await pressOn(page, '#crowd-opt-in', 'Space');
        await poll(async () => ((await crowd())?.optIn === true ? true : undefined), { what: 'the opt-in saved' });
        assert.equal(await permitted(), true, 'the permission was asked for in the key press');
        // Withdrawn later in Firefox's add-on settings: the page shows the switch off and says why.
        await browser.extEval(() => globalThis.browser.permissions.remove({ data_collection: ['browsingActivity'] }));
        const again = await openOptions(browser);
        const withdrawn = await again.evaluate(() => ({
          checked: document.getElementById('crowd-opt-in').checked,
          refused: !document.getElementById('crowd-refused').hidden,
        }));
        assert.deepEqual(withdrawn, { checked: false, refused: true }, 'a withdrawn permission shows as off');
        await again.close();
        await pressOn(page, '#crowd-opt-in', 'Space'); // the switch still shows on here: off, then on again asks anew
        await poll(async () => ((await crowd())?.optIn === false ? true : undefined), { what: 'the opt-in off' });
        await pressOn(page, '#crowd-opt-in', 'Space');
        await poll(async () => ((await crowd())?.optIn === true ? true : undefined), { what: 'the opt-in on again' });
        assert.equal(await permitted(), true, 'asked for again in the key press');
      } else {
        await pressOn(page, '#crowd-opt-in', 'Space');
        await poll(async () => ((await crowd())?.optIn === true ? true : undefined), { what: 'the opt-in saved' });
      }
      assert.deepEqual(await crowd(), { optIn: true, serviceUrl: 'http://127.0.0.1:8787', decided: true });
      assert.equal((await shown()).refused, false);
      // Another service: the opt-in was given for this one, so it goes off until given again.
      await typeAddress('https://crowd.example');
      await poll(async () => ((await crowd())?.serviceUrl === 'https://crowd.example' ? true : undefined), {
        what: 'the new address saved',
      });
      assert.deepEqual(await crowd(), { optIn: false, serviceUrl: 'https://crowd.example', decided: true });
      assert.equal((await shown()).checked, false);
      await page.close();
    });
  });
}
