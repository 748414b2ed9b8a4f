// Sites that misbehave, with the built extension in real browsers:
// a CDN that serves anonymous probes while the visitor's own request fails, a failing site that
// redirects the probe to another origin, sixteen sites failing at once, and a single-page app that
// floods its address bar with 60 KB URLs under an error title. Servers: test/fixtures/misbehaving-sites.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isBackground, isPageLoad, startMisbehavingSites } from '../fixtures/misbehaving-sites.mjs';
import { alarmsInPage } from './alarms-in-page.mjs';
import { BROWSERS, poll } from './browsers.mjs';
import { useSharedBrowser } from './shared-browser.mjs';

/** MAX_RECOVERIES (src/core/retry/schedule.ts) + the first failed load: what a cookie-gated page may cost. */
const GATED_MAX_LOADS = 5;
/**
 * Each push is judged as a soft error after a 400 ms settle (background/incident/judge-soft-error.ts): 40 pushes of
 * 60 KB, one every 500 ms, would store 2.4 MB of history unbounded; the quota (10 MB) needs ~170.
 */
const FLOOD_PUSHES = 40;
const MANY_BACK_WITHIN_MS = 60_000;

let sites;
before(async () => {
  sites = await startMisbehavingSites();
});
after(async () => {
  await sites?.stop();
});

const session = (browser) => browser.extEval(async () => (globalThis.browser ?? globalThis.chrome).storage.session.get(null));
const retryRecord = async (browser, origin) => (await session(browser))[`retry:${origin}`];
const heading = (page) => page.evaluate(() => document.querySelector('h1')?.textContent ?? '').catch(() => '');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let visits = 0;

/** A tab on `origin`'s start page that then navigates in-page to `path` (Firefox reports the real tab id only for those). */
async function openFailing(browser, origin, path, start = '/start') {
  visits += 1;
  const page = await browser.openPage(`${origin}${start}?visit=${visits}`);
  await browser.navigateInPage(page, `${origin}${path}${path.includes('?') ? '&' : '?'}visit=${visits}`);
  return page;
}

for (const name of BROWSERS) {
  describe(`${name}: misbehaving sites`, () => {
    // One browser for the four (a Firefox launch costs ~6 s): each scenario has sites of its own, and
    // before each the tabs, schedules, alarms and notifications of the last are cleared.
    const shared = useSharedBrowser(name);
    const inSharedBrowser = (scenario) => scenario(shared());

    it(
      "a page that fails only with the visitor's cookies while anonymous probes get a cached 200 does not loop",
      { timeout: 120_000 },
      () =>
        inSharedBrowser(async (browser) => {
          const { origin, log } = sites.gated;
          const since = Date.now();
          visits += 1;
          const page = await browser.openPage(`${origin}/login?visit=${visits}`);
          await browser.navigateInPage(page, `${origin}/account?visit=${visits}`);
          // A tab in front of it: the failing one is in the background (the case that notifies).
          await browser.openPage(`${sites.trap.origin}/elsewhere?visit=${visits}`).catch(() => undefined);
          // The chain ends in "page-fails": nothing is reloaded and nothing is probed any more
          // (no timer, no alarm), so the count below is the count for any longer window too.
          const record = await poll(
            async () => {
              const r = await retryRecord(browser, origin);
              return r?.state === 'page-fails' ? r : undefined;
            },
            { timeoutMs: 90_000, intervalMs: 500, what: 'the schedule to end in "page-fails"' },
          );
          const { names: alarmNames, expected } = await browser.extEval(alarmsInPage, { prefix: 'retry:', origins: [origin] });
          assert.ok(expected[origin], 'the alarm key is in storage.session');
          assert.ok(!alarmNames.includes(expected[origin]), 'no alarm left');
          const endedAt = Date.now();
          await sleep(8000);
          const loads = log.filter((r) => r.time >= since && isPageLoad(r) && r.path.startsWith('/account'));
          const probes = log.filter((r) => r.time >= since && isBackground(r));
          console.log(
            `# ${name} cookie-gated: ${loads.length} page loads, ${probes.length} background requests, page-fails after ${((endedAt - since) / 1000).toFixed(1)} s, recoveries ${record.recoveries}`,
          );
          assert.ok(loads.length <= GATED_MAX_LOADS, `page loads: ${loads.length} (${JSON.stringify(loads)})`);
          assert.ok(
            loads.every((r) => r.cookie),
            "the visitor's own loads carry the cookie",
          );
          assert.ok(
            probes.every((r) => !r.cookie),
            'no background request carries a cookie',
          );
          assert.equal(
            log.filter((r) => r.time >= endedAt && (isPageLoad(r) || isBackground(r))).length,
            0,
            'nothing at all after "page-fails"',
          );
          assert.ok(record.schedule.attempt > record.recoveries, `one schedule went on: ${JSON.stringify(record.schedule)}`);
          const notifications = await browser.extEval(async () =>
            Object.keys(await (globalThis.browser ?? globalThis.chrome).notifications.getAll()),
          );
          assert.ok(notifications.length <= 1, `"site is back" notifications: ${notifications}`);
        }),
    );

    it('a probe redirected to another origin is not followed: 0 requests arrive there', { timeout: 90_000 }, () =>
      inSharedBrowser(async (browser) => {
        const since = Date.now();
        const page = await openFailing(browser, sites.redirecting.origin, '/page');
        await poll(async () => ((await retryRecord(browser, sites.redirecting.origin))?.probes >= 2 ? true : undefined), {
          timeoutMs: 45_000,
          intervalMs: 500,
          what: 'two retry probes',
        });
        await sleep(2000);
        const asked = sites.redirecting.log.filter((r) => r.time >= since && isBackground(r));
        const followed = sites.trap.log.filter((r) => r.time >= since && r.path.startsWith('/internal-device'));
        console.log(`# ${name} redirect: ${asked.length} background requests to the failing site, ${followed.length} to the other origin`);
        assert.ok(asked.length >= 2, `the failing site was probed: ${JSON.stringify(asked)}`);
        assert.deepEqual(followed, [], `nothing followed the redirect: ${JSON.stringify(followed)}`);
        const record = await retryRecord(browser, sites.redirecting.origin);
        assert.equal(record.state, 'waiting', 'a redirect is not "back"');
        assert.equal(record.lastProbe?.verdict, 'answers');
        assert.equal(await heading(page), '502 Bad Gateway', 'the tab was not reloaded');
      }),
    );

    it(
      'sixteen sites failing at once: at most 4 background requests in flight, and every page back',
      {
        timeout: 240_000,
      },
      () =>
        inSharedBrowser(async (browser) => {
          const { many } = sites;
          many.fail();
          const pages = [];
          for (const origin of many.origins) pages.push(await openFailing(browser, origin, '/page'));
          let seen = '';
          await poll(
            async () => {
              const all = await session(browser);
              const incidents = Object.entries(all).filter(
                ([k, v]) => k.startsWith('incident:') && many.origins.some((o) => v?.url?.startsWith(o)),
              );
              seen = `${incidents.length} incidents; schedules: ${many.origins.map((o) => all[`retry:${o}`]?.state ?? '-').join(' ')}`;
              return many.origins.every((o) => all[`retry:${o}`]?.state === 'waiting') ? true : undefined;
            },
            { timeoutMs: 90_000, intervalMs: 500, what: 'sixteen schedules' },
          ).catch((error) => {
            throw new Error(`${error.message} (${seen})`);
          });
          await sleep(3000);
          many.recover();
          const recoveredAt = Date.now();
          const back = await Promise.all(
            pages.map((page) =>
              poll(async () => ((await heading(page)) === 'Back online' ? Date.now() - recoveredAt : undefined), {
                timeoutMs: MANY_BACK_WITHIN_MS,
                intervalMs: 500,
                what: 'a page back',
              }).catch(() => null),
            ),
          );
          const missing = back.map((ms, i) => (ms === null ? many.origins[i] : null)).filter(Boolean);
          const slowest = Math.max(...back.filter((ms) => ms !== null));
          console.log(
            `# ${name} sixteen sites: peak ${many.peak} background requests in flight; ${16 - missing.length}/16 back, the last ${(slowest / 1000).toFixed(1)} s after recovery`,
          );
          assert.ok(many.peak >= 2, `the measurement saw requests overlap at all: peak ${many.peak}`);
          assert.ok(many.peak <= 4, `peak in flight: ${many.peak}`);
          assert.deepEqual(missing, [], 'every page back');
        }),
    );

    it(
      'a page that floods its address with 60 KB URLs under an error title leaves storage bounded, and a later 502 is still detected',
      { timeout: 180_000 },
      () =>
        inSharedBrowser(async (browser) => {
          const { origin } = sites.flood;
          const spa = await openFailing(browser, origin, `/spa?times=${FLOOD_PUSHES}&every=500`);
          await poll(async () => ((await spa.evaluate(() => window.__pushed ?? 0).catch(() => 0)) >= FLOOD_PUSHES ? true : undefined), {
            timeoutMs: 90_000,
            intervalMs: 1000,
            what: `${FLOOD_PUSHES} pushState calls`,
          });
          await sleep(3000); // let the last soft incidents settle
          const bytes = await browser.extEval(async () => {
            const area = (globalThis.browser ?? globalThis.chrome).storage.local;
            return new TextEncoder().encode(JSON.stringify(await area.get(null))).length;
          });
          const other = await openFailing(browser, origin, '/real-502');
          const tabId = await browser.tabIdOf(other);
          const incident = await poll(async () => (await session(browser))[`incident:${tabId}`], {
            timeoutMs: 20_000,
            intervalMs: 250,
            what: 'the 502 in another tab recorded',
          }).catch(() => undefined);
          console.log(
            `# ${name} pushState flood: storage.local ${Math.round(bytes / 1024)} KB after ${FLOOD_PUSHES} pushes; later 502 ${incident ? 'detected' : 'MISSED'}`,
          );
          assert.ok(bytes < 1024 * 1024, `storage.local holds ${bytes} bytes`);
          assert.equal(incident?.status, 502, 'the later 502 is detected');
        }),
    );
  });
}
