// An outside service's 429 back-off survives the worker being stopped. The BUILT extension asks a service that answers 429 (`Retry-After: 30`, the
// local stand-in for Cloudflare's DNS-over-HTTPS in test/fixtures/outside-services.mjs); Chrome's
// idle stop is forced over CDP (browsers.mjs stopWorker); every diagnosis until the back-off
// ends, each run by a freshly started worker, must not send that service anything, while the other
// resolver is still asked; the first one after it ends does ask it. Control: with the saved state
// removed, the same step asks it at once, so the assertion can fail.
//
// Chromium only: no protocol command stops a Firefox background page (see retry.e2e.mjs). The
// unit tests (test/unit/background/diagnosis/diagnose.test.ts) cover the same in both builds' code.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOutsideServices } from '../fixtures/outside-services.mjs';
import { BROWSERS, EXTENSION_DIRS, poll } from './browsers.mjs';
import { launchWithOutsideServices, selfSignedCertificate } from './outside-network.mjs';

const DNS_ONLY = { dns: true, vantage: false, statusPage: false, archive: false };
/** The stand-in's `Retry-After` for a rate-limited DoH answer. */
const BACKOFF_S = 30;

let certDir;
let services;

before(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'downcheck-backoff-cert-'));
  const tls = selfSignedCertificate(certDir);
  services = await startOutsideServices({ tls, behaviour: { cloudflareDns: { fault: 'rate-limited' } } });
});
after(async () => {
  await services?.stop();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

/** "Check any site" from one of the extension's own pages, as the popup does; resolves when the diagnosis is done. */
async function checkSite(page, host) {
  const reply = await page.evaluate((h) => chrome.runtime.sendMessage({ type: 'check-site', host: h }), host);
  assert.equal(reply?.ok, true, `check-site was refused: ${JSON.stringify(reply)}`);
  await poll(
    async () => {
      const { 'diagnosis:site': record } = await page.evaluate(() => chrome.storage.session.get('diagnosis:site'));
      return record?.host === host && record.done ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: `the diagnosis of ${host}` },
  );
}

const asked = (service, since = 0) => services.requests(service).filter((r) => r.time >= since).length;

for (const name of BROWSERS) {
  describe(`${name}: outside services state survives the worker`, () => {
    it(
      'after a 429 and a worker stop, nothing reaches that service before its back-off ends',
      { timeout: 120_000, skip: name === 'firefox' && 'no protocol command stops a Firefox background page' },
      async () => {
        const browser = await launchWithOutsideServices(name, { extensionDir: EXTENSION_DIRS[name], servicesPort: services.port });
        try {
          const page = await browser.openPage(browser.extensionUrl());
          await page.evaluate((consent) => chrome.storage.local.set({ consent }), DNS_ONLY);

          const start = Date.now();
          await checkSite(page, 'first.example');
          assert.ok(asked('doh-cloudflare', start) >= 1, 'the rate-limited service was asked once');
          const { limits } = await page.evaluate(() => chrome.storage.session.get('limits'));
          const blockedUntil = limits?.['doh:Cloudflare']?.blockedUntil;
          assert.ok(blockedUntil > Date.now() + 10_000, `a back-off is kept in storage.session: ${JSON.stringify(limits)}`);
          assert.ok(blockedUntil <= Date.now() + BACKOFF_S * 1000, `the back-off is the Retry-After's: ${JSON.stringify(limits)}`);

          // Throughout the back-off, each check runs in a worker started afresh: none may ask that service.
          const restarted = Date.now();
          let checks = 0;
          while (Date.now() < blockedUntil - 4000) {
            await browser.stopWorker();
            checks += 1;
            await checkSite(page, `during-${checks}.example`); // wakes a fresh worker
            assert.equal(asked('doh-cloudflare', restarted), 0, `a fresh worker asked the service that said 429 (check ${checks})`);
            await new Promise((r) => setTimeout(r, 2000));
          }
          assert.ok(checks >= 3, `only ${checks} checks fitted in the back-off`);
          assert.ok(asked('doh-google', restarted) >= checks, 'the other resolver was asked each time (the DNS check did run)');

          // Once the back-off is over, the service is asked again (this is what the back-off held back).
          await new Promise((r) => setTimeout(r, Math.max(0, blockedUntil + 500 - Date.now())));
          await browser.stopWorker();
          const ended = Date.now();
          await checkSite(page, 'after.example');
          assert.ok(asked('doh-cloudflare', ended) >= 1, 'the service is asked again after its back-off');

          // Control: without the saved state, a fresh worker asks at once, even within the new back-off.
          await browser.stopWorker();
          await page.evaluate(() => chrome.storage.session.remove('limits'));
          const forgotten = Date.now();
          await checkSite(page, 'third.example');
          assert.ok(asked('doh-cloudflare', forgotten) >= 1, 'without the saved back-off the service is asked again');
        } finally {
          await browser.close();
        }
      },
    );
  });
}
