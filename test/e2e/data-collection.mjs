// Firefox's "browsing activity" data collection permission, granted as a visitor grants it: in a real click (the
// options page and the popup ask for it in their own click; Firefox refuses a request from a script's click()).
import { poll } from './browsers.mjs';

/** Firefox: "browsing activity" granted in a real click, as the opt-in asks for it (Chromium has no such permission). */
export async function grantBrowsingActivity(browser) {
  if (browser.name !== 'firefox') return;
  const page = await browser.openPage();
  page.goto(browser.extensionUrl('/icons/icon-128.png')).catch(() => undefined); // never settles for moz-extension://
  try {
    await poll(() => page.evaluate(() => (typeof globalThis.browser?.permissions === 'object' ? true : undefined)), {
      timeoutMs: 10_000,
      what: 'an extension page to ask from',
    });
    await page.evaluate(() => {
      const button = document.body.appendChild(document.createElement('button'));
      button.id = 'grant';
      button.textContent = 'grant';
      button.onclick = () => void globalThis.browser.permissions.request({ data_collection: ['browsingActivity'] });
    });
    await page.click('#grant');
    await poll(
      () =>
        page.evaluate(async () =>
          (await globalThis.browser.permissions.contains({ data_collection: ['browsingActivity'] })) ? true : undefined,
        ),
      { timeoutMs: 5000, what: 'Firefox to grant "browsing activity"' },
    );
  } finally {
    await page.close().catch(() => undefined);
  }
}
