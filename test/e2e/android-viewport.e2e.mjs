// Firefox for Android's screen, in Firefox ESR: a 360 × 640 viewport with a coarse primary pointer
// (`ui.primaryPointerCapabilities`, so `(pointer: coarse)` matches as on a phone). On Android the
// popup opens as a page of its own; the panel sits in the failing page; options and history are tabs.
// For each — the popup on a real nginx 502 and on a real DNS failure (and on a public host's 502,
// where the consent question is asked), the panel on a 502, options, history — in light and dark:
// no horizontal overflow, nothing cut off at the sides, every control at least 44 × 44 px (a
// checkbox counts with its label, which takes the tap), no text under 14 px, and the answer in view
// without scrolling; then the same (the answer aside) with every fold open. Screenshots go to test/e2e/__screenshots__/android-<page>-<theme>.png
// (docs/android.md shows them).
//
// The live panel's root is closed (no script of the page, nor of a test, can read inside it): on
// the real 502 page we check its box and the page around it and take the screenshot; its controls
// and text are measured in the panel preview (test-pages/, the same view and stylesheet in an open root).
//
// Run: E2E_BROWSERS=firefox npm run test:e2e -- test/e2e/android-viewport.e2e.mjs
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { useDemoSite } from './demo.mjs';
import { BROWSERS, EXTENSION_DIRS, finishedDiagnosis, launchFirefox, openExtensionPage, poll, setSession } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test/e2e/__screenshots__');
const PHONE = { width: 360, height: 640 };
const MIN_TARGET = 44;
const MIN_TEXT = 14;
const THEMES = ['light', 'dark'];

// Firefox only: without it, no suite runs, and the demo site is not started (its hooks would keep the process alive).
const site = BROWSERS.includes('firefox') ? useDemoSite() : undefined;
let visits = 0;
const unique = (base) => `${base}${base.includes('?') ? '&' : '?'}visit=${(visits += 1)}`;

/** A tab at the phone's size on the demo site's start page, then (in the page) to `url`. */
async function openTab(browser, url) {
  const page = await browser.openPage();
  await page.setViewport(PHONE);
  await page.goto(unique(site.urls.start));
  const tabId = await browser.tabIdOf(page);
  await browser.navigateInPage(page, url);
  return { page, tabId };
}

/** The page's colour scheme is the one this browser was started with. */
async function assertColorScheme(page, colorScheme) {
  assert.ok(await page.evaluate((c) => matchMedia(`(prefers-color-scheme: ${c})`).matches, colorScheme), `${colorScheme} scheme`);
}

/**
 * Everything the checks need, measured in the page: `root` is a selector of an element whose open
 * shadow root holds the view (the panel preview), else the document; `answer` the selector of what
 * must be in view without scrolling.
 */
const measure = (page, { root, answer, openFolds = false }) =>
  page.evaluate(
    ({ root, answer, openFolds, minTarget, minText }) => {
      const scope = root ? document.querySelector(root)?.shadowRoot : document;
      if (!scope) return { error: `no open shadow root at ${root}` };
      // In the same turn as the measuring: the popup redraws itself on storage changes (a retry's countdown).
      if (openFolds) for (const d of scope.querySelectorAll('details')) d.open = true;
      const vw = document.documentElement.clientWidth;
      const vh = window.innerHeight;
      const visible = (el) => {
        if (el.closest('details:not([open]) > :not(summary)')) return false;
        const s = getComputedStyle(el);
        return s.visibility !== 'hidden' && s.display !== 'none' && el.getClientRects().length > 0;
      };
      const name = (el) =>
        `${el.localName}${el.id ? `#${el.id}` : ''}${el.dataset?.action ? `[data-action=${el.dataset.action}]` : ''} "${(el.textContent || el.getAttribute('aria-label') || el.value || '').trim().slice(0, 40)}"`;
      // The box a finger hits: a checkbox or radio is tapped through its label.
      const targetOf = (el) =>
        el.localName === 'input' && /^(checkbox|radio)$/.test(el.type)
          ? (el.closest('label') ?? (el.id ? scope.querySelector(`label[for="${el.id}"]`) : null) ?? el)
          : el;
      const controls = [...scope.querySelectorAll('button, a[href], input, select, textarea, summary, [role=button]')].filter(visible);
      const small = controls
        .map((el) => ({ el, r: targetOf(el).getBoundingClientRect() }))
        .filter(({ r }) => r.width < minTarget - 0.5 || r.height < minTarget - 0.5)
        .map(({ el, r }) => `${name(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
      // Text: every element with its own visible text, at its computed size.
      const tinyText = [];
      const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!n.nodeValue.trim() || !el || ['STYLE', 'SCRIPT', 'TITLE'].includes(el.tagName) || !visible(el)) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < minText - 0.01) tinyText.push(`${el.localName}.${el.className || ''} ${size}px "${n.nodeValue.trim().slice(0, 30)}"`);
      }
      // SVG labels count as text too (the popup's chain figure).
      const cutOff = [...scope.querySelectorAll('*')]
        .filter((el) => visible(el) && !el.closest('svg, .code-block, pre, textarea'))
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5))
        .map(({ el, r }) => `${name(el)} ${Math.round(r.left)}–${Math.round(r.right)}`);
      const a = answer ? scope.querySelector(answer) : null;
      const ar = a?.getBoundingClientRect();
      return {
        // The window's width; a page longer than the screen has a scrollbar here (Android's take no
        // width), so the content is checked against the narrower `vw`.
        viewport: { width: window.innerWidth, height: vh, coarse: matchMedia('(pointer: coarse)').matches },
        overflowX: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - vw,
        controls: controls.length,
        small: [...new Set(small)],
        tinyText: [...new Set(tinyText)].slice(0, 20),
        cutOff: cutOff.slice(0, 20),
        answer: a
          ? { text: a.textContent.trim().slice(0, 80), top: ar.top, bottom: ar.bottom, inView: ar.top >= 0 && ar.bottom <= vh }
          : null,
      };
    },
    { root, answer, openFolds, minTarget: MIN_TARGET, minText: MIN_TEXT },
  );

/** Asserts the phone checks on one page in one theme, and saves its screenshot. */
/** Asserts the phone checks on one page as it opens (and saves its screenshot), then with every fold open. */
async function check(page, what, shot, { root, answer }) {
  const problems = [];
  const counted = [];
  for (const openFolds of [false, true]) {
    const m = await measure(page, { root, answer, openFolds });
    const found = [];
    if (m.error) found.push(m.error);
    if (m.viewport?.width !== PHONE.width || !m.viewport?.coarse) found.push(`viewport ${JSON.stringify(m.viewport)}`);
    if (m.overflowX > 0) found.push(`scrolls sideways by ${m.overflowX} px`);
    if (m.cutOff?.length) found.push(`cut off at the sides: ${m.cutOff.join('; ')}`);
    if (m.small?.length) found.push(`controls under ${MIN_TARGET} × ${MIN_TARGET} px: ${m.small.join('; ')}`);
    if (m.tinyText?.length) found.push(`text under ${MIN_TEXT} px: ${m.tinyText.join('; ')}`);
    if (!openFolds && answer && !m.answer?.inView) found.push(`the answer (${answer}) is not in view: ${JSON.stringify(m.answer)}`);
    if (!openFolds && shot) await page.screenshot({ path: join(SCREENSHOTS, shot) });
    problems.push(...found.map((p) => `${what}${openFolds ? ' (every fold open)' : ''}: ${p}`));
    counted.push(m.controls);
  }
  return { problems, seen: `${what}: ${counted[0]} controls, ${counted[1]} with every fold open` };
}

// Without Firefox one skipped suite stands for them (a file without tests would count as a passing test).
if (!BROWSERS.includes('firefox'))
  describe(`firefox at 360 × 640 with a coarse pointer (Firefox for Android's screen)`, { skip: 'Firefox only' }, () => {});
// WebDriver BiDi cannot emulate the colour scheme: one browser per theme, started with it.
for (const theme of BROWSERS.includes('firefox') ? THEMES : []) {
  describe(`firefox at 360 × 640 with a coarse pointer (Firefox for Android's screen), ${theme}`, () => {
    let browser;
    before(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      browser = await launchFirefox({
        extensionDir: EXTENSION_DIRS.firefox,
        // A coarse primary pointer, and the theme.
        prefs: { 'ui.primaryPointerCapabilities': 1, 'ui.systemUsesDarkTheme': theme === 'dark' ? 1 : 0 },
      });
    });
    after(async () => {
      await browser?.close();
    });

    const pages = [];
    it("sets up the failing tabs: an nginx 502, a DNS failure, a public host's 502", { timeout: 90_000 }, async () => {
      const bad = await openTab(browser, unique(site.urls.badGateway));
      await finishedDiagnosis(browser, bad.tabId);
      const dns = await openTab(browser, unique(site.urls.dns));
      await finishedDiagnosis(browser, dns.tabId);
      // The consent question is asked only for a public host: the same incident under a public name.
      const pub = await openTab(browser, unique(site.urls.badGateway));
      const p = await finishedDiagnosis(browser, pub.tabId);
      await setSession(browser, `incident:${pub.tabId}`, { ...p.incident, host: 'shop.example', url: 'https://shop.example/' });
      await setSession(browser, `diagnosis:${pub.tabId}`, { ...p.d, host: 'shop.example' });
      const popup = (tabId) => `/src/popup/index.html?tab=${tabId}`;
      pages.push(
        { name: 'popup-502', path: popup(bad.tabId), ready: '[data-verdict]', answer: '.headline' },
        { name: 'popup-dns', path: popup(dns.tabId), ready: '[data-verdict]', answer: '.headline' },
        { name: 'popup-consent', path: popup(pub.tabId), ready: '[data-testid=consent]', answer: '.headline' },
        {
          name: 'panel-preview-502',
          path: '/test-pages/src/panel/preview.html?incident=502',
          ready: () => document.documentElement.dataset.ready === 'true',
          root: 'body > div',
          answer: '.headline',
        },
        { name: 'options', path: '/src/options/index.html', answer: 'h1' },
        { name: 'history', path: '/src/history/index.html', answer: 'h1' },
      );
      pages.live = bad;
    });

    it(
      'every page: no sideways scroll, nothing cut off, controls ≥ 44 × 44 px, text ≥ 14 px, the answer in view',
      { timeout: 120_000 },
      async (t) => {
        const problems = [];
        for (const p of pages) {
          const page = await browser.openPage();
          await page.setViewport(PHONE);
          await openExtensionPage(browser, p.path, { page, ...(p.ready ? { ready: p.ready } : {}), what: p.name });
          await assertColorScheme(page, theme);
          const shot = p.root ? undefined : `android-${p.name}-${theme}.png`;
          const { problems: found, seen } = await check(page, p.name, shot, p);
          problems.push(...found);
          t.diagnostic(seen);
          await page.close();
        }
        assert.deepEqual(problems, []);
      },
    );

    it('the panel on the real 502 page: in view, within the screen, the page not scrolling sideways', { timeout: 60_000 }, async () => {
      const { page } = pages.live;
      await page.bringToFront();
      await assertColorScheme(page, theme);
      const box = await poll(
        () =>
          page.evaluate(() => {
            // The panel's host: a plain element beside <head> and <body>, with nothing fixed to look for.
            const host = [...document.documentElement.children].find((el) => el !== document.head && el !== document.body);
            const r = host?.getBoundingClientRect();
            return r && r.height > 0 ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom, name: host.localName } : undefined;
          }),
        { timeoutMs: 10_000, what: 'the panel on the 502 page' },
      );
      const { vw, overflow } = await page.evaluate(() => ({
        vw: document.documentElement.clientWidth,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      }));
      await page.screenshot({ path: join(SCREENSHOTS, `android-panel-502-${theme}.png`) });
      const problems = [];
      if (vw !== PHONE.width) problems.push(`the page is ${vw} px wide`);
      if (box.left < 0 || box.right > vw + 0.5) problems.push(`the panel ${JSON.stringify(box)} leaves the ${vw} px screen`);
      if (box.top < 0 || box.bottom > PHONE.height) problems.push(`the panel ${JSON.stringify(box)} is not wholly in view`);
      if (overflow > 0) problems.push(`the page scrolls sideways by ${overflow} px`);
      assert.deepEqual(problems, []);
    });
  });
}
