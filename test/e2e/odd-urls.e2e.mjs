// Odd addresses, end to end: a 502 behind an IPv6 literal with a port and a query, a redirect that
// lands on a 502, an IDN host (Chromium's resolver maps the name to 127.0.0.1, Firefox's
// network.dns.localDomains resolves it to the loopback), a refused port; and one the browser
// refuses by itself (an "unsafe" port such as 1: no server was asked, so there is no badge and no
// incident). One launch
// per browser runs them all, one tab each; the IDN host is shown in the popup as the visitor wrote
// it, and its plain-http page (no secure context) gets the panel. The server is a plain HTTP server
// answering as nginx does, listening on [::1] and 127.0.0.1.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BROWSERS, EXTENSION_DIRS, launchBrowser, openExtensionPage, poll } from './browsers.mjs';

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';

function handler(req, res) {
  const { pathname } = new URL(req.url, 'http://localhost');
  if (pathname === '/start') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>start</title><h1>start</h1>');
  } else if (pathname === '/redirect') {
    res.writeHead(302, { location: '/bad?after=redirect' });
    res.end();
  } else {
    res.writeHead(502, { 'content-type': 'text/html', server: 'nginx/1.22.1' });
    res.end(NGINX_502);
  }
}

const listen = (host) =>
  new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });

let v4;
let v6;
let closedPort;
before(async () => {
  v4 = await listen('127.0.0.1');
  v6 = await listen('::1');
  const closed = await listen('127.0.0.1');
  closedPort = closed.address().port;
  await new Promise((r) => closed.close(r));
});
after(async () => {
  await Promise.all([v4, v6].map((s) => s && new Promise((r) => s.close(r))));
});

const badgeOf = (browser, tabId) =>
  browser.extEval((id) => (globalThis.browser ?? globalThis.chrome).action.getBadgeText({ tabId: id }), tabId);
const incidentOf = async (browser, tabId) =>
  (await browser.extEval((key) => (globalThis.browser ?? globalThis.chrome).storage.session.get(key), `incident:${tabId}`))[
    `incident:${tabId}`
  ];

/** Opens a healthy page, then follows a link to `url` (a link: Firefox throws on `location.href` to a banned port). */
async function visit(browser, url) {
  const start = `http://127.0.0.1:${v4.address().port}/start`;
  const page = await browser.openPage(start);
  const tabId = await browser.tabIdOf(page);
  await page.evaluate((to) => {
    const a = document.createElement('a');
    a.href = to;
    a.textContent = 'go';
    document.body.append(a);
    setTimeout(() => a.click());
  }, url);
  return { page, tabId };
}

async function expectIncident(browser, url, { badge, host, kind, status, keepOpen = false }) {
  const { page, tabId } = await visit(browser, url);
  const shown = await poll(
    async () => {
      const text = await badgeOf(browser, tabId);
      return text.replace('↻', '') === badge ? text : undefined;
    },
    { timeoutMs: 8000, what: `badge ${badge} on ${url}` },
  ).catch(async () => badgeOf(browser, tabId));
  assert.equal(shown.replace('↻', ''), badge, `badge on ${url}`);
  const incident = await incidentOf(browser, tabId);
  assert.equal(incident?.host, host, `incident host for ${url}: ${JSON.stringify(incident)}`);
  assert.equal(incident?.kind, kind);
  if (status) assert.equal(incident?.status, status);
  if (!keepOpen) await page.close();
  return { tabId, page };
}

for (const name of BROWSERS) {
  describe(`${name}: odd addresses`, () => {
    it(
      'IPv6 with a port, a redirect to a 502, an IDN host, a refused port; an unsafe port is not a site failure',
      { timeout: 90_000 },
      async () => {
        const v4Port = v4.address().port;
        // The IDN name resolves to the loopback: Chromium maps it (port included), Firefox's localDomains resolves it.
        const args = [`--host-resolver-rules=MAP xn--bcher-kva.example 127.0.0.1:${v4Port}`];
        const prefs = { 'network.dns.localDomains': 'xn--bcher-kva.example' };
        const idnUrl = name === 'chromium' ? 'http://bücher.example/bad' : `http://bücher.example:${v4Port}/bad`;
        const browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name], ...(name === 'chromium' ? { args } : { prefs }) });
        try {
          const v6Port = v6.address().port;
          await expectIncident(browser, `http://[::1]:${v6Port}/bad?q=%C3%BC&x=1#frag`, {
            badge: '502',
            host: '[::1]',
            kind: 'http',
            status: 502,
          });
          await expectIncident(browser, `http://127.0.0.1:${v4Port}/redirect`, {
            badge: '502',
            host: '127.0.0.1',
            kind: 'http',
            status: 502,
          });
          {
            const idn = await expectIncident(browser, idnUrl, {
              badge: '502',
              host: 'xn--bcher-kva.example',
              kind: 'http',
              status: 502,
              keepOpen: true,
            });
            // Stored in punycode, shown as the visitor wrote it.
            const popup = await openExtensionPage(browser, '/src/popup/index.html', {
              tabId: idn.tabId,
              ready: '[data-testid=incident]',
              what: 'the popup showing the IDN incident',
            });
            const headline = await popup.evaluate(() => document.querySelector('[data-testid="answer"]')?.textContent ?? '');
            assert.match(headline, /bücher\.example/, `popup headline: ${headline}`);
            await popup.close();
            // A plain-http page on a public name is no secure context (no crypto.randomUUID): the panel must still come.
            assert.equal(await idn.page.evaluate(() => isSecureContext), false, 'the IDN page is no secure context');
            await poll(
              async () =>
                (await idn.page.evaluate(() =>
                  [...document.documentElement.children].some((el) => el !== document.head && el !== document.body),
                ))
                  ? true
                  : undefined,
              { timeoutMs: 8000, what: 'the panel on a plain-http page of a public name' },
            );
            await idn.page.close();
          }
          await expectIncident(browser, `http://127.0.0.1:${closedPort}/refused`, { badge: 'REF', host: '127.0.0.1', kind: 'network' });

          // The browser refuses port 1 itself. Then a real 502 in the same tab shows the extension was watching.
          const { page, tabId } = await visit(browser, 'http://127.0.0.1:1/banned');
          await poll(async () => ((await page.evaluate(() => location.href).catch(() => '')).includes(':1/') ? true : undefined), {
            timeoutMs: 5000,
            what: 'the banned address in the tab',
          }).catch(() => undefined);
          await new Promise((r) => setTimeout(r, 1500));
          assert.equal(await badgeOf(browser, tabId), '', 'no badge for a port the browser refuses');
          assert.equal(await incidentOf(browser, tabId), undefined, 'no incident for a port the browser refuses');
          await browser.navigateInPage(page, `http://127.0.0.1:${v4Port}/bad?after=banned`);
          await poll(async () => ((await badgeOf(browser, tabId)).replace('↻', '') === '502' ? true : undefined), {
            timeoutMs: 8000,
            what: 'the 502 after the banned port',
          });
        } finally {
          await browser.close();
        }
      },
    );
  });
}
