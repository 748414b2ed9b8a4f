// One browser for a whole suite instead of one per scenario (a launch and close costs seconds, more
// in Firefox), with a clean slate before each scenario: no tab, schedule or alarm of the last one left.
import { after, before, beforeEach } from 'node:test';
import { EXTENSION_DIRS, launchBrowser, poll } from './browsers.mjs';

/**
 * Call inside a suite's `describe`. Returns a function giving the suite's browser, launched before
 * its first scenario and closed after its last; before every scenario, `resetBrowser` runs.
 */
export function useSharedBrowser(name, options = {}) {
  let browser;
  before(async () => {
    browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name], ...options });
  });
  beforeEach(async () => {
    if (browser) await resetBrowser(browser);
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error(`the shared ${name} browser is not running`);
    return browser;
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pagesOf = async (browser) => (browser.name === 'chromium' ? browser.context.pages() : await browser.browser.pages());

/**
 * Back to what a fresh profile has: the tabs of earlier scenarios closed (one blank tab kept, so the
 * browser keeps a window), and, once the worker has forgotten those tabs, storage.session emptied but
 * for the alarm names' key, and every alarm and notification cleared. storage.local (settings,
 * history) is kept: a scenario that needs it empty must not share a browser.
 */
export async function resetBrowser(browser) {
  const ours = browser.extensionUrl('/');
  const keep = await browser.openPage();
  for (const page of await pagesOf(browser)) {
    if (page === keep) continue;
    // The extension page that extEval uses (an icon, not an .html page) stays; our other pages go. Asked in
    // the page: Firefox's driver keeps about:blank as the URL of a moz-extension:// page it navigated to.
    const href = await Promise.race([page.evaluate(() => location.href).catch(() => page.url()), sleep(2000).then(() => page.url())]);
    if (href.startsWith(ours) && !/\.html\b/.test(href)) continue;
    await page.close().catch(() => undefined);
  }
  // Closing a tab makes the worker drop its records (and a schedule left without tabs); wait for
  // that to be written, so nothing of it lands after the clearing below.
  const state = () =>
    browser.extEval(async () => {
      const api = globalThis.browser ?? globalThis.chrome;
      const open = new Set((await api.tabs.query({})).map((t) => String(t.id)));
      const all = await api.storage.session.get(null);
      const stale = Object.entries(all).filter(
        ([key, value]) =>
          (/^[a-z-]+:\d+$/.test(key) && !open.has(key.split(':')[1])) ||
          (key.startsWith('retry:') && Array.isArray(value?.tabs) && value.tabs.some((id) => !open.has(String(id)))),
      );
      return stale.map(([key]) => key);
    });
  await poll(async () => ((await state()).length === 0 ? true : undefined), {
    timeoutMs: 5000,
    what: 'the worker to forget the closed tabs',
  }).catch(() => undefined); // whatever is left is cleared below all the same
  await browser.extEval(async () => {
    const api = globalThis.browser ?? globalThis.chrome;
    const key = await api.storage.session.get('alarm-key');
    await api.storage.session.clear();
    await api.storage.session.set(key);
    await api.alarms.clearAll();
    for (const id of Object.keys(await api.notifications.getAll())) await api.notifications.clear(id);
  });
}
