// The guide end to end: the in-page panel and the popup, in real browsers with the built
// extension, against the demo site (real nginx, logging node upstreams).
//
//   - a failing page gets the panel (in a closed shadow root), a healthy page gets nothing;
//   - the popup on a failing tab shows the sentence, the verdict and the guide;
//   - "clear this site's cache" makes a cached file come from the server again (the upstream's
//     log proves it) and leaves another site's cache alone;
//   - "retry now" probes while a schedule runs and reloads once the site answers (or at once
//     when no schedule runs);
//   - the support report of a Cloudflare 522 carries the Ray ID and no path or query;
//   - a hostile error page can neither restyle, nor read, nor click the panel;
//   - axe-core finds no violations in the popup and the panel (light and dark);
//   - Chromium saves the store screenshots to test/e2e/__screenshots__/<name>-<theme>.png.
//
// Run: E2E_BROWSERS=chromium node --test --test-reporter=spec test/e2e/guide.e2e.mjs
// (or through `npm run test:e2e`, which builds dist/ first when it is missing).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { useDemoSite } from './demo.mjs';
import { colourAt } from './pixels.mjs';
import { BROWSERS, EXTENSION_DIRS, launchBrowser, openExtensionPage, poll } from './browsers.mjs';
import { useSharedBrowser } from './shared-browser.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test/e2e/__screenshots__');
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const CLOUDFLARE_RAY = '8f1a2b3c4d5e6f70-FRA';
const THEMES = ['light', 'dark'];

/** The English UI strings, read from the build, so assertions follow the wording. */
const MESSAGES = JSON.parse(readFileSync(join(EXTENSION_DIRS.chromium, '_locales/en/messages.json'), 'utf8'));
const msg = (key, ...subs) => {
  const entry = MESSAGES[key];
  assert.ok(entry, `no message "${key}" in the build's en locale`);
  return entry.message.replace(/\$(\d)/g, (_, n) => subs[Number(n) - 1] ?? '');
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const site = useDemoSite();
let visits = 0;

/** A tab on the start page under a URL of its own (for its tab id), then an in-page navigation to `url`. */
async function openTab(browser, url) {
  visits += 1;
  const page = await browser.openPage(`${site.urls.start}?visit=${visits}`);
  const tabId = await browser.tabIdOf(page);
  if (url) await browser.navigateInPage(page, url);
  return { page, tabId };
}

/** A unique URL for `base` (so tabs can be told apart). */
const unique = (base, extra = '') => {
  visits += 1;
  return `${base}${base.includes('?') ? '&' : '?'}visit=${visits}${extra}`;
};

/** Evaluates until the result is truthy; returns it. */
const waitFor = (page, fn, arg, what, timeoutMs = 8000) =>
  poll(
    async () => {
      const value = await page.evaluate(fn, arg);
      return value ? value : undefined;
    },
    { timeoutMs, intervalMs: 100, what },
  );

/**
 * What the page's own scripts see of the panel: its host element only, a child of the root beside
 * <head> and <body> with no name of its own to look for (the hostile page marks its own layers).
 */
const hostInfo = (page) =>
  page.evaluate(() => {
    const hosts = [...document.documentElement.children].filter(
      (el) => el !== document.head && el !== document.body && !el.hasAttribute('data-hostile'),
    );
    const host = hosts[0];
    if (!host) return null;
    const style = getComputedStyle(host);
    const box = host.getBoundingClientRect();
    return {
      count: hosts.length,
      name: host.localName,
      shadowRoot: String(host.shadowRoot),
      display: style.display,
      visibility: style.visibility,
      opacity: style.opacity,
      box: { x: box.x, y: box.y, width: box.width, height: box.height, right: box.right, bottom: box.bottom },
      viewport: { width: innerWidth, height: innerHeight },
      inert: host.inert,
      attributes: [...host.attributes].map((a) => a.name),
      classes: host.classList.length,
      id: host.id,
    };
  });

/** Why a failing tab has no panel, as far as the extension's state tells. */
async function whyNoPanel(browser, tabId) {
  if (!browser || tabId === undefined) return '';
  const state = await browser
    .extEval(async (id) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const tab = await api.tabs.get(id);
      const incident = (await api.storage.session.get(`incident:${id}`))[`incident:${id}`];
      return {
        tabStatus: tab.status,
        url: tab.url,
        incident: incident ? `${incident.kind} ${incident.status ?? incident.netError}` : null,
      };
    }, tabId)
    .catch((error) => ({ error: error.message }));
  const race =
    state.incident && state.tabStatus === 'complete'
      ? ' The incident is recorded and the tab is complete, yet there is no panel. Unless the page defeated the injected script, ' +
        'nothing injected it: injection runs only when the tab reports "complete" (background/incident/observe.ts handleTabChange), and when ' +
        'webRequest reports the error response after that (Firefox does, now and then), record() does not inject.'
      : '';
  return ` Extension state: ${JSON.stringify(state)}.${race}`;
}

const waitForPanel = (page, { browser, tabId, timeoutMs = 8000 } = {}) =>
  poll(async () => (await hostInfo(page)) ?? undefined, { timeoutMs, what: 'the panel host in the page' }).catch(async (error) => {
    throw new Error(`${error.message}: no panel was injected.${await whyNoPanel(browser, tabId)}`);
  });

/** The popup's state once the local checks are done, which is when the guide is ordered by the verdict. */
const finalGuide = (popup) =>
  poll(
    async () => {
      const s = await popupState(popup);
      return s.verdict?.done && s.steps.length ? s : undefined;
    },
    { timeoutMs: 15_000, what: 'the final verdict and the guide in the popup' },
  ).catch(async (error) => {
    throw new Error(`${error.message}: ${JSON.stringify(await popupState(popup))}`);
  });

/** Opens the popup for `tabId` as a page of its own (the full guide); resolves once it has drawn. */
const openPopup = (browser, tabId, { colorScheme } = {}) =>
  openExtensionPage(browser, '/src/popup/index.html', {
    tabId,
    viewport: { width: 420, height: 640 },
    colorScheme,
    what: 'the popup to draw',
  });

/**
 * A real click on `selector` (inside guide step `step`, opened first). The popup redraws
 * everything on each storage change (a probe, a reload), so the element found may be replaced
 * before the click lands: then find it again.
 */
async function click(page, selector, { step } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      if (step) await openStep(page, step); // a redraw folds the step again
      await page.click(selector);
      return;
    } catch (error) {
      if (attempt >= 10 || !/detached|not attached|no node found|not visible|not an element/i.test(String(error?.message))) throw error;
      await sleep(100);
    }
  }
}

/** Opens a guide step (its <details>) the way a visitor does: the guide's fold, then the step's summary. */
async function openStep(page, step) {
  for (let attempt = 0; attempt < 30; attempt += 1) {
    if (await page.evaluate(() => document.querySelector('details[data-fold=guide]')?.open === false)) {
      await page.click('details[data-fold=guide] > summary').catch(() => undefined);
      await sleep(100);
      continue;
    }
    const open = await page.evaluate((s) => document.querySelector(`details[data-step="${s}"]`)?.open, step);
    if (open === undefined) throw new Error(`no guide step "${step}"`);
    if (open) return;
    await page.click(`details[data-step="${step}"] > summary`).catch(() => undefined); // replaced by a redraw: look again
    await sleep(100);
  }
  throw new Error(`guide step "${step}" does not stay open`);
}

/** What the popup shows, for assertions and their messages. */
const popupState = (page) =>
  page.evaluate(() => {
    const guide = document.querySelector('[data-testid=guide]');
    const verdict = document.querySelector('[data-testid=verdict]');
    return {
      sentence: document.querySelector('.explanation')?.textContent ?? null,
      verdict: verdict
        ? {
            kind: verdict.dataset.verdict,
            text: verdict.querySelector('.headline')?.textContent,
            done: verdict.querySelector('.spinner') === null,
          }
        : null,
      steps: guide ? [...guide.querySelectorAll('details[data-step]')].map((d) => d.dataset.step) : [],
      actions: [...document.querySelectorAll('[data-action]')].map((b) => b.dataset.action),
      report: document.querySelector('textarea[data-testid=report]')?.value ?? null,
      healthy: document.querySelector('[data-testid=healthy]') !== null,
    };
  });

const session = (browser) => browser.extEval(async () => (globalThis.browser ?? globalThis.chrome).storage.session.get(null));
const retryRecordFor = async (browser, tabId) =>
  Object.entries(await session(browser))
    .filter(([k]) => k.startsWith('retry:'))
    .map(([, v]) => v)
    .find((r) => r.tabs.includes(tabId));

/** Turns auto-retry off for a host, as the popup's "this site" choice does (storage.local, copied to sync; the newer copy wins). */
const neverRetry = (browser, host) =>
  browser.extEval(async (h) => {
    const api = globalThis.browser ?? globalThis.chrome;
    const settings = { neverRetry: [h], savedAt: Date.now() };
    await api.storage.local.set({ settings });
    await api.storage.sync?.set({ settings }).catch(() => undefined);
  }, host);

const logSince = (since, filter = () => true) => site.log.filter((r) => r.time >= since && filter(r));
const pathOf = (r) => r.path.split('?')[0];
const describeLog = (entries) =>
  entries.map((r) => `${r.method} ${r.host ?? ''}${r.path} dest=${r.dest} → ${r.status ?? '…'}`).join('\n    ');

/** Runs axe-core in the page; returns the violations in a printable form. */
async function axeViolations(page) {
  const loaded = await page.evaluate(() => typeof globalThis.axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await page.evaluate(async () => {
        // Colours are checked as drawn: let entry animations (the panel fades in) finish first.
        const animations = [document, ...[...document.querySelectorAll('*')].map((el) => el.shadowRoot).filter(Boolean)].flatMap((root) =>
          root.getAnimations(),
        );
        await Promise.all(animations.map((a) => a.finished.catch(() => undefined)));
        const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => ({
          rule: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
        }));
      });
    } catch (error) {
      // The popup redraws when storage changes (a retry probe); run again on a settled DOM.
      if (attempt >= 2) throw error;
      await sleep(300);
    }
  }
}

const formatViolations = (violations) =>
  violations
    .map(
      (v) =>
        `  [${v.impact}] ${v.rule}: ${v.help}\n${v.nodes.map((n) => `      ${n.target}\n        ${String(n.summary).replace(/\n/g, '\n        ')}`).join('\n')}`,
    )
    .join('\n');

async function setColorScheme(browser, page, colorScheme) {
  if (browser.name === 'chromium') await page.emulateMedia({ colorScheme });
  else if (colorScheme !== 'light') await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: colorScheme }]);
  const applied = await page.evaluate((c) => matchMedia(`(prefers-color-scheme: ${c})`).matches, colorScheme);
  assert.ok(applied, `prefers-color-scheme: ${colorScheme} could not be emulated in ${browser.name}`);
}

/**
 * Where a real mouse click on one of the panel's buttons lands. The page cannot look into the
 * closed shadow root, but the browser's own protocol can: in Chromium, DevTools' DOM domain with
 * `pierce` finds the button and its box. Firefox has no such protocol here, so only the close
 * button is clicked there, at its place in the panel's layout (top right, inside 1 px border,
 * 12/14 px padding; the button is about 27 × 22 px).
 */
async function panelButtonCenter(browser, page, testId) {
  if (browser.name === 'chromium') {
    const cdp = await browser.context.newCDPSession(page);
    try {
      const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
      const find = (node) => {
        const attrs = node.attributes ?? [];
        for (let i = 0; i < attrs.length; i += 2) if (attrs[i] === 'data-testid' && attrs[i + 1] === testId) return node;
        for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) {
          const found = find(child);
          if (found) return found;
        }
        return undefined;
      };
      const node = find(root);
      assert.ok(node, `no [data-testid=${testId}] in the panel`);
      const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: node.backendNodeId });
      const [x1, y1, , , x3, y3] = model.border;
      return { x: (x1 + x3) / 2, y: (y1 + y3) / 2 };
    } finally {
      await cdp.detach().catch(() => undefined);
    }
  }
  assert.equal(testId, 'panel-close', 'in Firefox only the close button is located (by layout)');
  const info = await hostInfo(page);
  assert.ok(info, 'no panel host to click');
  // Header: 12 px padding less 2 px, a 24 px tall row; the × is about 28 px wide at the right.
  return { x: info.box.right - 1 - 14 - 14, y: info.box.y + 1 + 10 + 12 };
}

/** Panel texts a page must never be able to read. */
const panelTexts = (incidentSentence) => [
  incidentSentence,
  msg('retry_now'),
  msg('panel_full_guide'),
  msg('panel_hide_site'),
  msg('panel_close'),
];

for (const name of BROWSERS) {
  describe(`${name}: guide`, () => {
    before(() => {
      assert.ok(EXTENSION_DIRS[name], `unknown browser "${name}" in E2E_BROWSERS (chromium, firefox)`);
      if (name === 'chromium') mkdirSync(SCREENSHOTS, { recursive: true });
    });

    describe('failing and healthy tabs (one browser)', () => {
      let browser;
      const tabs = {};
      before(async () => {
        browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name] });
      });
      after(async () => {
        await browser?.close();
      });

      it('a 502 and a Cloudflare 522 get the panel in a closed shadow root; a healthy page gets nothing', { timeout: 60_000 }, async () => {
        tabs.badGateway = await openTab(browser, unique(site.urls.badGateway));
        tabs.cloudflare522 = await openTab(browser, unique(site.urls.cloudflare522));
        // The whole site behind the gateway is down (root included), with a path and query that must not leak into the report.
        tabs.cloudflareSite = await openTab(browser, unique(`${site.urls.cloudflareSite}account/orders?order=4711`, '&token=s3cr3t'));
        tabs.healthy = await openTab(browser, unique(site.urls.healthy));

        const marks = [];
        for (const which of ['badGateway', 'cloudflare522', 'cloudflareSite']) {
          const info = await waitForPanel(tabs[which].page, { browser, tabId: tabs[which].tabId });
          assert.equal(info.count, 1, `${which}: one panel`);
          assert.equal(info.shadowRoot, 'null', `${which}: the page's scripts must see host.shadowRoot === null`);
          assert.ok(info.box.width > 0 && info.box.height > 0, `${which}: the panel has a box: ${JSON.stringify(info)}`);
          // Nothing fixed a site could look for to tell that Downcheck is installed: a plain div, no id, class
          // or inline style, and beside popover one attribute whose name is new for every panel.
          assert.equal(info.name, 'div', `${which}: the host is a plain div`);
          assert.ok(info.id === '' && info.classes === 0, `${which}: no id, no class: ${JSON.stringify(info)}`);
          assert.ok(!info.attributes.includes('style'), `${which}: no inline style: ${info.attributes}`);
          const own = info.attributes.filter((a) => a !== 'popover');
          assert.equal(own.length, 1, `${which}: one attribute of its own: ${info.attributes}`);
          marks.push(own[0]);
        }
        assert.equal(new Set(marks).size, marks.length, `each panel has a mark of its own: ${marks}`);

        const healthy = tabs.healthy.page;
        await waitFor(healthy, () => document.readyState === 'complete', undefined, 'the healthy page to load');
        await sleep(1000);
        const found = await healthy.evaluate(() => ({
          panels: [...document.documentElement.children].filter((el) => el !== document.head && el !== document.body).length,
          mutations: window.__mutations,
          log: window.__mutationLog,
        }));
        assert.equal(found.panels, 0, 'a healthy page gets no panel');
        assert.equal(found.mutations, 0, `nothing was injected into the healthy page: ${JSON.stringify(found.log)}`);
        // The panel's script is injected, not web-accessible: a page that could load it would know Downcheck is installed.
        for (const file of ['/src/panel/inject.js']) {
          const probe = await healthy.evaluate(async (url) => {
            try {
              return `loaded (HTTP ${(await fetch(url)).status})`;
            } catch {
              return 'refused';
            }
          }, browser.extensionUrl(file));
          assert.equal(probe, 'refused', `a web page fetching ${file}`);
        }
      });

      it(
        'the popup on a failing tab shows the sentence, the verdict (local checks, no consent) and the guide',
        { timeout: 30_000 },
        async () => {
          assert.ok(tabs.cloudflare522, 'needs the tabs of the first test');
          const popup = await openPopup(browser, tabs.cloudflare522.tabId);
          const state = await finalGuide(popup);
          assert.equal(state.sentence, msg('fault_cf_522'), 'the one-sentence explanation of a Cloudflare 522');
          assert.ok(state.verdict.kind && state.verdict.text, `a verdict with words: ${JSON.stringify(state.verdict)}`);
          assert.ok(state.steps.length >= 2, `guide steps: ${state.steps}`);
          // "Retry now" is the answer's one action; the guide does not repeat it.
          assert.ok(state.actions.includes('retry_now'), `a one-click "retry now": ${state.actions}`);
          assert.equal(state.actions.filter((a) => a === 'retry_now' || a === 'retry-now').length, 1, `"retry now" once: ${state.actions}`);
          assert.ok(
            !state.steps.includes('retry') && !state.steps.includes('wait'),
            `the guide leaves retrying to the answer's action: ${state.steps}`,
          );
          const consentAsked = await popup.evaluate(
            () => document.querySelector('[data-testid=private-host], [data-testid=consent]')?.dataset.testid ?? null,
          );
          assert.equal(
            consentAsked,
            'private-host',
            'a local site: the outside checks are not offered, the local verdict needs no consent',
          );
          await popup.close();
        },
      );

      it(
        'the support report of a Cloudflare 522 has the Ray ID and no path or query of the failing page',
        { timeout: 30_000 },
        async () => {
          assert.ok(tabs.cloudflareSite, 'needs the tabs of the first test');
          const popup = await openPopup(browser, tabs.cloudflareSite.tabId);
          const state = await finalGuide(popup);
          assert.ok(
            state.steps.includes('contact'),
            `the guide has no "${msg('step_contact_title')}" step, so no report to send: the verdict is ${JSON.stringify(state.verdict)}, ` +
              `steps: ${state.steps.join(', ')}`,
          );
          await openStep(popup, 'contact');
          const report = await popup.evaluate(
            () => document.querySelector('details[data-step=contact] textarea[data-testid=report]')?.value,
          );
          assert.ok(report, 'the contact step holds the report');
          assert.ok(report.includes(CLOUDFLARE_RAY), `the report names the Ray ID ${CLOUDFLARE_RAY}:\n${report}`);
          const failing = new URL(tabs.cloudflareSite.page.url());
          for (const secret of [failing.pathname, failing.search, 'account', 'orders', '4711', 's3cr3t', 'token']) {
            assert.ok(!report.includes(secret), `the report must not contain "${secret}" from ${failing.href}:\n${report}`);
          }
          await popup.close();
        },
      );

      it(
        'axe-core: no violations in the popup (failing tab, all steps open; healthy tab) in light and dark',
        { timeout: 60_000 },
        async () => {
          assert.ok(tabs.cloudflareSite && tabs.healthy, 'needs the tabs of the first test');
          const problems = [];
          for (const [label, tab, expand] of [
            ['popup, failing tab (522)', tabs.cloudflareSite, false],
            ['popup, failing tab (522), every step and fold open', tabs.cloudflareSite, true],
            ['popup, healthy tab', tabs.healthy, false],
          ]) {
            const popup = await openPopup(browser, tab.tabId);
            await waitFor(
              popup,
              () => document.querySelector('[data-testid=guide], [data-testid=healthy]') !== null,
              undefined,
              'the popup content',
            ).catch(async (error) => {
              throw new Error(`${error.message} (${label}): ${JSON.stringify(await popupState(popup))}`);
            });
            for (const theme of browser.name === 'chromium' || (await canEmulateDark(popup)) ? THEMES : ['light']) {
              await setColorScheme(browser, popup, theme);
              if (expand) await popup.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
              const violations = await axeViolations(popup);
              if (violations.length) problems.push(`${label}, ${theme}:\n${formatViolations(violations)}`);
            }
            await popup.close();
          }
          assert.equal(problems.length, 0, `axe-core violations:\n${problems.join('\n')}`);
        },
      );

      it('axe-core: no violations in the panel preview (522, 502, POST) in light and dark', { timeout: 60_000 }, async () => {
        const problems = [];
        const page = await browser.openPage();
        for (const incident of ['522', '502', 'post']) {
          const url = browser.extensionUrl(`/test-pages/src/panel/preview.html?incident=${incident}`);
          if (browser.name === 'chromium') await page.goto(url);
          else page.goto(url).catch(() => undefined);
          await waitFor(
            page,
            (u) => location.href === u && document.documentElement.dataset.ready === 'true',
            url,
            `the panel preview (${incident})`,
          );
          for (const theme of browser.name === 'chromium' || (await canEmulateDark(page)) ? THEMES : ['light']) {
            await setColorScheme(browser, page, theme);
            const violations = await axeViolations(page);
            if (violations.length) problems.push(`panel preview ${incident}, ${theme}:\n${formatViolations(violations)}`);
          }
        }
        await page.close();
        assert.equal(problems.length, 0, `axe-core violations:\n${problems.join('\n')}`);
      });

      if (name === 'chromium') {
        it('screenshots of the popup and the panel, light and dark', { timeout: 60_000 }, async () => {
          assert.ok(tabs.cloudflareSite && tabs.healthy, 'needs the tabs of the first test');
          const saved = [];
          for (const theme of THEMES) {
            for (const [shot, tab] of [
              ['popup-522', tabs.cloudflareSite],
              ['popup-healthy', tabs.healthy],
            ]) {
              const popup = await openPopup(browser, tab.tabId, { colorScheme: theme });
              await waitFor(
                popup,
                () =>
                  document.querySelector('[data-testid=guide], [data-testid=healthy]') !== null &&
                  document.querySelector('[data-testid=verdict] .spinner') === null,
                undefined,
                'the popup content, checks done',
              );
              await popup.evaluate(() => document.fonts.ready.then(() => undefined));
              const path = join(SCREENSHOTS, `${shot}-${theme}.png`);
              await popup.screenshot({ path, fullPage: true, animations: 'disabled' });
              saved.push(path);
              await popup.close();
            }

            // The real panel on the real 522 error page (the screenshot sees into the closed root).
            const errorPage = tabs.cloudflareSite.page;
            await errorPage.setViewportSize({ width: 1280, height: 800 });
            await errorPage.emulateMedia({ colorScheme: theme });
            await waitForPanel(errorPage, { browser, tabId: tabs.cloudflareSite.tabId });
            await sleep(400); // the entry animation (0.18 s), where motion is allowed
            let path = join(SCREENSHOTS, `panel-522-page-${theme}.png`);
            await errorPage.screenshot({ path, animations: 'disabled' });
            saved.push(path);

            const preview = await browser.openPage();
            await preview.setViewportSize({ width: 1280, height: 800 });
            await preview.emulateMedia({ colorScheme: theme });
            await preview.goto(browser.extensionUrl('/test-pages/src/panel/preview.html?incident=522'));
            await waitFor(preview, () => document.documentElement.dataset.ready === 'true', undefined, 'the panel preview');
            await sleep(400);
            path = join(SCREENSHOTS, `panel-preview-522-${theme}.png`);
            await preview.screenshot({ path, animations: 'disabled' });
            saved.push(path);
            await preview.close();
          }
          console.log(`screenshots:\n  ${saved.join('\n  ')}`);
        });
      }
    });

    // One browser, its tabs, schedules and alarms cleared before each. The cache clearing runs first: it
    // needs the HTTP cache as a new profile has it.
    describe('the guide\'s actions: clearing the cache, refused and granted, and "retry now" (one browser)', () => {
      const shared = useSharedBrowser(name);
      const inSharedBrowser = (scenario) => scenario(shared());
      // "Clear this site's cache" is granted browsingData in its click: taken back, so each scenario starts as installed.
      beforeEach(async () => {
        await shared().extEval(() => (globalThis.browser ?? globalThis.chrome).permissions.remove({ permissions: ['browsingData'] }));
      });

      it(
        '"clear this site\'s cache": the cached file comes from the server again; another site\'s cache is untouched',
        { timeout: 90_000 },
        () =>
          inSharedBrowser(async (browser) => {
            const cachedJs = (host) => (r) => pathOf(r) === '/cached.js' && r.host === host;
            const cached2Js = (host) => (r) => pathOf(r) === '/cached-2.js' && r.host === host;
            const here = new URL(site.origin).host;
            const other = new URL(site.otherOrigin).host;
            const { page, tabId } = await openTab(browser);
            const visit = async (url, what) => {
              await browser.navigateInPage(page, url);
              await waitFor(page, (u) => location.href === u && document.readyState === 'complete', url, what);
            };
            const start = Date.now();

            // Another site (localhost, same server) caches its /cached-2.js; this site caches /cached-2.js and /cached.js.
            await visit(unique(site.urls.otherSiteCachedPage), "the other site's page");
            await visit(unique(site.urls.cachedPage), "this site's cached page");
            await visit(unique(site.urls.cachedFail), 'the failing page');
            const failingUrl = unique(site.urls.cachedFail);
            await visit(failingUrl, 'the failing page, again');
            await sleep(300);
            const setup = logSince(start);
            assert.equal(setup.filter(cached2Js(other)).length, 1, `the other site fetched its file once:\n    ${describeLog(setup)}`);
            assert.equal(setup.filter(cached2Js(here)).length, 1, `this site's page fetched its file once:\n    ${describeLog(setup)}`);
            assert.equal(
              setup.filter(cachedJs(here)).length,
              1,
              `the failing page's file was fetched once and then came from the cache:\n    ${describeLog(setup)}`,
            );

            // The popup's guide, for the failing tab: clear this site's cache.
            const popup = await openPopup(browser, tabId);
            await poll(async () => ((await popupState(popup)).actions.includes('clear-cache') ? true : undefined), {
              what: 'the clear-cache action',
            });
            await openStep(popup, 'clear-cache');
            // The result line is drawn once; the popup redraws on every storage change (the reload makes
            // one), so watch for it rather than expect it to stay.
            await popup.evaluate(() => {
              window.__statuses = [];
              const app = document.getElementById('app');
              new MutationObserver((records) => {
                for (const r of records) {
                  const el = r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement;
                  const text = el?.closest('.action-status') ? el.textContent : '';
                  if (text && !window.__statuses.includes(text)) window.__statuses.push(text);
                }
              }).observe(app, { subtree: true, childList: true, characterData: true });
            });
            // browsingData is optional: not held before the click, asked for in it (the real request path).
            const holdsBrowsingData = () =>
              popup.evaluate(() => (globalThis.browser ?? globalThis.chrome).permissions.contains({ permissions: ['browsingData'] }));
            assert.equal(await holdsBrowsingData(), false, 'browsingData is not granted at install');
            const clicked = Date.now();
            await click(popup, 'details[data-step=clear-cache] [data-action=clear-cache]', { step: 'clear-cache' });
            const [status] = await waitFor(popup, () => window.__statuses.length && window.__statuses, undefined, "the action's result");
            assert.equal(await holdsBrowsingData(), true, 'granted in the click');
            // Chromium clears the HTTP cache for this origin only; Firefox can clear its HTTP cache only
            // for all sites at once, so it leaves the cache and reloads bypassing it (and says so).
            assert.equal(status, msg(browser.name === 'chromium' ? 'action_cleared' : 'action_cleared_firefox'));

            // The failing page was reloaded, and its cached file came from the server again.
            const reload = await poll(
              () => {
                const entries = logSince(clicked);
                const doc = entries.find(
                  (r) => r.path === new URL(failingUrl).pathname + new URL(failingUrl).search && r.dest === 'document',
                );
                const js = entries.find(cachedJs(here));
                return doc && js ? { doc, js } : undefined;
              },
              { timeoutMs: 10_000, what: 'the reload and the refetched /cached.js' },
            ).catch((error) => {
              throw new Error(`${error.message}; since the click:\n    ${describeLog(logSince(clicked))}`);
            });
            assert.ok(reload.js.time >= reload.doc.time, 'the file was fetched by the reloaded page');
            await popup.close();

            // This site's other page, in a new tab: in Chromium its file was cleared from the HTTP cache
            // too (it is fetched again); Firefox's reload bypassed the cache for the failing page only,
            // so it still has it. A new tab, because Chromium's origin-filtered clearing leaves the
            // renderer's in-memory cache alone: in the same tab, the page would still get its file
            // without asking the network (see the report for this test).
            const afterClear = Date.now();
            const fresh = await openTab(browser);
            const visitFresh = async (url, what) => {
              await browser.navigateInPage(fresh.page, url);
              await waitFor(fresh.page, (u) => location.href === u && document.readyState === 'complete', url, what);
            };
            await visitFresh(unique(site.urls.cachedPage), "this site's cached page, after clearing");
            // And the other site still has its file: nothing is fetched.
            await visitFresh(unique(site.urls.otherSiteCachedPage), "the other site's page, after clearing");
            await sleep(300);
            const later = logSince(afterClear);
            assert.equal(later.filter(cached2Js(other)).length, 0, `another site's cache must be left alone:\n    ${describeLog(later)}`);
            if (browser.name === 'chromium') {
              assert.equal(
                later.filter(cached2Js(here)).length,
                1,
                `this site's whole cache was cleared, not only the failing page's files:\n    ${describeLog(later)}`,
              );
            } else {
              assert.equal(
                later.filter(cached2Js(here)).length,
                0,
                `Firefox: only a cache-bypassing reload (the HTTP cache cannot be cleared per site):\n    ${describeLog(later)}`,
              );
            }
          }),
      );

      it(
        '"clear this site\'s cache" without the browser\'s permission (a click that is no user action): nothing cleared, nothing reloaded, and it says so',
        { timeout: 90_000 },
        () =>
          inSharedBrowser(async (browser) => {
            const { page, tabId } = await openTab(browser);
            const failingUrl = unique(site.urls.cachedFail);
            await browser.navigateInPage(page, failingUrl);
            await waitFor(page, (u) => location.href === u && document.readyState === 'complete', failingUrl, 'the failing page');
            const popup = await openPopup(browser, tabId);
            await poll(async () => ((await popupState(popup)).actions.includes('clear-cache') ? true : undefined), {
              what: 'the clear-cache action',
            });
            await openStep(popup, 'clear-cache');
            // Both browsers show a permission prompt only in a user action. The click is a script's, sent once
            // the activation of the real clicks above (and of the test's own evaluate, in Chromium) has expired
            // (5 s there): the browser then refuses, as it does for a visitor's "no".
            await popup.evaluate(() =>
              setTimeout(
                () =>
                  document.querySelector('details[data-step=clear-cache] [data-action=clear-cache]').dispatchEvent(new MouseEvent('click')),
                6000,
              ),
            );
            // Nothing evaluated in the popup meanwhile: every evaluate gives Chromium's page a new activation.
            const clicked = Date.now();
            await sleep(7000);
            await waitFor(
              popup,
              (text) => document.querySelector('[data-step-status=clear-cache]')?.textContent === text,
              msg('action_clear_refused'),
              'the refusal said',
              10_000,
            ).catch(async (error) => {
              const said = await popup.evaluate(() => document.querySelector('[data-step-status=clear-cache]')?.textContent);
              throw new Error(`${error.message}; the step says: ${said}`);
            });
            assert.equal(
              await popup.evaluate(() => (globalThis.browser ?? globalThis.chrome).permissions.contains({ permissions: ['browsingData'] })),
              false,
            );
            await sleep(1000);
            const path = new URL(failingUrl).pathname + new URL(failingUrl).search;
            assert.deepEqual(
              logSince(clicked).filter((r) => r.path === path && r.dest === 'document'), // auto-retry's probes may come
              [],
              `the page was not reloaded:\n    ${describeLog(logSince(clicked))}`,
            );
          }),
      );

      it(
        '"retry now": probes while a schedule runs, reloads when the site answers, reloads at once without a schedule',
        { timeout: 90_000 },
        () =>
          inSharedBrowser(async (browser) => {
            const arm = async (ms) => assert.equal((await fetch(`${site.urls.flakyControl}?fail_for_ms=${ms}`)).status, 200);
            const flaky = (since) => logSince(since, (r) => r.upstream === 'flaky' && !r.path.startsWith('/__control'));
            await arm(120_000);
            const url = unique(site.urls.flaky);
            const { page, tabId } = await openTab(browser, url);
            await poll(async () => (await retryRecordFor(browser, tabId)) ?? undefined, { what: 'an auto-retry schedule for the tab' });
            const popup = await openPopup(browser, tabId);
            const retryButton = '[data-testid=retry] [data-action=retry_now]';

            // 1. Still failing, with a schedule: "retry now" probes at once, and does not reload the page.
            let since = Date.now();
            const probesBefore = (await retryRecordFor(browser, tabId)).probes;
            await click(popup, retryButton);
            await poll(async () => ((await retryRecordFor(browser, tabId))?.probes > probesBefore ? true : undefined), {
              what: 'a probe after "retry now"',
            });
            await sleep(700);
            let requests = flaky(since);
            assert.ok(
              requests.some((r) => r.dest === 'empty'),
              `a probe reached the server:\n    ${describeLog(requests)}`,
            );
            assert.equal(
              requests.filter((r) => r.dest === 'document').length,
              0,
              `no page load while the site still fails:\n    ${describeLog(requests)}`,
            );

            // 2. The site is back: "retry now" probes, and on success reloads the page. Start away from
            // the next scheduled probe, so the one that succeeds is the visitor's.
            const record = await retryRecordFor(browser, tabId);
            if (record.schedule.nextAt - Date.now() < 1500) {
              await poll(async () => ((await retryRecordFor(browser, tabId))?.probes > record.probes ? true : undefined), {
                what: 'the scheduled probe to pass',
              });
            }
            await arm(0);
            since = Date.now();
            await click(popup, retryButton);
            await waitFor(
              page,
              () => document.querySelector('h1')?.textContent === 'Back online',
              undefined,
              'the page to come back',
              10_000,
            );
            requests = flaky(since);
            const firstProbe = requests.find((r) => r.dest === 'empty');
            const load = requests.find((r) => r.dest === 'document');
            assert.ok(firstProbe && load && firstProbe.time <= load.time, `probe first, then one page load:\n    ${describeLog(requests)}`);
            assert.equal(load.status, 200);
            assert.equal(load.path, new URL(url).pathname + new URL(url).search, 'the failing page itself was loaded again');

            // 3. Without a schedule (the visitor pressed Stop), "retry now" reloads at once, even while failing.
            await arm(120_000);
            const url2 = unique(site.urls.flaky);
            await browser.navigateInPage(page, url2);
            await poll(async () => (await retryRecordFor(browser, tabId)) ?? undefined, { what: 'a new schedule' });
            await popup.close();
            const popup2 = await openPopup(browser, tabId);
            await click(popup2, '[data-action=retry_stop]');
            await poll(async () => ((await retryRecordFor(browser, tabId)) ? undefined : true), {
              what: 'the schedule to stop for the tab',
            });
            await waitFor(
              popup2,
              () => document.querySelector('[data-testid=retry].retry-off [data-action=retry_now]') !== null,
              undefined,
              'the redrawn retry control',
            ).catch(async (error) => {
              throw new Error(`${error.message}: ${JSON.stringify(await popupState(popup2))}`);
            });
            since = Date.now();
            await click(popup2, retryButton);
            const reloaded = await poll(() => flaky(since).find((r) => r.dest === 'document'), {
              what: 'a page load after "retry now"',
            }).catch((error) => {
              throw new Error(`${error.message}:\n    ${describeLog(flaky(since))}`);
            });
            assert.equal(reloaded.status, 502, 'the page was reloaded (and still fails)');
            assert.equal(reloaded.path, new URL(url2).pathname + new URL(url2).search);
            assert.equal(
              flaky(since).filter((r) => r.dest === 'empty' && r.time < reloaded.time).length,
              0,
              'no probe first: there was no schedule',
            );
            await popup2.close();
          }),
      );
    });

    // Harder attacks, all handled: `inert` on the host and an overlay appended after it (the panel
    // strips foreign attributes and moves itself back to the end), a page that defined the old
    // element name first (the host is a plain div), a page that blanks its root (shown again).
    describe('harder hostile pages', () => {
      let browser;
      before(async () => {
        browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name] });
        await neverRetry(browser, '127.0.0.1');
      });
      after(async () => {
        await browser?.close();
      });
      const inThisBrowser = (scenario) => scenario(browser);

      it('a hostile error page can neither restyle, nor read, nor click the panel; a real click still works', { timeout: 90_000 }, () =>
        inThisBrowser(async (browser) => {
          // Auto-retry off for the site: then "retry now" reloads at once, and any page load the
          // server sees comes from a click that reached the panel (synthetic clicks must not).
          await neverRetry(browser, '127.0.0.1');
          const url = unique(site.urls.hostile);
          // Page loads only: the one automatic diagnosis re-probe of the failing page (a fetch,
          // `dest=empty`) is not a retry; it is counted apart below.
          const hostileLoads = (since) => logSince(since, (r) => pathOf(r) === '/hostile' && r.dest !== 'empty');
          const hostileProbes = (since) => logSince(since, (r) => pathOf(r) === '/hostile' && r.dest === 'empty');
          const start = Date.now();
          const { page, tabId } = await openTab(browser, url);
          await waitForPanel(page, { browser, tabId, timeoutMs: 10_000 });
          await waitFor(
            page,
            () => window.__hostile?.done,
            undefined,
            'the hostile page to finish its attacks (they start once the panel appears)',
            15_000,
          ).catch(async (error) => {
            throw new Error(`${error.message}; host now: ${JSON.stringify(await hostInfo(page))}`);
          });
          const seen = await page.evaluate(() => window.__hostile);
          const info = await hostInfo(page);

          // Restyled, hidden through its style attribute, removed: still there, and visible.
          assert.ok(
            seen.rounds === 3 && seen.hostsFound === 3 && seen.removals === 3 && seen.restyles === 6,
            `the page ran its attacks: ${JSON.stringify({ ...seen, texts: undefined })}`,
          );
          assert.ok(info, 'the panel host is back in the page after being removed');
          assert.equal(info.count, 1, 'one panel');
          assert.equal(info.display, 'block', `display: ${JSON.stringify(info)}`);
          assert.equal(info.visibility, 'visible');
          assert.equal(info.opacity, '1');
          assert.ok(info.box.width > 100 && info.box.height > 50, `the panel has a real box: ${JSON.stringify(info.box)}`);
          assert.ok(
            info.box.right <= info.viewport.width && info.box.bottom <= info.viewport.height && info.box.x >= 0 && info.box.y >= 0,
            `inside the viewport: ${JSON.stringify(info)}`,
          );

          // Unreadable: no shadow root for the page (not even through its patched attachShadow), no panel text anywhere it can look.
          assert.deepEqual([...new Set(seen.shadowRoots)], ['host.shadowRoot=null'], 'the page never saw a shadow root');
          assert.deepEqual(
            [...new Set(seen.errors)],
            ['attachShadow: NotSupportedError'],
            'the page cannot attach its own root to the host',
          );
          assert.equal(
            seen.patchedAttachShadowCalls,
            seen.hostsFound,
            "the extension's attachShadow did not go through the page's patched one",
          );
          assert.equal(seen.isolatedGlobal, 'undefined', "the panel script's globals are not the page's");
          const sentence = msg('fault_gateway_502', 'nginx');
          const nowText = await page.evaluate(() => [
            document.documentElement.innerText,
            document.documentElement.textContent,
            document.documentElement.outerHTML,
          ]);
          for (const text of panelTexts(sentence)) {
            for (const [i, read] of [...seen.texts, ...nowText].entries())
              assert.ok(!read.includes(text), `the page read "${text}" (text #${i})`);
          }

          // Synthetic clicks and keys reached nothing: the panel is open, no reload, no probe.
          assert.ok(seen.syntheticEvents > 50, `synthetic events fired: ${seen.syntheticEvents}`);
          let loads = hostileLoads(start);
          assert.equal(loads.length, 1, `only the original page load; synthetic clicks must not retry:\n    ${describeLog(loads)}`);
          assert.ok(
            hostileProbes(start).length <= 1,
            `at most the automatic diagnosis re-probe:\n    ${describeLog(hostileProbes(start))}`,
          );

          // A real click reaches it.
          if (browser.name === 'chromium') {
            const retry = await panelButtonCenter(browser, page, 'panel-retry-now');
            const clicked = Date.now();
            await page.mouse.click(retry.x, retry.y);
            const reload = await poll(() => hostileLoads(clicked).find((r) => r.dest === 'document'), {
              what: 'a reload after a real click on "Retry now"',
            });
            assert.equal(reload.path, new URL(url).pathname + new URL(url).search);
            await waitFor(page, () => window.__hostile?.done, undefined, "the reloaded page's attacks", 15_000);
          }
          const close = await panelButtonCenter(browser, page, 'panel-close');
          await page.mouse.click(close.x, close.y);
          await poll(async () => ((await hostInfo(page)) === null ? true : undefined), { what: 'the panel to close after a real click' });
          await sleep(1000);
          assert.equal(await hostInfo(page), null, 'closed by the visitor: it stays closed');
          loads = hostileLoads(start);
          // Auto-retry is off for the site: the only fetches are the automatic diagnosis re-probes, one per failed load.
          const probes = hostileProbes(start);
          assert.ok(
            probes.length <= loads.length,
            `no retry probe (auto-retry is off for the site):\n    ${describeLog([...loads, ...probes])}`,
          );
        }),
      );

      const cases = [
        // The page's constructor would take the shadow root of <downcheck-panel>: the panel's host is a plain div.
        'custom-element',
        'inert',
        'overlay',
        // `html { display: none }`: the panel shows the root again (inline !important) while it is open.
        'hide-root',
        // `all: unset !important; display: none !important` inline on every element every 100 ms: the
        // user-origin style sheet (scripting.insertCSS, origin USER) out-ranks it, for the host and the root.
        'unset-loop',
        // A viewport-covering layer put last in the document every 100 ms: the panel is in the top layer (popover).
        'overlay-loop',
        // attachInternals() in the constructor of the old fixed name, of the host's own name and of an `is=` built-in.
        'internals',
      ];
      for (const extra of cases) {
        it(`${extra}: the panel stays visible and a real click on its close button works`, { timeout: 30_000 }, async () => {
          const { page, tabId } = await openTab(browser, unique(`${site.urls.hostile}?extra=${extra}`));
          const info = await waitForPanel(page, { browser, tabId, timeoutMs: 5000 });
          await waitFor(page, () => window.__hostile?.done, undefined, 'the attacks', 15_000);
          const report = await page.evaluate(() => ({
            hostsFound: window.__hostile.hostsFound,
            customElement: window.__hostile.customElement,
          }));
          assert.ok(report.hostsFound > 0, `the attacks reached the panel host: ${JSON.stringify(report)}`);
          if (extra === 'custom-element')
            assert.equal(report.customElement.constructed, 0, `the page's element never ran on the panel: ${JSON.stringify(report)}`);
          if (extra === 'internals') {
            const internals = await page.evaluate(() => window.__hostile.internals);
            assert.ok(internals.tries > 0, `the page tried its takeovers on the host: ${JSON.stringify(internals)}`);
            assert.equal(internals.opened, 0, `no ElementInternals handed out the panel's root: ${JSON.stringify(internals)}`);
          }
          if (extra.endsWith('-loop')) await sleep(2500); // long enough for the panel's own bounded restores to run out
          const now = await hostInfo(page);
          assert.ok(
            now && now.box.width > 100 && now.box.height > 50 && now.display !== 'none',
            `the panel is visible: ${JSON.stringify(now ?? info)}`,
          );
          assert.ok(now.visibility === 'visible' && now.opacity === '1', `the panel is visible: ${JSON.stringify(now)}`);
          const loops = await page.evaluate(() => ({
            unset: window.__hostile.unsetLoops,
            overlay: window.__hostile.overlayLoops,
            root: getComputedStyle(document.documentElement).display,
          }));
          if (extra === 'unset-loop')
            assert.ok(loops.unset > 20 && loops.root !== 'none', `the page kept hiding everything: ${JSON.stringify(loops)}`);
          if (extra === 'overlay-loop') assert.ok(loops.overlay > 20, `the page kept covering the viewport: ${JSON.stringify(loops)}`);
          const close = await panelButtonCenter(browser, page, 'panel-close');
          await page.mouse.click(close.x, close.y);
          await poll(async () => ((await hostInfo(page)) === null ? true : undefined), {
            timeoutMs: 2000,
            what: 'a real click on close to close the panel',
          });
          const coverClicks = await page.evaluate(() => window.__hostile.overlayTrustedClicks ?? 0);
          assert.equal(coverClicks, 0, 'the click reached the panel, not the layer the page put over it');
          await page.close();
        });
      }

      // A layer the page opens in the top layer after the panel, drawn over it with `pointer-events:
      // none`: the visitor sees the decoy while a real click lands on the panel below it.
      const decoys = [
        // Re-raised above the decoy, which the page sees with elementFromPoint once the decoy takes pointer events.
        { extra: 'popover-decoy', onTop: true },
        { extra: 'dialog-decoy', onTop: true },
        // Re-opened every 50 ms with every toggle event swallowed: the panel cannot stay above it.
        { extra: 'popover-decoy,decoy-loop', onTop: false },
        // The same from inside a closed shadow root of the page's: the panel looks in there too.
        { extra: 'popover-decoy,decoy-loop,decoy-in-shadow', onTop: false },
      ];
      for (const { extra, onTop } of decoys) {
        it(
          `${extra}: ${onTop ? 'the panel is raised above it, and ' : ''}a real click through it does not act`,
          { timeout: 40_000 },
          async () => {
            const { page, tabId } = await openTab(browser, unique(`${site.urls.hostile}?extra=${extra}`));
            // A tab in the background is not painted (Firefox then screenshots what it drew last).
            await page.bringToFront();
            await waitForPanel(page, { browser, tabId, timeoutMs: 5000 });
            await waitFor(page, () => window.__hostile?.done && window.__hostile.decoy.opened > 0, undefined, 'the decoy', 15_000);
            await sleep(1500); // the panel's slowest way back on top is its one-second check
            const before = await hostInfo(page);
            assert.ok(before, 'the panel is there');
            if (onTop) {
              // What the visitor sees: the panel's own background at its left padding, not the decoy's
              // magenta, nor the page's grey (which would mean the panel is not drawn at all).
              assert.equal(await page.evaluate(() => document.visibilityState), 'visible', 'the tab is in front');
              const seen = await colourAt(page, before.box.x + 6, before.box.y + before.box.height / 2);
              const magenta = seen[0] > 200 && seen[1] < 80 && seen[2] > 200;
              const grey = seen.every((c) => Math.abs(c - 40) < 12);
              assert.ok(!magenta && !grey, `the panel is drawn over the decoy: rgb(${seen})`);
            }
            if (onTop && extra === 'popover-decoy') {
              // What a real pointer would hit at the panel's middle if the decoy took pointer events (under a
              // modal dialog the panel is inert, and hit testing passes it by: the dialog case checks pixels only).
              const top = await page.evaluate(
                ({ x, y }) => {
                  const decoy = window.__decoy;
                  decoy.style.setProperty('pointer-events', 'auto', 'important');
                  const hit = document.elementFromPoint(x, y);
                  decoy.style.setProperty('pointer-events', 'none', 'important');
                  if (hit === decoy) return 'the decoy';
                  return hit?.parentElement === document.documentElement && !hit.hasAttribute('data-hostile')
                    ? 'the panel'
                    : hit?.localName;
                },
                { x: before.box.x + before.box.width / 2, y: before.box.y + before.box.height / 2 },
              );
              assert.equal(top, 'the panel', 'the topmost element at the panel is the panel, not the decoy');
            }
            // Chromium: "Not on this site" (found through the DevTools protocol); Firefox: the close button (by layout).
            const testId = browser.name === 'chromium' ? 'panel-hide' : 'panel-close';
            const target = await panelButtonCenter(browser, page, testId);
            await page.mouse.click(target.x, target.y);
            await sleep(1500);
            const open = await hostInfo(page);
            const hidden = await browser.extEval(async () => {
              const api = globalThis.browser ?? globalThis.chrome;
              return (await api.storage.local.get('settings')).settings?.panelHidden ?? [];
            });
            // The next tests need the panel on this host, whatever this one finds.
            if (hidden.length) await neverRetry(browser, '127.0.0.1');
            assert.ok(open, `the click through the decoy did not act: the panel is still open (${testId})`);
            assert.deepEqual(hidden, [], 'no site was hidden');
            // Once the page closes its layer, the visitor's click acts again.
            await page.evaluate(() => {
              window.__hostile.decoy.stopped = true;
              const decoy = window.__decoy;
              if (decoy.open) decoy.close();
              else decoy.hidePopover();
            });
            await sleep(1200);
            const close = await panelButtonCenter(browser, page, 'panel-close');
            await page.mouse.click(close.x, close.y);
            await poll(async () => ((await hostInfo(page)) === null ? true : undefined), {
              timeoutMs: 3000,
              what: 'a real click on close to close the panel once the decoy is gone',
            });
            await page.close();
          },
        );
      }
    });
  });
}

/** Whether puppeteer can emulate prefers-color-scheme in this Firefox (it can over CDP, not always over BiDi). */
async function canEmulateDark(page) {
  try {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    const ok = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]).catch(() => undefined);
    return ok;
  } catch {
    return false;
  }
}
