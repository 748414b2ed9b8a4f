// Detection end to end: a real nginx fails in real ways, a real browser with the built extension
// visits it, and we read what the extension recorded (toolbar badge, `incident:<tabId>` in
// storage.session). One browser per suite: before each scenario its tabs, session records and alarms
// are cleared (shared-browser.mjs), so nothing leaks between them.
//
// Run through `npm run test:e2e` (test/e2e/run.mjs builds dist/ if missing). E2E_BROWSERS picks
// the browsers (default: chromium,firefox).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useDemoSite } from './demo.mjs';
import { BROWSERS, EXTENSION_DIRS, poll } from './browsers.mjs';
import { useSharedBrowser } from './shared-browser.mjs';

const SETTLE_MS = 5000; // how long the extension gets to reach the expected state
const QUIET_MS = 750; // how long "nothing happened" must hold on a healthy page
const CLOUDFLARE_RAY = '8f1a2b3c4d5e6f70-FRA';

/**
 * Failing pages and what the extension must record for each. Badge labels for network errors are
 * the user-visible contract of NET_BADGE in src/core/incident/classify.ts ('DNS', 'REF').
 */
const FAILING = [
  {
    page: 'badGateway',
    badge: '502',
    incident: { kind: 'http', status: 502, method: 'GET', host: '127.0.0.1', platform: { id: 'nginx' } },
  },
  {
    // Chrome shows its own error page for an empty 5xx, and webNavigation reports it only as
    // ERR_HTTP_RESPONSE_CODE_FAILURE: the status comes from the re-probe there.
    page: 'emptyBadGateway',
    badge: '502',
    incident: { kind: 'http', status: 502, method: 'GET', host: '127.0.0.1', platform: { id: 'nginx' } },
  },
  {
    page: 'gatewayTimeout',
    badge: '504',
    incident: { kind: 'http', status: 504, method: 'GET', host: '127.0.0.1', platform: { id: 'nginx' } },
  },
  {
    // Chrome builds learn the Retry-After from their header re-probe, sent only after the 5 s a
    // 503 asks for (src/core/retry/quiet.ts).
    page: 'unavailable',
    badge: '503',
    incident: { kind: 'http', status: 503, method: 'GET', host: '127.0.0.1', retryAfter: '5' },
    settleMs: 12_000,
  },
  {
    page: 'cloudflare522',
    badge: '522',
    incident: {
      kind: 'http',
      status: 522,
      method: 'GET',
      host: '127.0.0.1',
      platform: { id: 'cloudflare', name: 'Cloudflare', pop: 'FRA' },
      reference: { kind: 'cf-ray', value: CLOUDFLARE_RAY },
    },
  },
  { page: 'softError', badge: '502', incident: { kind: 'soft', status: 502, host: '127.0.0.1' } },
  // Retitled 2.5 s after its load: Chrome builds hear of it from the status read's title watch,
  // Firefox builds from tabs.onUpdated.
  { page: 'lateSoftError', badge: '502', incident: { kind: 'soft', status: 502, host: '127.0.0.1' }, settleMs: 10_000 },
  { page: 'dns', badge: 'DNS', incident: { kind: 'network', netError: 'dns', method: 'GET', host: 'downcheck-demo.invalid' } },
  { page: 'refused', badge: 'REF', incident: { kind: 'network', netError: 'refused', method: 'GET', host: '127.0.0.1' } },
];

const site = useDemoSite();
let visits = 0;

/**
 * Opens the start page under a URL no other tab has, so its tab id can be looked up. Scenarios
 * then navigate from inside the page, as a user following a link would (Firefox reports the real
 * tab id to webRequest only for those).
 */
async function openTab(browser) {
  visits += 1;
  const page = await browser.openPage(`${site.urls.start}?visit=${visits}`);
  const tabId = await browser.tabIdOf(page);
  return { page, tabId };
}

/** Badge text and stored incident of one tab, read inside the extension (plus all of storage.session, for failure messages). */
function extensionState(browser, tabId) {
  return browser.extEval(async (id) => {
    const api = globalThis.browser ?? globalThis.chrome;
    const session = await api.storage.session.get(null);
    return { badge: await api.action.getBadgeText({ tabId: id }), incident: session[`incident:${id}`] ?? null, session };
  }, tabId);
}

/** For assertion messages: what the extension had when the assertion ran. */
const dump = (state) => `\n  badge: ${JSON.stringify(state.badge)}\n  storage.session: ${JSON.stringify(state.session)}`;

/**
 * The badge shows the code, or `↻` and its first three characters while an automatic retry is
 * pending (src/core/present/badge.ts): both are the right badge for a failed page.
 */
const badgeShows = (badge, code) => badge === code || badge === `↻${code.slice(0, 3)}`;

/** Polls until `matches(state)` holds; returns the last state either way so assertions show what was there. */
async function settle(browser, tabId, matches, timeoutMs = SETTLE_MS) {
  let last;
  await poll(
    async () => {
      last = await extensionState(browser, tabId);
      return matches(last) ? true : undefined;
    },
    { timeoutMs, what: 'the expected extension state' },
  ).catch(() => undefined);
  if (!last) last = await extensionState(browser, tabId);
  return last;
}

/** `actual` has every field of `expected` (recursively) with the same value. */
function hasFields(actual, expected) {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => hasFields(actual[k], v));
}

/** The expected fields, read from `actual`: deepEqual then reports exactly the fields that differ. */
function pick(actual, expected) {
  if (expected === null || typeof expected !== 'object' || actual === null || typeof actual !== 'object') return actual;
  return Object.fromEntries(Object.keys(expected).map((k) => [k, pick(actual[k], expected[k])]));
}

/** Element-by-element signature (tag, attributes) plus text, to compare the live DOM with its source. */
function domSignature() {
  const signature = (doc) => ({
    elements: [...doc.querySelectorAll('*')].map(
      (el) =>
        `${el.tagName.toLowerCase()}${[...el.attributes]
          .map((a) => ` ${a.name}="${a.value}"`)
          .sort()
          .join('')}`,
    ),
    text: doc.body?.textContent ?? '',
  });
  return fetch(location.href, { cache: 'no-store' })
    .then((r) => r.text())
    .then((html) => ({
      live: signature(document),
      source: signature(new DOMParser().parseFromString(html, 'text/html')),
      mutations: window.__mutations,
      mutationLog: window.__mutationLog,
      title: document.title,
    }));
}

for (const name of BROWSERS) {
  describe(`${name}: detection`, () => {
    before(() => {
      assert.ok(EXTENSION_DIRS[name], `unknown browser "${name}" in E2E_BROWSERS (chromium, firefox)`);
    });
    const shared = useSharedBrowser(name);
    const inSharedBrowser = (scenario) => scenario(shared());

    for (const { page: pageName, badge, incident, settleMs } of FAILING) {
      it(`${pageName}: badge "${badge}" and a ${incident.kind} incident`, { timeout: 60_000 }, () =>
        inSharedBrowser(async (browser) => {
          const { page, tabId } = await openTab(browser);
          await browser.navigateInPage(page, site.urls[pageName]);
          const state = await settle(browser, tabId, (s) => badgeShows(s.badge, badge) && hasFields(s.incident, incident), settleMs);
          const after = `after ${site.urls[pageName]} in tab ${tabId}:${dump(state)}`;
          assert.ok(badgeShows(state.badge, badge), `badge should be "${badge}" (or "↻${badge.slice(0, 3)}") ${after}`);
          assert.ok(state.incident, `no incident:${tabId} ${after}`);
          assert.deepEqual(pick(state.incident, incident), incident, `incident fields ${after}`);
          assert.equal(new URL(state.incident.url).href, new URL(site.urls[pageName]).href);
          // The browser resets a tab's badge when a page commits: the badge must outlast the failed
          // page's own load, not only appear before it completes.
          await poll(
            () =>
              browser.extEval(
                async (id) => ((await (globalThis.browser ?? globalThis.chrome).tabs.get(id)).status === 'complete' ? true : undefined),
                tabId,
              ),
            { timeoutMs: 15_000, what: 'the failed page completed' },
          );
          await sleep(1000);
          const later = await extensionState(browser, tabId);
          assert.ok(badgeShows(later.badge, badge), `the badge is still "${badge}" a second after the page completed:${dump(later)}`);
          if (incident.kind === 'http') {
            // The detection contract of each build (src/platform/web-request.ts DETECTION).
            if (name === 'chromium') {
              assert.equal(state.incident.ip, undefined, `Chrome builds (webNavigation) never see the address ${after}`);
              assert.equal(typeof state.incident.reprobe?.status, 'number', `Chrome builds: the headers came from one re-probe ${after}`);
            } else {
              assert.equal(state.incident.ip, '127.0.0.1', `Firefox builds (webRequest): the address the browser used ${after}`);
              assert.equal(state.incident.reprobe, undefined, `Firefox builds: the response's own headers ${after}`);
            }
          }
        }),
      );
    }

    it('form POST to a 502: the incident remembers the method', { timeout: 60_000 }, () =>
      inSharedBrowser(async (browser) => {
        const { page, tabId } = await openTab(browser);
        await browser.navigateInPage(page, `${site.urls.form}?visit=${visits}`);
        await poll(async () => ((await page.evaluate(() => document.querySelector('form') !== null)) ? true : undefined), {
          what: 'the form page',
        });
        await page.evaluate(() => void setTimeout(() => document.querySelector('form').submit()));
        const expected = { kind: 'http', status: 502, method: 'POST' };
        const state = await settle(browser, tabId, (s) => s.badge === '502' && hasFields(s.incident, expected));
        assert.equal(state.badge, '502', `a POST is never retried automatically, so no ↻:${dump(state)}`);
        assert.deepEqual(pick(state.incident, expected), expected, `incident fields:${dump(state)}`);
      }),
    );

    // Chrome builds once read only pages whose title looked failed, and missed this one.
    it("an application's 500 page titled like any page: noticed on load", { timeout: 60_000 }, () =>
      inSharedBrowser(async (browser) => {
        const { page, tabId } = await openTab(browser);
        const url = `${site.urls.appError}?visit=${visits}`;
        await browser.navigateInPage(page, url);
        const expected = { kind: 'http', status: 500, host: '127.0.0.1', platform: { id: 'nginx' } };
        const state = await settle(browser, tabId, (s) => badgeShows(s.badge, '500') && hasFields(s.incident, expected));
        assert.ok(badgeShows(state.badge, '500'), `badge:${dump(state)}`);
        assert.deepEqual(pick(state.incident, expected), expected, `incident fields:${dump(state)}`);
      }),
    );

    it('healthy page: no badge, no incident, DOM untouched', { timeout: 60_000 }, () =>
      inSharedBrowser(async (browser) => {
        const { page, tabId } = await openTab(browser);
        const url = `${site.urls.healthy}?visit=${visits}`;
        await browser.navigateInPage(page, url);
        await poll(async () => ((await page.evaluate(() => document.readyState)) === 'complete' ? true : undefined), {
          what: 'the healthy page to load',
        });
        // Nothing to wait for: check that nothing appears for a while.
        const quietUntil = Date.now() + QUIET_MS;
        do {
          const state = await extensionState(browser, tabId);
          assert.ok(state.badge === '' && state.incident === null, `the extension reacted to ${url}:${dump(state)}`);
        } while (Date.now() < quietUntil);

        const dom = await page.evaluate(domSignature);
        assert.equal(dom.title, 'Healthy demo page');
        assert.equal(dom.mutations, 0, `DOM mutations on the healthy page: ${JSON.stringify(dom.mutationLog)}`);
        assert.deepEqual(dom.live.elements, dom.source.elements, 'elements differ from the served HTML');
        assert.equal(dom.live.text, dom.source.text, 'text differs from the served HTML');
      }),
    );

    it('a navigation the user stops (ERR_ABORTED / NS_BINDING_ABORTED) is not an error', { timeout: 60_000 }, () =>
      inSharedBrowser(async (browser) => {
        const { page, tabId } = await openTab(browser);
        // /slow-gateway takes 4 s to fail; stop it long before, as the Stop button would.
        await page.evaluate((to) => {
          location.href = to;
          setTimeout(() => window.stop(), 300);
        }, `${site.origin}/slow-gateway?visit=${visits}`);
        await new Promise((r) => setTimeout(r, 600));
        assert.match(page.url(), /\/\?visit=/, 'the stopped navigation did not commit');
        const quietUntil = Date.now() + 4000; // past the moment the 504 would have arrived
        do {
          const state = await extensionState(browser, tabId);
          assert.ok(state.badge === '' && state.incident === null, `a stopped navigation became an incident:${dump(state)}`);
        } while (Date.now() < quietUntil);
      }),
    );

    it('recovery: the same tab reaching a healthy page clears badge and incident', { timeout: 60_000 }, () =>
      inSharedBrowser(async (browser) => {
        const { page, tabId } = await openTab(browser);
        await browser.navigateInPage(page, site.urls.badGateway);
        const failed = await settle(browser, tabId, (s) => badgeShows(s.badge, '502') && s.incident?.status === 502);
        assert.ok(badgeShows(failed.badge, '502') && failed.incident?.status === 502, `precondition: the 502 was detected:${dump(failed)}`);

        await browser.navigateInPage(page, `${site.urls.healthy}?visit=${visits}`);
        const recovered = await settle(browser, tabId, (s) => s.badge === '' && s.incident === null);
        assert.ok(recovered.badge === '' && recovered.incident === null, `still failing after /healthy loaded:${dump(recovered)}`);
      }),
    );
  });
}
