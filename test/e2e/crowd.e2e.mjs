// The crowd end to end: the BUILT extension in real Chromium and Firefox, the real crowd service (`npm run crowd`
// on a fresh SQLite file, behind test/e2e/crowd-service.mjs's recording proxy) and a real nginx that answers 502,
// reached under public-looking names (127.0.0.1 and localhost are private hosts, never reported):
//  - Chromium: `--host-resolver-rules` maps each name to nginx; every other name resolves as usual.
//  - Firefox: a recording proxy serves the names from nginx (loopback, the crowd service included, goes direct).
// Checked on the service's side: what reached it (its request log) and what it stored (its data files).
// One browser per browser for the whole file; each scenario uses its own host, so no cached read carries over.
// The crowd row's scenario also runs axe-core on the popup and the panel (light, and dark in Chromium) and, in
// Chromium, saves their screenshots (test/e2e/__screenshots__/{popup,panel}-crowd-row-<theme>.png).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BROWSERS, EXTENSION_DIRS, openExtensionPage, poll, shadowText } from './browsers.mjs';
import { startCrowdForTest } from './crowd-service.mjs';
import { grantBrowsingActivity } from './data-collection.mjs';
import { startFailingSite } from './failing-site.mjs';
import { servePublicNames } from './outside-network.mjs';
import { resetBrowser } from './shared-browser.mjs';

/**
 * One public-looking name per scenario and browser, all served by the failing nginx: the browsers share the service,
 * and each has a reporter of its own, so a name reported or seeded in one must not be seen again in the other.
 */
const hostsOf = (name) => {
  const b = name[0]; // short names: the popup's headline names the host, and must fit as a real one would
  return { optedOut: `quiet-${b}.example`, reported: `shop-${b}.example`, seeded: `popular-${b}.example`, later: `later-${b}.example` };
};
const ALL_HOSTS = BROWSERS.flatMap((name) => Object.values(hostsOf(name)));
const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SECRET = 'tok-9f2c41d7';
const POPUP = { width: 390, height: 600 };
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test/e2e/__screenshots__');
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

let crowd;
let site;
let names;

before(async () => {
  crowd = await startCrowdForTest();
  site = await startFailingSite();
  names = await servePublicNames(ALL_HOSTS, site.port, BROWSERS);
});
after(async () => {
  await Promise.all([crowd?.stop(), site?.stop(), names?.stop()]);
});

const launch = (name) => names.launch(name, { extensionDir: EXTENSION_DIRS[name] });

const printable = (violations) => violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);

/** axe-core's violations in an extension page (the popup, the panel preview), its colours as drawn. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof globalThis.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const roots = [document, ...[...document.querySelectorAll('*')].map((el) => el.shadowRoot).filter(Boolean)];
    await Promise.all(roots.flatMap((root) => root.getAnimations()).map((a) => a.finished.catch(() => undefined)));
    return (await globalThis.axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return printable(violations);
}

/**
 * axe-core's violations in the real panel (Chromium): DevTools hands the page its closed shadow root, lent to axe as the
 * host's `shadowRoot` for this one run, and axe checks the panel alone (nginx's own error page is no part of it).
 * Colour contrast axe cannot measure in the real panel (it says "unable to determine"): the panel preview's run checks it.
 */
async function panelViolations(page, cdp) {
  if (!(await page.evaluate(() => typeof globalThis.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const find = (node) =>
    node.shadowRoots?.some((r) => r.shadowRootType === 'closed') ? node : (node.children ?? []).map(find).find(Boolean);
  const host = find(root);
  assert.ok(host, 'the panel host in the page');
  const resolve = async (node) => (await cdp.send('DOM.resolveNode', { backendNodeId: node.backendNodeId })).object.objectId;
  const shadow = host.shadowRoots.find((r) => r.shadowRootType === 'closed');
  const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
    objectId: await resolve(host),
    arguments: [{ objectId: await resolve(shadow) }],
    functionDeclaration: `async function (root) {
      Object.defineProperty(this, 'shadowRoot', { value: root, configurable: true });
      try {
        await Promise.all(root.getAnimations().map((a) => a.finished.catch(() => undefined)));
        const options = { rules: { 'color-contrast': { enabled: false } } };
        const { violations, passes } = await globalThis.axe.run(this, options);
        // A node inside a shadow root has a nested target (the host's selector, then its own): axe did look in.
        return { violations, lookedIn: passes.some((p) => p.nodes.some((n) => n.target.some(Array.isArray))) };
      } finally {
        delete this.shadowRoot;
      }
    }`,
    awaitPromise: true,
    returnByValue: true,
  });
  assert.equal(exceptionDetails, undefined, JSON.stringify(exceptionDetails));
  assert.ok(result.value.lookedIn, 'axe checked the inside of the panel');
  return printable(result.value.violations);
}

/** The themes a browser's driver can switch to: Firefox's (WebDriver BiDi) cannot emulate a colour scheme. */
const themesOf = (browser) => (browser.name === 'chromium' ? ['light', 'dark'] : ['light']);

async function setColorScheme(browser, page, colorScheme) {
  if (browser.name === 'chromium') await page.emulateMedia({ colorScheme });
  const applied = await page.evaluate((c) => matchMedia(`(prefers-color-scheme: ${c})`).matches, colorScheme);
  assert.ok(applied, `prefers-color-scheme: ${colorScheme} in ${browser.name}`);
}

const setChoice = (browser, choice) =>
  browser.extEval((c) => (globalThis.browser ?? globalThis.chrome).storage.local.set({ crowd: c }), choice);

let visits = 0;
/** A tab that fails with nginx's 502 at `url`; resolves once the tab's diagnosis (the automatic one) is done. */
async function failingTab(browser, url) {
  await browser.extEval(() => true); // the worker is up, its listeners added
  visits += 1;
  const page = await browser.openPage(`${url}${url.includes('?') ? '&' : '?'}visit=${visits}`);
  const tabId = await browser.tabIdOf(page);
  await diagnosed(browser, tabId);
  return { page, tabId };
}

/** The tab's incident and its finished diagnosis, as the worker keeps them. */
const diagnosed = (browser, tabId, afterTime = 0) =>
  poll(
    async () => {
      const s = await browser.extEval(
        async (id) => (globalThis.browser ?? globalThis.chrome).storage.session.get([`incident:${id}`, `diagnosis:${id}`]),
        tabId,
      );
      const [incident, d] = [s[`incident:${tabId}`], s[`diagnosis:${tabId}`]];
      return incident?.status === 502 && incident.time > afterTime && d?.done && d.incidentTime === incident.time
        ? { incident, d }
        : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 150, what: `the 502 of tab ${tabId} diagnosed` },
  );

const posts = () => crowd.requestLog().filter((r) => r.method === 'POST');
/** Long enough for a report that was going to be sent (it is decided within milliseconds of the incident). */
const quiet = () => new Promise((r) => setTimeout(r, 1000));

for (const name of BROWSERS) {
  describe(`the crowd in ${name}`, { concurrency: false }, () => {
    const HOSTS = hostsOf(name);
    let browser;
    before(async () => {
      browser = await launch(name);
      await grantBrowsingActivity(browser);
    });
    beforeEach(async () => {
      await resetBrowser(browser);
      crowd.clearLog();
    });
    after(async () => {
      await browser?.close();
    });

    it('opted out: the service gets no request during a 502 and its diagnosis', async () => {
      await setChoice(browser, { optIn: false, serviceUrl: crowd.url });
      const { tabId } = await failingTab(browser, `http://${HOSTS.optedOut}/cart?token=${SECRET}`);
      const { d } = await diagnosed(browser, tabId);
      await quiet();
      assert.deepEqual(crowd.requestLog(), [], 'nothing reached the crowd service');
      assert.equal(
        d.evidence.find((e) => e.check === 'crowd'),
        undefined,
        'no crowd row without the opt-in',
      );
      assert.equal(crowd.reportsFor(HOSTS.optedOut).length, 0);
    });

    it('opted in: exactly one report for the failing host (its key only), none again within 10 minutes', async () => {
      await setChoice(browser, { optIn: true, serviceUrl: crowd.url });
      const { page, tabId } = await failingTab(browser, `http://${HOSTS.reported}/account/orders?token=${SECRET}`);
      await poll(() => (crowd.reportsFor(HOSTS.reported).length === 1 ? true : undefined), {
        timeoutMs: 10_000,
        what: 'the report to be stored',
      });
      const [stored] = crowd.reportsFor(HOSTS.reported);
      assert.equal(stored.kind, 'http5xx');
      assert.equal(posts().length, 1, 'one report sent');
      const body = JSON.parse(posts()[0].body);
      assert.deepEqual(Object.keys(body).sort(), ['hostKey', 'kind', 'reporter', 'status', 'v']);
      for (const text of [HOSTS.reported, 'account/orders', SECRET, '127.0.0.1']) {
        assert.equal(crowd.dataContains(text), false, `the service's data holds no "${text}"`);
        assert.equal(posts()[0].body.includes(text), false, `the report holds no "${text}"`);
      }
      // The diagnosis read the host's bucket by its 3-digit prefix, never the host or its key.
      const reads = crowd.requestLog().filter((r) => r.method === 'GET');
      assert.ok(reads.length >= 1 && reads.every((r) => /^\/v1\/(buckets\/[0-9a-f]{3}|providers)$/.test(r.path)), JSON.stringify(reads));

      // The same host fails again (a new incident) within 10 minutes: no second report.
      const first = await diagnosed(browser, tabId);
      await browser.navigateInPage(page, `http://${HOSTS.reported}/again?visit=${++visits}`);
      await diagnosed(browser, tabId, first.incident.time);
      await quiet();
      assert.equal(posts().length, 1, 'no second report within 10 minutes');
      assert.equal(crowd.reportsFor(HOSTS.reported).length, 1);
    });

    it('with 5 reporters on 3 networks already reporting, the popup shows the crowd row with the count', async () => {
      await setChoice(browser, { optIn: true, serviceUrl: crowd.url });
      await crowd.seed(HOSTS.seeded, 5, 3);
      const { page, tabId } = await failingTab(browser, `http://${HOSTS.seeded}/`);
      const { d } = await diagnosed(browser, tabId);
      const row = d.evidence.find((e) => e.check === 'crowd');
      if (name === 'chromium') {
        // The in-page panel shows the row too (its closed shadow root is read through the DevTools protocol).
        const cdp = await page.context().newCDPSession(page);
        const panel = await poll(
          async () => {
            const text = await shadowText(cdp).catch(() => '');
            return /Downcheck users on/.test(text) ? text : undefined;
          },
          { timeoutMs: 8000, intervalMs: 100, what: 'the crowd row in the panel' },
        );
        assert.match(
          panel,
          // The panel's answer names the site; its crowd line says only the counts, as the popup's does.
          /5\+ Downcheck users on [34] networks see it failing too \(as of (just now|\d+ min ago)\)/,
        );
        await page.setViewportSize({ width: 1280, height: 800 });
        for (const theme of themesOf(browser)) {
          await setColorScheme(browser, page, theme);
          assert.deepEqual(await panelViolations(page, cdp), [], `axe, the panel with the crowd row, ${theme}`);
          await page.screenshot({ path: join(SCREENSHOTS, `panel-crowd-row-${theme}.png`), animations: 'disabled' });
        }
        await cdp.detach();
      }
      assert.equal(row?.outcome.kind, 'listed', JSON.stringify(row));
      assert.equal(row.outcome.weight, 'supports-everyone');
      const popup = await openExtensionPage(browser, '/src/popup/index.html', { tabId, viewport: POPUP, what: 'the popup to draw' });
      try {
        const closedHeight = await popup.evaluate(() => {
          for (const f of document.querySelectorAll('details.fold')) f.open = false;
          const app = document.getElementById('app');
          return Math.ceil(app.getBoundingClientRect().bottom + parseFloat(getComputedStyle(document.body).marginBottom));
        });
        console.log(`popup height with the crowd row, folds closed (${name}): ${closedHeight} px`);
        assert.ok(closedHeight <= POPUP.height, `the popup fits ${POPUP.height} px: ${closedHeight}`);
        // Under the answer, with the folds closed: the crowd's line, with its age, in view.
        const line = await popup.evaluate(() => {
          const el = document.querySelector('[data-testid=crowd-line]');
          return el && { text: el.textContent, bottom: el.getBoundingClientRect().bottom };
        });
        assert.ok(line, 'the crowd line under the answer');
        assert.match(line.text, /^5\+ Downcheck users on [34] networks see it failing too \(as of (just now|\d+ min ago)\)$/);
        assert.ok(line.bottom <= POPUP.height, `the crowd line is in view: ${line.bottom}`);
        // The pictures: the popup as it opens (folds closed), the crowd's line under the answer.
        if (name === 'chromium')
          for (const theme of themesOf(browser)) {
            await setColorScheme(browser, popup, theme);
            await popup.evaluate(() => document.activeElement?.blur());
            await popup.screenshot({ path: join(SCREENSHOTS, `popup-crowd-row-${theme}.png`), fullPage: true, animations: 'disabled' });
          }
        // The row is a line of the evidence, in the "details" fold: open that fold alone, as a visitor would.
        await popup.evaluate(() => (document.querySelector('details[data-fold=details]').open = true));
        const text = await poll(() => popup.evaluate(() => document.querySelector('li[data-check="crowd"]')?.textContent ?? undefined), {
          timeoutMs: 5000,
          what: 'the crowd row in the popup',
        });
        assert.match(text, new RegExp(`Shared reports: 5\\+ Downcheck users on [34] networks see ${escaped(HOSTS.seeded)} failing`));
        assert.match(text, /\(as of (just now|\d+ min ago)\)/);
        const open = await popup.evaluate(() => {
          const app = document.getElementById('app');
          const bottom = (el) => Math.ceil(el.getBoundingClientRect().bottom + scrollY);
          return {
            height: Math.ceil(bottom(app) + parseFloat(getComputedStyle(document.body).marginBottom)),
            row: bottom(document.querySelector('li[data-check="crowd"]')),
          };
        });
        console.log(`popup with the crowd row's fold open (${name}): ${open.height} px tall, the row ends at ${open.row} px`);
        for (const theme of themesOf(browser)) {
          await setColorScheme(browser, popup, theme);
          assert.deepEqual(await axeViolations(popup), [], `axe, the popup with the crowd row, ${theme}`);
        }
      } finally {
        await popup.close().catch(() => undefined);
      }
      // The panel's colours with the row, in both browsers: on the panel preview, whose shadow root is open to axe.
      const preview = await openExtensionPage(browser, '/test-pages/src/panel/preview.html?incident=502&crowd=1', {
        ready: () => document.documentElement.dataset.ready === 'true',
        what: 'the panel preview with the crowd row',
      });
      try {
        const previewRow = await preview.evaluate(
          () => document.querySelector('body > div').shadowRoot.querySelector('[data-testid=panel-crowd]')?.textContent,
        );
        assert.equal(previewRow, '5+ Downcheck users on 3 networks see it failing too (as of just now)');
        for (const theme of themesOf(browser)) {
          await setColorScheme(browser, preview, theme);
          assert.deepEqual(await axeViolations(preview), [], `axe, the panel preview with the crowd row, ${theme}`);
        }
      } finally {
        await preview.close().catch(() => undefined);
      }
    });

    it('a private host (127.0.0.1) is never reported, nor its bucket read', async () => {
      await setChoice(browser, { optIn: true, serviceUrl: crowd.url });
      await failingTab(browser, `http://127.0.0.1:${site.port}/private`);
      await quiet();
      assert.deepEqual(crowd.requestLog(), [], 'nothing reached the crowd service');
    });
  });
}
