// No unhandled promise rejections (and no uncaught errors or console errors) in the popup, the
// options page and the in-page panel, while a visitor uses them, in real
// Chromium and Firefox ESR with the built extension.
//
// What is listened to, per page: the remote protocol's uncaught errors (`pageerror`: uncaught
// exceptions and unhandled rejections, "Uncaught (in promise)"), console errors, and an
// `unhandledrejection` listener added by the test once the page has loaded (for rejections the
// protocol would not report). Extension pages are watched from the moment they are opened. The panel runs
// in the page's tab (an isolated world in Chromium, a content script in Firefox): its errors reach
// the page's protocol log, which is watched too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useDemoSite } from './demo.mjs';
import { BROWSERS, openExtensionPage, poll, withBrowser } from './browsers.mjs';

const site = useDemoSite();
let visits = 0;

/** Starts recording a page's errors; `errors` collects `where: text` lines. */
function watch(page, where, errors) {
  page.on('pageerror', (error) => errors.push(`${where}: uncaught ${error?.message ?? error}`));
  page.on('console', (message) => {
    // The browser's own line for the error page's status is the site's, not ours.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      errors.push(`${where}: console.error ${message.text()}`);
  });
  return page;
}

/** After load: an `unhandledrejection` listener in the page itself, read back by `pageRejections`. */
const listenForRejections = (page) =>
  page.evaluate(() => {
    globalThis.__downcheckRejections ??= [];
    addEventListener('unhandledrejection', (e) => globalThis.__downcheckRejections.push(String(e.reason?.message ?? e.reason)));
  });
const pageRejections = (page, where) =>
  page.evaluate(() => globalThis.__downcheckRejections ?? []).then((list) => list.map((r) => `${where}: unhandled rejection ${r}`));

/** An extension page in a tab of its own, watched from the start, once `ready` is in its DOM. */
async function openWatchedPage(browser, path, ready, where, errors) {
  const page = await openExtensionPage(browser, path, {
    page: watch(await browser.openPage(), where, errors),
    ready,
    what: `${where} showing ${ready}`,
  });
  await listenForRejections(page);
  return page;
}

/** Clicks (with the mouse, a real click) every element matching `selector` that is visible now. */
async function clickAll(page, selector) {
  const count = await page.evaluate((s) => document.querySelectorAll(s).length, selector);
  for (let i = 0; i < count; i++) {
    const box = await page.evaluate(
      ([s, n]) => {
        const el = document.querySelectorAll(s)[n];
        if (!el) return undefined;
        el.scrollIntoView({ block: 'center' });
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : undefined;
      },
      [selector, i],
    );
    if (box) await page.mouse.click(box.x, box.y);
  }
  return count;
}

/** Whether the page has Downcheck's panel host (no fixed name: a child of the root beside <head> and <body>). */
const hasPanel = (page) =>
  page.evaluate(() => [...document.documentElement.children].some((el) => el !== document.head && el !== document.body));

for (const name of BROWSERS) {
  describe(`${name}: no unhandled rejections in popup, options and panel`, () => {
    it('a visitor uses the panel, the popup and the options page: no uncaught error, rejection or console error', { timeout: 90_000 }, () =>
      withBrowser(name, async (browser) => {
        const errors = [];
        // The failing tab, with the panel on nginx's 502 page.
        visits += 1;
        const tab = watch(await browser.openPage(`${site.urls.start}?visit=${visits}`), 'page', errors);
        const tabId = await browser.tabIdOf(tab);
        await browser.navigateInPage(tab, `${site.urls.badGateway}?visit=${visits}`);
        await poll(async () => ((await hasPanel(tab).catch(() => false)) ? true : undefined), { timeoutMs: 15_000, what: 'the panel' });
        await listenForRejections(tab);
        // The panel's controls, by keyboard (its shadow root is closed): Tab into it and through it.
        for (let i = 0; i < 6; i++) await tab.keyboard.press('Tab');

        // The popup for that tab: every fold opened, then "not now" to the consent question.
        const popup = await openWatchedPage(browser, `/src/popup/index.html?tab=${tabId}`, '[data-testid=incident]', 'popup', errors);
        const folds = await clickAll(popup, 'details > summary');
        assert.ok(folds > 0, 'the popup has folds to open');
        await clickAll(popup, '[data-action=consent-not-now]');
        await new Promise((r) => setTimeout(r, 500));
        errors.push(...(await pageRejections(popup, 'popup')));

        // The options page: every checkbox ticked and unticked, the give-up time changed, a site typed.
        const options = await openWatchedPage(browser, '/src/options/index.html', '#consent-dns', 'options', errors);
        const boxes = await clickAll(options, 'input[type=checkbox]');
        assert.ok(boxes >= 8, `the options page has its checkboxes (${boxes})`);
        await clickAll(options, 'input[type=checkbox]');
        const last = await options.evaluate(() => document.querySelector('#give-up option:last-child').value);
        await (options.selectOption ? options.selectOption('#give-up', last) : options.select('#give-up', last)); // Playwright : Puppeteer
        await options.focus('#always-sites');
        await options.keyboard.type('example.com');
        await options.focus('#never-sites'); // the textarea's change fires on blur
        await new Promise((r) => setTimeout(r, 500));
        errors.push(...(await pageRejections(options, 'options')));
        errors.push(...(await pageRejections(tab, 'page')));

        assert.deepEqual(errors, [], 'errors seen');
      }),
    );
  });
}
