// The error-page corpus (test/fixtures/error-corpus.mjs) in both browsers: every real-world 5xx
// page must be detected (badge and stored incident with its status), whatever its title, and no
// healthy page may raise an alarm. One browser launch per browser; one tab
// walks through the whole corpus, waiting for the extension's state after each page. Prints a
// table: detected / missed / false alarms per browser.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CORPUS, startCorpusServer } from '../fixtures/error-corpus.mjs';
import { BROWSERS, EXTENSION_DIRS, launchBrowser, poll } from './browsers.mjs';

const DETECT_MS = 6_000; // an error page's badge and incident (an empty 5xx in Chrome waits for its re-probe)
const QUIET_MS = 600; // how long a healthy page must stay without an alarm after it loaded

/** Error pages with a healthy page after every fifth, so each healthy load also has an incident to end. */
function walkOrder() {
  const errors = CORPUS.filter((e) => e.kind === 'error');
  const healthy = CORPUS.filter((e) => e.kind === 'healthy');
  const order = [];
  errors.forEach((e, i) => {
    order.push(e);
    if (i % 5 === 4 && healthy.length) order.push(healthy.shift());
  });
  return [...order, ...healthy];
}

const badgeShows = (badge, code) => badge === code || badge === `↻${code.slice(0, 3)}`;

function tabState(browser, tabId) {
  return browser.extEval(async (id) => {
    const api = globalThis.browser ?? globalThis.chrome;
    const got = await api.storage.session.get(`incident:${id}`);
    return { badge: await api.action.getBadgeText({ tabId: id }), incident: got[`incident:${id}`] ?? null };
  }, tabId);
}

const sameUrl = (a, b) => typeof a === 'string' && a.split('#')[0] === b.split('#')[0];
const results = {};
let server;

before(async () => {
  server = await startCorpusServer();
});
after(async () => {
  await server?.stop();
  const rows = Object.entries(results).map(([name, r]) =>
    [
      name.padEnd(10),
      `${r.detected}/${r.errors}`.padStart(9),
      `${r.missed.length}`.padStart(7),
      `${r.falseAlarms.length}`.padStart(13),
    ].join(' '),
  );
  console.log(['', 'corpus      detected  missed  false alarms', ...rows, ''].join('\n'));
  for (const [name, r] of Object.entries(results)) {
    if (r.missed.length) console.log(`${name} missed: ${r.missed.join(', ')}`);
    if (r.falseAlarms.length) console.log(`${name} false alarms: ${r.falseAlarms.join(', ')}`);
  }
});

for (const name of BROWSERS) {
  describe(`${name}: the error-page corpus`, () => {
    const count = (kind) => CORPUS.filter((e) => e.kind === kind).length;
    it(`${count('error')} error pages detected, ${count('healthy')} healthy pages left alone`, { timeout: 600_000 }, async () => {
      const browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name] });
      const r = { errors: 0, detected: 0, missed: [], falseAlarms: [] };
      results[name] = r;
      try {
        const start = `${server.urlOf('ok-untitled')}?start=${name}`;
        const page = await browser.openPage(start);
        const tabId = await browser.tabIdOf(page);
        // Chromium: page.goto gives real tab ids and also leaves Chrome's own error page (an empty
        // 5xx); Firefox reports real tab ids to webRequest only for navigations started in the page.
        const go = (url) =>
          name === 'chromium'
            ? page.goto(url, { waitUntil: 'load', timeout: 10_000 }).catch(() => undefined)
            : browser.navigateInPage(page, url);
        for (const entry of walkOrder()) {
          const url = `${server.urlOf(entry.id)}?b=${name}`;
          await go(url);
          if (entry.kind === 'error') {
            r.errors += 1;
            const code = String(entry.status);
            const seen = await poll(
              async () => {
                const s = await tabState(browser, tabId);
                const recorded = s.incident && sameUrl(s.incident.url, url) && s.incident.status === entry.status;
                return recorded && badgeShows(s.badge, code) ? s : undefined;
              },
              { timeoutMs: DETECT_MS, intervalMs: 50, what: `${entry.id}` },
            ).catch(() => undefined);
            if (seen) r.detected += 1;
            else r.missed.push(`${entry.id} (${JSON.stringify(await tabState(browser, tabId))})`);
          } else {
            const loaded = async () =>
              (await page.evaluate(() => document.readyState).catch(() => undefined)) === 'complete' ? true : undefined;
            await poll(loaded, { what: `${entry.id} to load` }).catch(() => undefined);
            // The previous error page's incident is ended by this navigation; Firefox keeps a tab's
            // badge across navigations until the extension redraws it. Wait for that first.
            await poll(
              async () => {
                const s = await tabState(browser, tabId);
                return (s.badge === '' && !s.incident) || (s.incident && sameUrl(s.incident.url, url)) ? true : undefined;
              },
              { timeoutMs: DETECT_MS, intervalMs: 50, what: `the previous incident to end on ${entry.id}` },
            ).catch(() => undefined);
            const until = Date.now() + QUIET_MS;
            let alarm;
            do {
              const s = await tabState(browser, tabId);
              if ((s.incident && sameUrl(s.incident.url, url)) || s.badge !== '') alarm = s;
            } while (!alarm && Date.now() < until);
            if (alarm) r.falseAlarms.push(`${entry.id} (${JSON.stringify(alarm)})`);
          }
        }
        // A late alarm would still be in the history.
        const history = await browser.extEval(async () => {
          const api = globalThis.browser ?? globalThis.chrome;
          const got = await api.storage.local.get('history');
          return Array.isArray(got.history) ? got.history.map((i) => i.url) : [];
        });
        for (const entry of CORPUS.filter((e) => e.kind === 'healthy')) {
          const inHistory = history.some((u) => sameUrl(u, `${server.urlOf(entry.id)}?b=${name}`));
          if (inHistory && !r.falseAlarms.some((f) => f.startsWith(entry.id))) r.falseAlarms.push(`${entry.id} (in history)`);
        }
      } finally {
        await browser.close();
      }
      assert.deepEqual(r.missed, [], `${name} missed error pages`);
      assert.deepEqual(r.falseAlarms, [], `${name} raised false alarms`);
      assert.equal(r.detected, r.errors);
    });
  });
}
