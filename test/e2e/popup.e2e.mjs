// The popup, answer first, in every state: real Chromium and Firefox with the built extension,
// against the demo site (real nginx and node upstreams).
//
// For each state the popup is opened as a page of its own pointed at the failing tab (`?tab=`),
// 390 px wide (Chrome caps popups at 600 px tall): we measure its height with every fold closed
// (at most 600 px), check the answer leads (the headline is the first thing after the header), that
// no sentence or button label appears twice, that every fold has a visible disclosure marker and
// opens and closes by keyboard, and that axe-core finds no violation (light and dark). Chromium
// saves the screenshots shown in the README (test/e2e/__screenshots__/popup-<state>-<theme>.png).
//
// The incidents are real (an nginx 502 with auto-retry running, a DNS failure, a refused
// connection, a page that came back, a healthy page). Verdicts that need outside services (down
// for everyone, your DNS, your connection) and the consent question (asked only for public hosts)
// are layouts: for those the real record the extension wrote is copied with the verdict (or the
// host) changed. Those verdicts themselves are proven end to end in diagnosis.e2e.mjs.
//
// Run: flock /tmp/downcheck-browser.lock env E2E_REBUILD=1 npm run test:e2e -- test/e2e/popup.e2e.mjs
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { useDemoSite } from './demo.mjs';
import { BROWSERS, EXTENSION_DIRS, finishedDiagnosis, launchBrowser, openExtensionPage, poll, session, setSession } from './browsers.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test/e2e/__screenshots__');
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const POPUP_WIDTH = 390;
const POPUP_MAX_HEIGHT = 600;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const site = useDemoSite();
let visits = 0;
const unique = (base) => `${base}${base.includes('?') ? '&' : '?'}visit=${(visits += 1)}`;

async function openTab(browser, url) {
  const page = await browser.openPage(unique(site.urls.start));
  const tabId = await browser.tabIdOf(page);
  if (url) await browser.navigateInPage(page, url);
  return { page, tabId };
}

const openPopup = (browser, tabId) =>
  openExtensionPage(browser, '/src/popup/index.html', {
    tabId,
    viewport: { width: POPUP_WIDTH, height: POPUP_MAX_HEIGHT },
    what: 'the popup to draw',
  });

/** What the popup shows, with every fold closed, at the popup's width. */
const measure = (page, width) =>
  page.evaluate((w) => {
    document.body.style.width = `${w}px`;
    for (const d of document.querySelectorAll('details.fold')) d.open = false;
    const app = document.getElementById('app');
    const headerEnd = document.querySelector('.topbar')?.nextElementSibling;
    const first = headerEnd?.querySelector('.headline') ?? headerEnd;
    // Shown: not inside a closed fold (its summary excepted), and with a box.
    const shown = (el) => {
      for (let d = el.closest('details'); d; d = d.parentElement?.closest('details')) {
        if (!d.open && !d.querySelector(':scope > summary').contains(el)) return false;
      }
      return el.getClientRects().length > 0;
    };
    const TEXT = 'h2, h3, p, li, summary, label, dt, dd, button';
    const sentences = [...app.querySelectorAll(TEXT)]
      .filter((el) => shown(el) && el.localName !== 'button' && !el.querySelector(TEXT))
      .map((el) => el.textContent.trim())
      .filter(Boolean);
    const buttons = [...app.querySelectorAll('button')].filter(shown).map((b) => b.textContent.trim() || b.getAttribute('aria-label'));
    const markers = [...document.querySelectorAll('details.fold > summary')].map((s) => {
      const before = getComputedStyle(s, '::before');
      return { text: s.textContent, marker: before.content !== 'none' && parseFloat(before.borderLeftWidth) > 0 };
    });
    return {
      height: Math.ceil(app.getBoundingClientRect().bottom + parseFloat(getComputedStyle(document.body).marginBottom)),
      // The one verdict set: the kind (or `checking`) and whether outside evidence stood behind it; a healthy
      // page has no verdict, only its own answer (`healthy`, `recovered`).
      answer: (() => {
        const verdict = document.querySelector('[data-testid=verdict]');
        if (verdict) return { verdict: verdict.dataset.verdict, outside: verdict.dataset.outside === 'true', tone: verdict.dataset.tone };
        return { verdict: document.querySelector('[data-testid=healthy]')?.dataset.answer ?? null, outside: null, tone: null };
      })(),
      headline: first?.classList?.contains('headline') ? first.textContent.trim() : null,
      sentences,
      buttons,
      markers,
      folds: [...document.querySelectorAll('details.fold')].map((d) => d.dataset.fold),
    };
  }, width);

const EN = JSON.parse(readFileSync(join(ROOT, 'public/_locales/en/messages.json'), 'utf8'));
const TONES = {
  'down-for-everyone': 'site',
  'partly-down': 'site',
  'just-you-connection': 'you',
  'just-you-dns': 'you',
  'blocked-for-you': 'you',
  'back-up': 'back',
  'cant-tell': 'unknown',
  checking: 'unknown',
};
const sameAnswer = (a, b) => a.verdict === b.verdict && a.outside === b.outside;
const shownAnswer = (a) => `${a.verdict}${a.outside === null ? '' : a.outside ? ' (outside)' : ' (local)'}`;

const duplicates = (list) => [...new Set(list.filter((x, i) => list.indexOf(x) !== i))];

/** Opens and closes every fold with the keyboard (Tab focus, Enter), as a visitor would. */
async function foldsByKeyboard(page) {
  const folds = await page.evaluate(() => [...document.querySelectorAll('details.fold')].map((d) => d.dataset.fold));
  const press = async (key) => {
    if (page.keyboard.press) await page.keyboard.press(key);
  };
  const isOpen = (id) => page.evaluate((f) => document.querySelector(`details[data-fold="${f}"]`)?.open, id);
  for (const id of folds) {
    for (const wanted of [true, false]) {
      // The popup redraws when storage changes (a retry probe): focus the summary afresh each time.
      await page.evaluate((f) => document.querySelector(`details[data-fold="${f}"] > summary`).focus(), id);
      await press('Enter');
      const ok = await poll(async () => ((await isOpen(id)) === wanted ? true : undefined), {
        timeoutMs: 1500,
        what: `fold "${id}" open=${wanted}`,
      }).catch(() => false);
      assert.ok(ok, `fold "${id}" ${wanted ? 'opens' : 'closes'} with Enter`);
    }
  }
}

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof globalThis.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await page.evaluate(async () => {
        const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      });
    } catch (error) {
      if (attempt >= 2) throw error; // the popup redraws on storage changes: run again on a settled DOM
      await sleep(300);
    }
  }
}

async function setColorScheme(browser, page, colorScheme) {
  if (browser.name === 'chromium') await page.emulateMedia({ colorScheme });
  else await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: colorScheme }]);
  return page.evaluate((c) => matchMedia(`(prefers-color-scheme: ${c})`).matches, colorScheme);
}

for (const name of BROWSERS) {
  describe(`${name}: the popup, answer first`, () => {
    let browser;
    const states = [];
    before(async () => {
      browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name] });
      if (name === 'chromium') mkdirSync(SCREENSHOTS, { recursive: true });
    });
    after(async () => {
      await browser?.close();
    });

    it('sets up every state from real incidents', { timeout: 90_000 }, async () => {
      // Back online: the flaky page fails for a moment, and Downcheck brings it back by itself
      // (first, and on the other origin: its schedule is the origin's, and the other tabs stay down).
      // The outage is armed once the tab is open: in a browser just started, opening the first tab
      // can take longer than the outage itself, and a page that never failed never comes back.
      const back = await openTab(browser);
      const armed = Date.now();
      assert.equal((await fetch(`${site.urls.flakyControl}?fail_for_ms=1500`)).status, 200);
      await browser.navigateInPage(back.page, unique(`${site.otherOrigin}/flaky`));
      const failed = site.log.find((r) => r.upstream === 'flaky' && r.time >= armed && r.dest === 'document');
      assert.equal(failed?.status, 502, `the flaky page failed first: ${JSON.stringify(failed)}`);
      await poll(async () => (await session(browser, `recovered:${back.tabId}`)) ?? undefined, {
        timeoutMs: 40_000,
        what: 'the flaky page to come back',
      });
      states.push({ name: 'back-online', tabId: back.tabId, expect: [{ verdict: 'recovered', outside: null }] });

      // Down (an nginx 502) with the auto-retry running: the real local verdict, and the same with outside evidence.
      const down = await openTab(browser, unique(site.urls.badGateway));
      await finishedDiagnosis(browser, down.tabId);
      await poll(
        async () =>
          (await browser.extEval(async () =>
            Object.keys(await (globalThis.browser ?? globalThis.chrome).storage.session.get(null)).some((k) => k.startsWith('retry:')),
          ))
            ? true
            : undefined,
        {
          what: 'an auto-retry schedule',
        },
      );
      // Said for what the browser saw: "failing on its side" is down-for-everyone without outside evidence.
      states.push({
        name: 'down-local',
        tabId: down.tabId,
        expect: [
          { verdict: 'down-for-everyone', outside: false },
          { verdict: 'cant-tell', outside: false },
        ],
      });

      const everyone = await openTab(browser, unique(site.urls.badGateway));
      const e = await finishedDiagnosis(browser, everyone.tabId);
      states.push({
        name: 'down-for-everyone-retrying',
        tabId: everyone.tabId,
        expect: [{ verdict: 'down-for-everyone', outside: true }],
        seed: {
          [`diagnosis:${everyone.tabId}`]: {
            ...e.d,
            outside: true,
            verdict: { kind: 'down-for-everyone', confidence: 'high', reasons: e.d.verdict.reasons },
          },
        },
      });

      const checking = await openTab(browser, unique(site.urls.badGateway));
      const c = await finishedDiagnosis(browser, checking.tabId);
      states.push({
        name: 'checking',
        tabId: checking.tabId,
        expect: [{ verdict: 'checking', outside: false }],
        seed: { [`diagnosis:${checking.tabId}`]: { ...c.d, done: false } },
      });

      // The consent question: asked only for a public host, so this incident's host is renamed.
      const consent = await openTab(browser, unique(site.urls.cloudflare522));
      const k = await finishedDiagnosis(browser, consent.tabId);
      states.push({
        name: 'consent',
        tabId: consent.tabId,
        expect: null,
        consent: true,
        seed: {
          [`incident:${consent.tabId}`]: { ...k.incident, host: 'shop.example', url: 'https://shop.example/' },
          [`diagnosis:${consent.tabId}`]: { ...k.d, host: 'shop.example' },
        },
      });

      // The same question with a crowd service set (the e2e build has none, so it is typed in, as on the settings page):
      // the crowd opt-in is offered beside it, one box with its one line.
      states.push({
        name: 'consent-crowd',
        tabId: consent.tabId,
        expect: null,
        consent: true,
        crowd: true,
        local: { crowd: { optIn: false, serviceUrl: 'http://127.0.0.1:8787' } },
        seed: {
          [`incident:${consent.tabId}`]: { ...k.incident, host: 'shop.example', url: 'https://shop.example/' },
          [`diagnosis:${consent.tabId}`]: { ...k.d, host: 'shop.example' },
        },
      });

      // A DNS failure (a name that does not exist) and a refused connection: network error pages.
      const dns = await openTab(browser, unique(site.urls.dns));
      const dd = await finishedDiagnosis(browser, dns.tabId);
      // Nobody could judge a network failure: cant-tell, said as "can't be reached from here".
      states.push({
        name: 'network-error-dns',
        tabId: dns.tabId,
        expect: [{ verdict: 'cant-tell', outside: false }],
        headline: EN.answer_unreachable.message.split('$1')[1],
      });
      const justDns = await openTab(browser, `http://downcheck-demo-2.invalid/?visit=${(visits += 1)}`);
      const jd = await finishedDiagnosis(browser, justDns.tabId);
      states.push({
        name: 'just-you-dns',
        tabId: justDns.tabId,
        expect: [{ verdict: 'just-you-dns', outside: true }],
        seed: {
          [`diagnosis:${justDns.tabId}`]: {
            ...jd.d,
            outside: true,
            verdict: { kind: 'just-you-dns', confidence: 'high', reasons: dd.d.verdict.reasons },
          },
        },
      });
      const refused = await openTab(browser, unique(site.urls.refused));
      const r = await finishedDiagnosis(browser, refused.tabId);
      states.push({
        name: 'just-you-connection',
        tabId: refused.tabId,
        expect: [{ verdict: 'just-you-connection', outside: true }],
        seed: {
          [`diagnosis:${refused.tabId}`]: {
            ...r.d,
            outside: true,
            verdict: { kind: 'just-you-connection', confidence: 'high', reasons: r.d.verdict.reasons },
          },
        },
      });

      const healthy = await openTab(browser, unique(site.urls.healthy));
      states.push({ name: 'healthy', tabId: healthy.tabId, expect: [{ verdict: 'healthy', outside: null }] });
    });

    it(
      'every state: answer first, at most 600 px tall with folds closed, nothing twice, folds by keyboard, no axe violation',
      { timeout: 180_000 },
      async () => {
        assert.ok(states.length >= 9, 'needs the states of the first test');
        const table = [];
        const problems = [];
        for (const s of states) {
          if (s.seed) for (const [key, value] of Object.entries(s.seed)) await setSession(browser, key, value);
          if (s.local) await browser.extEval((items) => (globalThis.browser ?? globalThis.chrome).storage.local.set(items), s.local);
          const popup = await openPopup(browser, s.tabId);
          if (s.consent)
            await poll(
              async () => ((await popup.evaluate(() => document.querySelector('[data-testid=consent]') !== null)) ? true : undefined),
              { what: 'the consent question' },
            );
          const m = await measure(popup, POPUP_WIDTH);
          table.push(`${s.name.padEnd(28)} ${String(m.height).padStart(4)} px  ${shownAnswer(m.answer)}: ${m.headline}`);
          if (m.height > POPUP_MAX_HEIGHT) problems.push(`${s.name}: ${m.height} px tall with every fold closed (max ${POPUP_MAX_HEIGHT})`);
          if (!m.headline) problems.push(`${s.name}: the answer's headline is not the first thing after the header`);
          if (s.expect && !s.expect.some((e) => sameAnswer(e, m.answer)))
            problems.push(`${s.name}: answer "${shownAnswer(m.answer)}", expected ${s.expect.map(shownAnswer).join(' or ')}`);
          if (m.answer.outside !== null && m.answer.tone !== TONES[m.answer.verdict])
            problems.push(`${s.name}: tone "${m.answer.tone}" for ${m.answer.verdict}, expected ${TONES[m.answer.verdict]}`);
          if (s.headline && !m.headline?.endsWith(s.headline))
            problems.push(`${s.name}: headline "${m.headline}", expected "…${s.headline}"`);
          const twice = [...duplicates(m.sentences), ...duplicates(m.buttons)];
          if (twice.length) problems.push(`${s.name}: shown twice: ${JSON.stringify(twice)}`);
          const unmarked = m.markers.filter((x) => !x.marker);
          if (unmarked.length) problems.push(`${s.name}: folds without a visible disclosure marker: ${JSON.stringify(unmarked)}`);
          if (s.consent) {
            const consent = await popup.evaluate(() => ({
              sources: [...document.querySelectorAll('[data-testid=consent] [data-consent]')].map((b) => b.dataset.consent),
              ticked: [...document.querySelectorAll('[data-testid=consent] [data-consent]')].filter((b) => b.checked).length,
            }));
            assert.deepEqual(
              consent.sources,
              ['connectivity', 'dns', 'vantage', 'statusPage', 'archive'],
              'the question names each source',
            );
            assert.equal(consent.ticked, 0, 'nothing pre-ticked');
            const offer = await popup.evaluate(() => document.querySelector('[data-testid=crowd-offer] [data-crowd]')?.checked ?? null);
            assert.equal(offer, s.crowd ? false : null, s.crowd ? 'the crowd opt-in offered, off' : 'no crowd opt-in without a service');
            // A redraw while the visitor answers (the auto-retry and the checks write all the time)
            // keeps the question as it is: the tick, the keyboard focus, the very box under the pointer.
            await popup.focus('[data-consent=dns]');
            await popup.keyboard.press(' ');
            await popup.evaluate(() => {
              globalThis.answering = document.querySelector('[data-consent=dns]');
              document.querySelector('[data-testid=incident]').drawnBefore = true;
            });
            await setSession(browser, `diagnosis:${s.tabId}`, { ...s.seed[`diagnosis:${s.tabId}`], finishedAt: Date.now() });
            await poll(
              async () =>
                (await popup.evaluate(() => document.querySelector('[data-testid=incident]')?.drawnBefore !== true)) ? true : undefined,
              { what: 'the popup to redraw after a storage change' },
            );
            const after = await popup.evaluate(() => ({
              sameBox: globalThis.answering.isConnected && document.querySelector('[data-consent=dns]') === globalThis.answering,
              ticked: globalThis.answering.checked,
              focused: document.activeElement?.dataset.consent ?? null,
            }));
            assert.deepEqual(after, { sameBox: true, ticked: true, focused: 'dns' }, 'the consent question survives a redraw');
            await popup.keyboard.press(' '); // untick: the screenshot shows the question as first asked
          }
          await foldsByKeyboard(popup);
          const themes = name === 'chromium' ? ['light', 'dark'] : ['light'];
          for (const theme of themes) {
            if (theme !== 'light' && !(await setColorScheme(browser, popup, theme))) continue;
            const violations = await axeViolations(popup);
            if (violations.length) problems.push(`${s.name}, ${theme}: axe: ${violations.join('; ')}`);
            if (name === 'chromium') {
              await measure(popup, POPUP_WIDTH);
              await popup.evaluate(() => document.activeElement?.blur());
              await popup.screenshot({ path: join(SCREENSHOTS, `popup-${s.name}-${theme}.png`), fullPage: true, animations: 'disabled' });
            }
          }
          if (s.crowd) {
            // One line; its sentence of what is sent, naming the service's host, one key press away.
            await popup.focus('[data-testid=crowd-offer] button[aria-controls=crowd-note]');
            await popup.keyboard.press('Enter');
            const note = await popup.evaluate(() => {
              const el = document.getElementById('crowd-note');
              return {
                hidden: el.hidden,
                names: el.textContent.includes('127.0.0.1:8787'),
                described: el.id === document.getElementById('crowd-opt-in').getAttribute('aria-describedby'),
              };
            });
            assert.deepEqual(note, { hidden: false, names: true, described: true }, 'the disclosure, shown on request');
            if (name === 'chromium')
              for (const theme of ['light', 'dark']) {
                await setColorScheme(browser, popup, theme);
                await popup.evaluate(() => document.activeElement?.blur());
                const path = join(SCREENSHOTS, `popup-consent-crowd-detail-${theme}.png`);
                await popup.screenshot({ path, fullPage: true, animations: 'disabled' });
              }
            // Its own choice: the box alone stores the opt-in (Firefox grants "browsing activity" in this key press).
            await popup.focus('#crowd-opt-in');
            await popup.keyboard.press(' ');
            const stored = () =>
              browser.extEval(async () => (await (globalThis.browser ?? globalThis.chrome).storage.local.get('crowd')).crowd);
            await poll(async () => ((await stored())?.optIn === true ? true : undefined), {
              what: 'the crowd opt-in stored from the popup',
            });
            assert.deepEqual(await stored(), { optIn: true, serviceUrl: 'http://127.0.0.1:8787', decided: true });
          }
          if (s.local)
            await browser.extEval((keys) => (globalThis.browser ?? globalThis.chrome).storage.local.remove(keys), Object.keys(s.local));
          await popup.close();
        }
        console.log(`popup height at ${POPUP_WIDTH} px wide, folds closed (${name}):\n  ${table.join('\n  ')}`);
        assert.equal(problems.length, 0, problems.join('\n'));
      },
    );

    it(
      'the history page lists the incidents per site, exports JSON and CSV, deletes one and clears all, by keyboard',
      { timeout: 60_000 },
      async () => {
        assert.ok(states.length >= 9, 'needs the incidents of the first test');
        const page = await openExtensionPage(browser, '/src/history/index.html', { what: 'the history page to draw' });
        const sites = () =>
          page.evaluate(() =>
            [...document.querySelectorAll('.site')].map((s) => ({ host: s.dataset.host, rows: s.querySelectorAll('li').length })),
          );
        const listed = await poll(
          async () => {
            const now = await sites();
            return now.some((x) => x.host === '127.0.0.1') ? now : undefined;
          },
          { what: 'the demo site in the history' },
        );
        assert.ok(listed.find((x) => x.host === '127.0.0.1').rows >= 3, `the 502s on 127.0.0.1 are listed: ${JSON.stringify(listed)}`);
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], 'axe on the history page');
        // Each diagnosed incident says what its diagnosis found, in words, beside how it ended.
        const verdicts = await page.evaluate(() =>
          [...document.querySelectorAll('.site[data-host="127.0.0.1"] li .verdict')].map((v) => ({
            kind: v.dataset.verdict,
            text: v.textContent,
          })),
        );
        assert.ok(
          verdicts.length > 0 && verdicts.every((v) => v.kind && v.text && !v.text.includes('-')),
          `verdicts shown in the history: ${JSON.stringify(verdicts)}`,
        );
        if (name === 'chromium')
          for (const theme of ['light', 'dark']) {
            if (theme === 'dark' && !(await setColorScheme(browser, page, 'dark'))) continue;
            if (theme === 'dark') assert.deepEqual(await axeViolations(page), [], 'axe on the history page, dark');
            await page.screenshot({ path: join(SCREENSHOTS, `history-${theme}.png`), fullPage: true, animations: 'disabled' });
          }

        // The exports, as the page hands them to the browser's download.
        await page.evaluate(() => {
          window.__exports = [];
          const create = URL.createObjectURL.bind(URL);
          URL.createObjectURL = (blob) => (window.__exports.push(blob), create(blob));
          HTMLAnchorElement.prototype.click = function () {}; // no real download dialog in the test
        });
        await page.focus('#export-json');
        await page.keyboard.press('Enter');
        await page.focus('#export-csv');
        await page.keyboard.press('Enter');
        const [json, csv] = await poll(
          async () => {
            const texts = await page.evaluate(() => Promise.all(window.__exports.map((b) => b.text())));
            return texts.length === 2 ? texts : undefined;
          },
          { what: 'two exports' },
        );
        const parsed = JSON.parse(json);
        assert.equal(parsed.format, 'downcheck-history');
        assert.ok(
          parsed.incidents.some((i) => i.host === '127.0.0.1' && i.code === '502' && i.verdict),
          `JSON export: ${json.slice(0, 300)}`,
        );
        assert.ok(
          csv.startsWith('time,host,url,kind,code,platform,method,verdict,ended,ended_at,lasted_s\r\n') && csv.includes(',127.0.0.1,'),
          `CSV export: ${csv.slice(0, 300)}`,
        );

        // Delete one (by keyboard), then clear all (two steps).
        const before = (await sites()).find((x) => x.host === '127.0.0.1').rows;
        await page.focus('.site[data-host="127.0.0.1"] li [data-action=delete]');
        await page.keyboard.press('Enter');
        await poll(async () => ((await sites()).find((x) => x.host === '127.0.0.1')?.rows === before - 1 ? true : undefined), {
          what: 'one incident deleted',
        });
        await page.focus('#clear-all');
        await page.keyboard.press('Enter');
        await page.focus('#clear-confirm');
        await page.keyboard.press('Enter');
        await poll(async () => ((await sites()).length === 0 ? true : undefined), { what: 'the history cleared' });
        const stored = await browser.extEval(
          async () => (await (globalThis.browser ?? globalThis.chrome).storage.local.get('history')).history ?? null,
        );
        assert.equal(stored, null, 'nothing left in storage');
        await page.close();
      },
    );
  });
}
