// The demo site (test/fixtures/demo-site.mjs) for a whole e2e suite: started before its first
// test and stopped after its last, by the suite's own hooks.
import { after, before } from 'node:test';
import { startDemoSite } from '../fixtures/demo-site.mjs';

/**
 * Call at the top level of a suite file. Returns an object that reads through to the running
 * site (`site.urls`, `site.origin`, `site.log`, …); reading it before the site started throws.
 */
export function useDemoSite() {
  let site;
  before(async () => {
    site = await startDemoSite();
  });
  after(async () => {
    await site?.stop();
  });
  return new Proxy(
    {},
    {
      get(_, key) {
        if (!site) throw new Error(`the demo site is not running (reading ${String(key)})`);
        return site[key];
      },
    },
  );
}
