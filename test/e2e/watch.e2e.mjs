// "Tell me when it's back", end to end in real Chromium and Firefox with the built extension: the
// visitor checks a local site that is down (nothing listens on its port) in the popup's "check any
// site" field, presses "Tell me when it's back", the site comes up, and the extension shows the
// notification "… is back" (read back from the notifications API in the extension's own context)
// and ends the watch: the popup says it is back, no alarm is left and no probe follows. The popup is
// opened for a healthy web page's tab (where a visitor checks another site: "No problem detected on
// this page"). In Chromium it saves the popup while watching and once the site is back, light and
// dark, for the README (test/e2e/__screenshots__/popup-watching-<theme>.png, popup-watch-back-<theme>.png).
//
// Run: flock /tmp/downcheck-browser.lock env E2E_REBUILD=1 npm run test:e2e -- test/e2e/watch.e2e.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../fixtures/demo-site.mjs';
import { alarmsInPage } from './alarms-in-page.mjs';
import { BROWSERS, EXTENSION_DIRS, launchBrowser, openExtensionPage, poll } from './browsers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SCREENSHOTS = fileURLToPath(new URL('./__screenshots__', import.meta.url));
const MESSAGES = JSON.parse(readFileSync(new URL('../../public/_locales/en/messages.json', import.meta.url), 'utf8'));

/** Chromium: the popup as it is now, light and dark (as popup.e2e.mjs saves its states). */
async function screenshots(browser, page, state) {
  if (browser.name !== 'chromium') return;
  await page.evaluate(() => document.activeElement?.blur());
  for (const theme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: theme });
    assert.ok(await page.evaluate((c) => matchMedia(`(prefers-color-scheme: ${c})`).matches, theme), `the popup is drawn ${theme}`);
    await page.screenshot({ path: join(SCREENSHOTS, `popup-${state}-${theme}.png`), fullPage: true, animations: 'disabled' });
  }
  await page.emulateMedia({ colorScheme: null });
}

/** The site, brought up on `port`: counts the requests it gets. */
async function startSite(port, title = 'Up again') {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>${title}</title><p>${title}.`);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  // The browser keeps idle connections open (the healthy tab's): close them, or close() waits for them.
  const stop = () => new Promise((r) => (server.close(r), server.closeAllConnections()));
  return { port, hits, stop };
}

const session = (browser, key) =>
  browser.extEval(async (k) => (await (globalThis.browser ?? globalThis.chrome).storage.session.get(k))[k], key);

/** The popup for tab `tabId` (as popup.e2e.mjs opens it for a tab). */
const openPopup = (browser, tabId) =>
  openExtensionPage(browser, '/src/popup/index.html', { tabId, viewport: { width: 390, height: 600 }, what: 'the popup to draw' });

for (const name of BROWSERS) {
  describe(`${name}: tell me when it's back`, () => {
    let browser;
    let site;
    let healthy;
    before(async () => {
      browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name] });
      // Installing opens the first-run page: wait for it so it cannot come to the front later.
      const welcome = browser.extensionUrl('/src/options/index.html?welcome=1');
      await poll(
        async () =>
          (await browser.extEval(async () => (await (globalThis.browser ?? globalThis.chrome).tabs.query({})).map((t) => t.url))).includes(
            welcome,
          )
            ? true
            : undefined,
        { timeoutMs: 10_000, what: 'the first-run page opened on install' },
      );
    });
    after(async () => {
      await site?.stop();
      await healthy?.stop();
      await browser?.close();
    });

    it('a checked site that is down is watched, and "is back" is notified when it comes up', { timeout: 60_000 }, async () => {
      const port = await freePort();
      const typed = `http://127.0.0.1:${port}`;
      const origin = typed;
      // The visitor is on a healthy web page (another local site, up) when they check the one that is down.
      healthy = await startSite(await freePort(), 'A healthy page');
      const healthyUrl = `http://127.0.0.1:${healthy.port}/`;
      const healthyTab = await browser.tabIdOf(await browser.openPage(healthyUrl));
      const popup = await openPopup(browser, healthyTab);
      assert.deepEqual(
        await popup.evaluate(() => [
          document.querySelector('[data-testid=healthy]')?.dataset.answer,
          document.querySelector('h2.headline')?.textContent,
        ]),
        ['healthy', MESSAGES.popup_no_problem.message],
        'the popup answers for the healthy page it was opened on',
      );
      await popup.bringToFront();
      await popup.focus('#check-host');
      await popup.keyboard.type(typed);
      await popup.keyboard.press('Enter');
      // The check finds it down (nothing listens): the popup offers the watch.
      await poll(async () => ((await popup.evaluate(() => document.querySelector('[data-action=watch]') !== null)) ? true : undefined), {
        timeoutMs: 25_000,
        what: '"Tell me when it’s back" after the check',
      });
      assert.equal(
        await popup.evaluate(() => document.querySelector('.site-result .host')?.textContent),
        '127.0.0.1',
        'the check is of the typed site',
      );
      await popup.focus('[data-action=watch]');
      await popup.keyboard.press('Enter');
      const watching = await poll(
        async () => {
          const w = await session(browser, `watch:${origin}`);
          return w?.state === 'watching' && w.probes >= 1 ? w : undefined;
        },
        { timeoutMs: 15_000, what: 'the watch to probe once' },
      );
      assert.equal(watching.lastProbe.verdict, 'failing', 'the first probe found it down');
      assert.equal(watching.url, `${origin}/`);
      await poll(
        async () =>
          (await popup.evaluate(() => document.querySelector('[data-testid=watch]')?.dataset.watch)) === 'watching' ? true : undefined,
        { what: 'the popup to say it is watching' },
      );
      await screenshots(browser, popup, 'watching');
      // Alarms may be kept on disk (Chrome): the watch's alarm is named by an opaque id, never by its site.
      const { names: alarmNames, expected } = await browser.extEval(alarmsInPage, { prefix: 'watch:', origins: [origin] });
      assert.ok(alarmNames.includes(expected[origin]), `the watch's alarm ${expected[origin]} among ${JSON.stringify(alarmNames)}`);
      for (const alarmName of alarmNames) {
        assert.match(alarmName, /^(retry|watch):[0-9a-f]{32}$/);
        assert.ok(!alarmName.includes('127.0.0.1') && !alarmName.includes(String(port)), alarmName);
      }
      assert.equal(
        await browser.extEval(
          async (id) => Object.keys(await (globalThis.browser ?? globalThis.chrome).notifications.getAll()).includes(id),
          `watch-back:${origin}`,
        ),
        false,
        'no notification while it is down',
      );

      // Headless Firefox closes a notification as soon as it is shown, so getAll() may no longer list
      // it: an extension page of ours also notes every notification shown or closed.
      await browser.extEval(() => {
        const notifications = (globalThis.browser ?? globalThis.chrome).notifications;
        globalThis.seenNotifications = [];
        for (const event of [notifications.onShown, notifications.onClosed])
          event?.addListener((id) => globalThis.seenNotifications.push(id));
      });

      // The site comes up.
      site = await startSite(port);
      const ended = await poll(
        async () => {
          const w = await session(browser, `watch:${origin}`);
          // `notified` is noted once the notification was created, just after the watch ended.
          return w?.state === 'back' && w.notified ? w : undefined;
        },
        { timeoutMs: 20_000, what: 'the watch to see the site back, and say so in a notification' },
      );
      assert.ok(ended.endedAt >= watching.lastProbe.at);
      const shown = await poll(
        async () => {
          const ids = await browser.extEval(async () => [
            ...Object.keys(await (globalThis.browser ?? globalThis.chrome).notifications.getAll()),
            ...globalThis.seenNotifications,
          ]);
          return ids.includes(`watch-back:${origin}`) ? ids : undefined;
        },
        { what: 'the "is back" notification' },
      );
      assert.ok(shown.includes(`watch-back:${origin}`));
      await poll(
        async () =>
          (await popup.evaluate(() => document.querySelector('[data-testid=watch]')?.dataset.watch)) === 'back' ? true : undefined,
        { what: 'the popup to say it is back' },
      );
      // The check's verdict from before ("cannot be reached") is no longer true: "back" replaces it, said once.
      assert.deepEqual(
        await popup.evaluate(() => ({
          verdicts: [...document.querySelectorAll('[data-testid=site-verdict]')].map((v) => v.dataset.verdict),
          backLines: [...document.querySelectorAll('[data-testid=watch]')].length,
        })),
        { verdicts: ['back-up'], backLines: 1 },
        'the site check shows the site back, not its older verdict',
      );
      await screenshots(browser, popup, 'watch-back');
      // The watch is over: no alarm left, and the site hears nothing more.
      assert.deepEqual(
        (await browser.extEval(alarmsInPage, { prefix: 'watch:', origins: [] })).names.filter((n) => n.startsWith('watch:')),
        [],
      );
      const requests = site.hits.length;
      await sleep(4_000);
      assert.equal(site.hits.length, requests, 'no probe after the watch ended');
      await popup.close();
    });
  });
}
