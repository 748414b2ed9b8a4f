/**
 * One manifest source (top-level manifest.json, Chrome's shape) and a small,
 * pure transform that resolves browser differences at build time.
 */
export type TargetBrowser = 'chrome' | 'firefox';

export const GECKO_ID = 'downcheck@downcheck.dev';
/** Firefox 142 is the first release that knows `data_collection_permissions` (web-ext lint warns otherwise). */
export const FIREFOX_MIN_VERSION = '142.0';

type Json = Record<string, unknown>;

export function manifestFor(browser: TargetBrowser, source: Json): Json {
  const manifest: Json = structuredClone(source);
  if (browser === 'chrome') return manifest;

  const background = (manifest.background ?? {}) as Json;
  // Firefox MV3 runs event pages, not service workers (bugzilla 1573659).
  manifest.background = {
    scripts: [background.service_worker],
    ...(background.type ? { type: background.type } : {}),
  };
  delete manifest.minimum_chrome_version;
  // Firefox's default MV3 policy for extension pages adds `upgrade-insecure-requests`, which turns
  // the worker's probes of an http:// site into https:// requests that fail. Same policy, minus that.
  manifest.content_security_policy = { extension_pages: "script-src 'self'" };
  // Firefox detects with webRequest (status, headers, method and address of every failing
  // response); Chrome with webNavigation, because there holding webRequest slows every page.
  // Firefox can resolve names as the browser does (dns.resolve); Chrome has no such permission.
  const permissions = ((manifest.permissions as string[] | undefined) ?? []).map((p) => (p === 'webNavigation' ? 'webRequest' : p));
  manifest.permissions = [...permissions, 'dns'];
  manifest.browser_specific_settings = {
    gecko: {
      id: GECKO_ID,
      strict_min_version: FIREFOX_MIN_VERSION,
      // Nothing is collected by default; outside checks are opt-in per source (issue 4).
      data_collection_permissions: { required: ['none'] },
    },
  };
  return manifest;
}
