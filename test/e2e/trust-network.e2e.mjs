// What the extension's own requests may do, end to end in the BUILT extension, against real local
// servers that record every request they get:
//
//  - a status page that redirects into the visitor's network is not followed there (the "private"
//    target is a recording server on the loopback, which must never be hit);
//  - a name that failed on DNS (an intranet name after a VPN drop) goes to no outside service by
//    itself; after the visitor's click only the public resolvers hear of it, and when they say
//    NXDOMAIN or private-only, nobody else does;
//  - the probes of a failing page never carry its query (a one-time `?code=` link), carry no cookie,
//    no referrer, no Origin, and ask with a navigation's Accept; the page comes back with the
//    visitor's own kind of navigation, query included;
//  - a public page that redirected the tab to a router's `apply.cgi?…` (5xx) never gets that GET
//    repeated: the router is probed at its root only, and the tab is not loaded again by itself.
//
// Chromium: `--host-resolver-rules` maps shop.example and router.lan to the recording servers,
// the intranet names (INTRANET) to NXDOMAIN and every other name to the outside-service stand-in (HTTPS with a
// throw-away certificate, accepted with --ignore-certificate-errors).
// Firefox: everything goes through a recording proxy (outside-network.mjs): plain HTTP for
// shop.example and router.lan is served by the recording servers; CONNECT to status.shop.example and
// the two resolvers is tunnelled to the stand-in (the certificate accepted through `acceptInsecureCerts`); every other
// CONNECT is refused, so the proxy log lists every outside host Firefox contacted. The intranet names
// bypass the proxy and fail in the system resolver (no DNS here), as after a VPN drop.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startOutsideServices } from '../fixtures/outside-services.mjs';
import { BROWSERS, EXTENSION_DIRS, openExtensionPage, poll } from './browsers.mjs';
import { launchWithOutsideServices, selfSignedCertificate, startRecordingProxy } from './outside-network.mjs';
import { resetBrowser } from './shared-browser.mjs';

const SITE = 'shop.example';
const STATUS = `status.${SITE}`;
const ROUTER = 'router.lan';
/**
 * Intranet names (after a VPN drop), one per DNS scenario: they share a worker, which keeps a host's outside
 * evidence a minute in memory (src/background/diagnosis/diagnose.ts), so the second would get the first one's answer.
 */
const INTRANET = ['wiki.intra.example', 'files.intra.example'];
const ALL_CONSENT = { connectivity: true, dns: true, vantage: true, statusPage: true, archive: true };
const NONE = { connectivity: false, dns: false, vantage: false, statusPage: false, archive: false };
/** Hosts that learn the failing site's name (everything outside but the connectivity baseline). */
const NAME_HOSTS = ['cloudflare-dns.com', 'dns.google', 'check-host.net', 'api.globalping.io', STATUS, 'archive.org'];
const DOH_HOSTS = ['cloudflare-dns.com', 'dns.google'];
/** Every outside host the extension may ever contact (the browsers' own background traffic is not ours). */
const OUTSIDE_HOSTS = new Set([...NAME_HOSTS, 'www.gstatic.com', 'cloudflare.com']);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let certDir;
let services;
let site;
let router;
let proxy;
let visits = 0;

before(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'downcheck-trust-cert-'));
  services = await startOutsideServices({ tls: selfSignedCertificate(certDir, [STATUS]) });
  router = await startRecordingServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://router');
    if (pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Router</title>');
    res.writeHead(502, { 'content-type': 'text/html', server: 'mini_httpd' }).end('<title>502 Bad Gateway</title><h1>502 Bad Gateway</h1>');
  });
  site = await startRecordingServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://site');
    if (pathname === '/start') {
      // A session cookie the tab's own requests carry, and the probes must not.
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'session=visitor-cookie; Path=/' });
      return void res.end('<!doctype html><title>Start</title><h1>Start</h1>');
    }
    if (pathname === '/go-router') {
      res.writeHead(302, { location: `http://${ROUTER}:${router.port}/cgi-bin/apply.cgi?dns=6.6.6.6` });
      return void res.end();
    }
    if (pathname === '/magic' && site.healthy)
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Welcome</title>');
    res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' }).end('<title>502 Bad Gateway</title><h1>502 Bad Gateway</h1>');
  });
  if (BROWSERS.includes('firefox')) {
    const tunnels = Object.fromEntries([STATUS, ...DOH_HOSTS].map((h) => [h, services.port]));
    proxy = await startRecordingProxy({ routes: { [SITE]: site.port, [ROUTER]: router.port }, tunnels });
  }
});
after(async () => {
  await Promise.all([services?.stop(), site?.stop(), router?.stop(), proxy?.stop()]);
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

// ── fixtures ─────────────────────────────────────────────────────────────────────────────────

/** An HTTP server that logs every request (path, query, the headers a server could read) before `handle` answers it. */
async function startRecordingServer(handle) {
  const log = [];
  const sockets = new Set();
  const self = { log, healthy: false, port: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    log.push({ path: url.pathname, search: url.search, headers: req.headers, time: Date.now() });
    handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  self.port = server.address().port;
  self.stop = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return self;
}

// ── browsers ─────────────────────────────────────────────────────────────────────────────────

/**
 * One browser for a suite's scenarios (they all launch with the same rules; a Firefox launch costs ~6 s):
 * each scenario sets the consent it needs, and before each one the tabs, schedules, alarms and
 * storage.session (outside evidence cache and budgets included) of the last are cleared.
 */
function useSharedBrowser(name) {
  let browser;
  before(async () => {
    browser = await launchWithOutsideServices(name, {
      extensionDir: EXTENSION_DIRS[name],
      servicesPort: services.port,
      hostRules: [`MAP ${SITE} 127.0.0.1:${site.port}`, `MAP ${ROUTER} 127.0.0.1`, ...INTRANET.map((host) => `MAP ${host} ~NOTFOUND`)],
      proxy,
      direct: INTRANET,
    });
  });
  beforeEach(async () => {
    if (browser) await resetBrowser(browser);
  });
  after(async () => {
    await browser?.close();
  });
  return (scenario) => {
    if (!browser) throw new Error(`the shared ${name} browser is not running`);
    return scenario(browser);
  };
}

/**
 * Consent stored before the incident; the wait lets the worker's reaction to new consent (500 ms)
 * pass. Firefox also wants its "browsing activity" permission for sources that send the site's
 * name: granted by a real click (a permission request needs a user action) in an extension page.
 */
async function setConsent(browser, consent) {
  if (browser.name === 'firefox' && Object.entries(consent).some(([source, on]) => on && source !== 'connectivity')) {
    const page = await openExtensionPage(browser, '/src/options/index.html');
    await page.evaluate(() => {
      const button = Object.assign(document.createElement('button'), { id: 'grant-browsing-activity', textContent: 'grant' });
      button.addEventListener('click', () => void browser.permissions.request({ data_collection: ['browsingActivity'] }));
      document.body.prepend(button);
    });
    await page.click('#grant-browsing-activity');
    await poll(
      async () => ((await page.evaluate(() => browser.permissions.contains({ data_collection: ['browsingActivity'] }))) ? true : undefined),
      { what: 'the browsing activity permission' },
    );
    await page.close();
  }
  await browser.extEval((c) => (globalThis.browser ?? globalThis.chrome).storage.local.set({ consent: c }), consent);
  await sleep(800);
}

/** A tab on the site's start page (it sets the session cookie), then an in-page navigation to `url`. */
async function openFailingTab(browser, url) {
  await browser.extEval(() => true);
  visits += 1;
  const page = await browser.openPage(`http://${SITE}/start?visit=${visits}`);
  const tabId = await browser.tabIdOf(page);
  await browser.navigateInPage(page, url);
  return { page, tabId };
}

const stored = (browser, tabId) =>
  browser.extEval(
    async ({ id }) => {
      const ext = globalThis.browser ?? globalThis.chrome;
      const session = await ext.storage.session.get([`incident:${id}`, `diagnosis:${id}`]);
      return { incident: session[`incident:${id}`] ?? null, diagnosis: session[`diagnosis:${id}`] ?? null };
    },
    { id: tabId },
  );

async function diagnosisDone(browser, tabId, outside, timeoutMs = 25_000) {
  return poll(
    async () => {
      const s = await stored(browser, tabId);
      const d = s.diagnosis;
      return d && d.done && (outside === undefined || d.outside === outside) && d.incidentTime === s.incident?.time ? s : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `the ${outside === undefined ? '' : outside ? 'outside ' : 'local '}diagnosis of tab ${tabId}` },
  );
}

/** The outside hosts that heard of anything since `since`: the stand-in's log (Chromium) or the proxy's CONNECTs (Firefox). */
function outsideHostsSince(browser, since) {
  if (browser.name === 'chromium') {
    return services.log
      .filter((r) => r.time >= since)
      .map((r) => (r.virtualHost ?? (r.host ?? '').replace(/:\d+$/, '')).toLowerCase())
      .filter((h) => OUTSIDE_HOSTS.has(h));
  }
  return proxy.log.filter((r) => r.time >= since && r.method === 'CONNECT' && OUTSIDE_HOSTS.has(r.host)).map((r) => r.host);
}

// ── scenarios ────────────────────────────────────────────────────────────────────────────────

for (const name of BROWSERS) {
  describe(`${name}: the extension's own requests`, () => {
    const inSharedBrowser = useSharedBrowser(name);

    it("a status page that redirects into the visitor's network is not followed there", async () => {
      services.setBehaviour({
        statusPage: { pages: { [STATUS]: { redirect: `http://127.0.0.1:${router.port}/cgi-bin/apply.cgi?from=status` } } },
      });
      router.log.length = 0;
      const since = Date.now();
      await inSharedBrowser(async (browser) => {
        await setConsent(browser, { ...NONE, statusPage: true });
        const { tabId } = await openFailingTab(browser, `http://${SITE}/down?v=${visits + 1}`);
        const done = await diagnosisDone(browser, tabId, true);
        const evidence = done.diagnosis.evidence.find((e) => e.check === 'status-page');
        assert.deepEqual(evidence?.outcome, { kind: 'no-page' }, JSON.stringify(evidence));
        // The status page really was asked, and answered with its redirect (through the proxy's tunnel in Firefox) …
        const asked = services.requests('statuspage').filter((r) => r.time >= since && /^status\.shop\.example(:\d+)?$/.test(r.host ?? ''));
        assert.ok(asked.length > 0, `the status page was asked: ${JSON.stringify(services.log.map((r) => [r.service, r.host]))}`);
        await sleep(1000);
      });
      // … and nothing went where it pointed.
      assert.deepEqual(
        router.log.filter((r) => r.time >= since).map((r) => r.path + r.search),
        [],
      );
    });

    for (const [what, doh, intranet] of [
      ['NXDOMAIN', { rcode: 'NXDOMAIN' }, INTRANET[0]],
      ['only a private address', { a: ['10.20.30.40'], aaaa: [] }, INTRANET[1]],
    ]) {
      it(`a name that failed on DNS goes nowhere by itself; after the click only the resolvers hear of it (they say ${what})`, async () => {
        services.setBehaviour({ doh: { names: { [intranet]: doh } } });
        await inSharedBrowser(async (browser) => {
          await setConsent(browser, ALL_CONSENT);
          const since = Date.now();
          const { tabId } = await openFailingTab(browser, `http://${intranet}/page?id=7`);
          const first = await diagnosisDone(browser, tabId, undefined);
          assert.equal(first.incident.netError, 'dns', JSON.stringify(first.incident));
          await sleep(2500); // anything automatic (tab looked at, consent) would have started by now
          assert.deepEqual(outsideHostsSince(browser, since), [], 'nothing outside before the click');
          assert.equal(first.diagnosis.outside, false, 'the diagnosis that ran by itself is the local one');

          const popup = await openExtensionPage(browser, '/src/popup/index.html', { tabId, ready: 'button[data-action=diagnose]' });
          const clicked = Date.now();
          await popup.click('button[data-action=diagnose]');
          const done = await diagnosisDone(browser, tabId, true);
          const heard = outsideHostsSince(browser, clicked);
          assert.ok(heard.length > 0, 'the resolvers were asked after the click');
          assert.deepEqual(
            heard.filter((h) => !DOH_HOSTS.includes(h)),
            [],
            `only the resolvers: ${heard.join(', ')}`,
          );
          for (const check of ['vantage', 'status-page', 'archive']) {
            assert.deepEqual(
              done.diagnosis.evidence.find((e) => e.check === check)?.outcome,
              { kind: 'none', reason: 'private-host' },
              check,
            );
          }
          assert.ok(services.log.some((r) => r.time >= clicked && r.service.startsWith('doh-') && r.query.name === intranet));
        });
      });
    }

    it('probes carry no query, cookie, referrer or Origin, ask like a navigation, and the page comes back as a reload would', async () => {
      site.healthy = false;
      await inSharedBrowser(async (browser) => {
        await setConsent(browser, NONE);
        const since = Date.now();
        const code = `one-time-${name}-${Date.now()}`;
        const { tabId } = await openFailingTab(browser, `http://${SITE}/magic?code=${code}`);
        await poll(async () => ((await stored(browser, tabId)).incident ? true : undefined), { timeoutMs: 10_000, what: 'the incident' });
        // The first probes: Chrome's header re-probe, the diagnosis re-probe, auto-retry's first probe (1–3 s).
        const probes = () => site.log.filter((r) => r.time >= since && r.path === '/magic' && r.search === '');
        await poll(() => (probes().length >= 2 ? true : undefined), { timeoutMs: 10_000, what: 'two probes of /magic' });
        const withCode = () => site.log.filter((r) => r.time >= since && r.search.includes(code));
        assert.equal(withCode().length, 1, 'only the tab itself asked with the code');
        assert.equal(withCode()[0].headers.cookie, 'session=visitor-cookie', 'the tab itself sends its cookie');
        for (const p of probes()) {
          assert.equal(p.headers.cookie, undefined, 'no cookie');
          assert.equal(p.headers.referer, undefined, 'no referrer');
          assert.equal(p.headers.origin, undefined, 'no Origin');
          assert.match(p.headers.accept ?? '', /^text\/html,application\/xhtml\+xml/, 'a navigation Accept');
        }
        site.healthy = true;
        await poll(() => (withCode().length >= 2 ? true : undefined), { timeoutMs: 20_000, what: 'the tab brought back' });
        // Brought back by a navigation of the tab (as the visitor reload), with the page's cookie.
        const back = withCode()[1];
        assert.equal(back.headers.cookie, 'session=visitor-cookie');
        assert.equal(back.headers['upgrade-insecure-requests'], '1', JSON.stringify(back.headers)); // a navigation's header
      });
      site.healthy = false;
    });

    it("a public page that sent the tab to a router's apply.cgi?…: that GET is never repeated, the router is probed at its root", async () => {
      await inSharedBrowser(async (browser) => {
        await setConsent(browser, NONE);
        const since = Date.now();
        const { tabId } = await openFailingTab(browser, `http://${SITE}/go-router`);
        await poll(async () => ((await stored(browser, tabId)).incident ? true : undefined), { timeoutMs: 10_000, what: 'the incident' });
        const local = await diagnosisDone(browser, tabId, false);
        assert.match(local.incident.url, /^http:\/\/router\.lan:\d+\/cgi-bin\/apply\.cgi\?dns=6\.6\.6\.6$/);
        await sleep(8000); // auto-retry would have probed (1–3 s) and reloaded by now
        const asked = router.log.filter((r) => r.time >= since && r.path !== '/favicon.ico'); // the tab's own icon request
        assert.equal(asked.filter((r) => r.path === '/cgi-bin/apply.cgi').length, 1, JSON.stringify(asked.map((r) => r.path + r.search)));
        assert.ok(asked.filter((r) => r.path !== '/cgi-bin/apply.cgi').every((r) => r.path === '/' && r.search === ''));
        assert.ok(
          asked.some((r) => r.path === '/'),
          'the diagnosis probed the root',
        );
        const retry = await browser.extEval(async () => {
          const all = await (globalThis.browser ?? globalThis.chrome).storage.session.get(null);
          return Object.keys(all).filter((k) => k.startsWith('retry:'));
        });
        assert.deepEqual(retry, [], 'no auto-retry schedule');
      });
    });
  });
}
