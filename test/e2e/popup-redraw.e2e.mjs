// The popup redraws when a storage key it was drawn from changes (the worker names them in its
// answer, `readFrom`), in storage.local too, and not when another tab's record changes. Shown on a
// healthy page's popup: consent stored while it is open (as the settings page stores it) takes away
// its "only local checks run" note at once.
//
// Run: E2E_REBUILD=1 E2E_BROWSERS=chromium npm run test:e2e -- test/e2e/popup-redraw.e2e.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BROWSERS, EXTENSION_DIRS, launchBrowser, openExtensionPage, poll } from './browsers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MESSAGES = JSON.parse(readFileSync(new URL('../../public/_locales/en/messages.json', import.meta.url), 'utf8'));
const NOTE = MESSAGES.popup_check_site_consent.message;

const store = (browser, area, items) =>
  browser.extEval(({ a, i }) => (globalThis.browser ?? globalThis.chrome).storage[a].set(i), { a: area, i: items });

for (const name of BROWSERS) {
  describe(`${name}: the popup redraws on what it was drawn from`, () => {
    let browser;
    let server;
    before(async () => {
      browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name] });
      server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Up</title><p>Up.'));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
    });
    after(async () => {
      server?.closeAllConnections();
      server?.close();
      await browser?.close();
    });

    it('consent stored while the popup is open redraws it; another tab’s record does not', { timeout: 60_000 }, async () => {
      const tabId = await browser.tabIdOf(await browser.openPage(`http://127.0.0.1:${server.address().port}/`));
      const popup = await openExtensionPage(browser, '/src/popup/index.html', {
        tabId,
        viewport: { width: 390, height: 600 },
        what: 'the popup to draw',
      });
      const drawn = () =>
        popup.evaluate(
          (note) => ({
            note: [...document.querySelectorAll('.note')].some((p) => p.textContent === note),
            same: document.querySelector('[data-testid=healthy]')?.drawnBefore === true,
          }),
          NOTE,
        );
      assert.equal((await drawn()).note, true, 'without consent, the popup says only local checks run');
      await popup.evaluate(() => (document.querySelector('[data-testid=healthy]').drawnBefore = true));

      await store(browser, 'session', { [`guide:${tabId + 1000}`]: { reload: 'done' } });
      await sleep(500);
      assert.deepEqual(await drawn(), { note: true, same: true }, 'another tab’s record: no redraw');

      await store(browser, 'local', { consent: { connectivity: true, dns: false, vantage: false, statusPage: false, archive: false } });
      const after = await poll(async () => ((await drawn()).same ? undefined : drawn()), { what: 'the popup to redraw after consent' });
      assert.equal(after.note, false, 'with consent, the note is gone');
      await popup.close();
    });
  });
}
