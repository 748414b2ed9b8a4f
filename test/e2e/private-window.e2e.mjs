// A private (incognito) window with the crowd opted in: the BUILT extension, allowed in private windows, notices a
// real nginx 502 there but sends the crowd service no report and writes no history entry; the same host failing in a
// normal window afterwards is reported once (the service path is live). Names and routing as in crowd.e2e.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSERS, EXTENSION_DIRS, poll } from './browsers.mjs';
import { startCrowdForTest } from './crowd-service.mjs';
import { grantBrowsingActivity } from './data-collection.mjs';
import { startFailingSite } from './failing-site.mjs';
import { servePublicNames } from './outside-network.mjs';

/** One public-looking name per browser: both share the service, which keeps what the first one reported. */
const HOSTS = { chromium: 'secret-shop.example', firefox: 'secret-store.example' };

let crowd;
let site;
let names;

before(async () => {
  crowd = await startCrowdForTest();
  site = await startFailingSite();
  names = await servePublicNames(
    BROWSERS.map((name) => HOSTS[name]),
    site.port,
    BROWSERS,
  );
});
after(async () => {
  await Promise.all([crowd?.stop(), site?.stop(), names?.stop()]);
});

const launch = (name) => names.launch(name, { extensionDir: EXTENSION_DIRS[name], allowPrivate: true });

/** The tab's 502 incident as the worker keeps it in storage.session. */
const incidentOf = (browser, tabId) =>
  poll(
    async () => {
      const key = `incident:${tabId}`;
      const incident = await browser.extEval(async (k) => (await (globalThis.browser ?? globalThis.chrome).storage.session.get(k))[k], key);
      return incident?.status === 502 ? incident : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 150, what: `the 502 of tab ${tabId} noticed` },
  );

/** storage.local's history as stored, in text, to look for a host in. */
const historyText = (browser) =>
  browser.extEval(async () =>
    JSON.stringify((await (globalThis.browser ?? globalThis.chrome).storage.local.get('history')).history ?? null),
  );

const posts = () => crowd.requestLog().filter((r) => r.method === 'POST');
/** Long enough for a report that was going to be sent (it is decided within milliseconds of the incident). */
const quiet = () => new Promise((r) => setTimeout(r, 1500));

for (const name of BROWSERS) {
  describe(`a private window in ${name}`, { concurrency: false }, () => {
    const HOST = HOSTS[name];
    let browser;
    before(async () => {
      browser = await launch(name);
      await grantBrowsingActivity(browser);
    });
    after(async () => {
      await browser?.close();
    });

    it('opted in: a 502 in a private window is noticed but not reported nor kept in history; in a normal window it is reported', async () => {
      await browser.extEval(
        (url) => (globalThis.browser ?? globalThis.chrome).storage.local.set({ crowd: { optIn: true, serviceUrl: url } }),
        crowd.url,
      );
      crowd.clearLog();

      // The extension itself opens the private window: it sees it only when allowed to (windows.create throws otherwise).
      const privateTab = await browser.extEval(async (url) => {
        const api = globalThis.browser ?? globalThis.chrome;
        const window = await api.windows.create({ incognito: true, url });
        const [tab] = await api.tabs.query({ windowId: window.id });
        return { id: tab.id, windowId: window.id, incognito: tab.incognito && window.incognito };
      }, `http://${HOST}/checkout?visit=private`);
      assert.equal(privateTab.incognito, true, 'the tab is in a private window');
      const incident = await incidentOf(browser, privateTab.id);
      assert.equal(incident.host, HOST, 'the extension noticed the private tab’s 502');
      await quiet();
      assert.deepEqual(posts(), [], 'no report sent for the private tab');
      assert.equal(crowd.reportsFor(HOST).length, 0);
      assert.equal((await historyText(browser)).includes(HOST), false, 'no history entry for the private tab');
      console.log(
        `crowd requests during the private 502 (${name}): ${JSON.stringify(crowd.requestLog().map((r) => `${r.method} ${r.path}`))}`,
      );

      // The same host in a normal window: one report, and a history entry (the service and the history are live).
      // The private window goes first: Firefox's driver opens a new tab in the last window, which would be private.
      await browser.extEval((id) => (globalThis.browser ?? globalThis.chrome).windows.remove(id), privateTab.windowId);
      const page = await browser.openPage(`http://${HOST}/checkout?visit=normal`);
      const normalTab = await browser.tabIdOf(page);
      const normal = await browser.extEval(
        async (id) => (await (globalThis.browser ?? globalThis.chrome).tabs.get(id)).incognito,
        normalTab,
      );
      assert.equal(normal, false, 'the second tab is in a normal window');
      assert.equal((await incidentOf(browser, normalTab)).host, HOST);
      await poll(() => (crowd.reportsFor(HOST).length === 1 ? true : undefined), { timeoutMs: 10_000, what: 'the report to be stored' });
      assert.equal(posts().length, 1, 'one report sent for the normal tab');
      assert.equal((await historyText(browser)).includes(HOST), true, 'a history entry for the normal tab');
    });
  });
}
