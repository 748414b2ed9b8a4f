/**
 * One manifest source (top-level manifest.json, Chrome's shape) and a small,
 * pure transform that resolves browser differences at build time.
 */
export type TargetBrowser = 'chrome' | 'firefox';

export const GECKO_ID = 'downcheck@downcheck.dev';
/** Firefox 142 is the first release that knows `data_collection_permissions` (web-ext lint warns otherwise). */
export const FIREFOX_MIN_VERSION = '142.0';
/**
 * Firefox for Android: also 142, for `data_collection_permissions` (there since 142, as `storage.session` since 115
 * and `permissions.request` since 120). It lacks context menus, the keyword, shortcuts and windows: src/platform leaves them out.
 */
export const FIREFOX_ANDROID_MIN_VERSION = '142.0';

type Json = Record<string, unknown>;

/**
 * Files that run in web pages and that no page may fetch: the injected panel. (Chrome builds read
 * each page's status with `scripting.executeScript({ func })` once it has loaded: no file, no
 * content script declared in the manifest; see src/background/detect/chrome.ts.)
 */
export const INJECTED_SCRIPT_PREFIXES = ['src/panel/'] as const;

/**
 * crxjs declares every script imported with `?iife` (and some content scripts) as web-accessible,
 * to any page. The panel is injected with `scripting.executeScript({ files })`: it needs no such declaration, and a web-accessible file lets
 * any page detect that Downcheck is installed (by fetching its URL). `bundled` is the manifest
 * crxjs wrote; what it returns declares no resource under any of `prefixes`.
 */
export function withoutInjectedScripts(bundled: Json, prefixes: readonly string[] = INJECTED_SCRIPT_PREFIXES): Json {
  const manifest: Json = structuredClone(bundled);
  const entries = Array.isArray(manifest.web_accessible_resources) ? (manifest.web_accessible_resources as Json[]) : [];
  const exposed = (resource: string): boolean => prefixes.some((prefix) => resource.startsWith(prefix));
  const kept = entries
    .map((entry) => ({ ...entry, resources: ((entry.resources as string[] | undefined) ?? []).filter((r) => !exposed(r)) }))
    .filter((entry) => entry.resources.length > 0);
  if (kept.length > 0) manifest.web_accessible_resources = kept;
  else delete manifest.web_accessible_resources;
  return manifest;
}

/** The permission each detection design needs (src/platform/web-request.ts DETECTION). */
const withDetection = (permissions: string[], webRequest: boolean): string[] =>
  webRequest ? permissions.map((p) => (p === 'webNavigation' ? 'webRequest' : p)) : permissions;

/** What both stores accept as a version: one to four dot-separated integers, no leading zeros, no suffix. */
export const isManifestVersion = (v: unknown): v is string =>
  typeof v === 'string' && /^(0|[1-9]\d{0,8})(\.(0|[1-9]\d{0,8})){0,3}$/.test(v);

/**
 * `webRequest`: detect with webRequest instead of webNavigation. Always so for Firefox; for
 * Chrome only in the benchmark's build of the design the shipped Chrome build left behind.
 * `version`: package.json's, the one place the version is written (manifest.json has none).
 */
export function manifestFor(
  browser: TargetBrowser,
  source: Json,
  { webRequest = browser === 'firefox', version }: { webRequest?: boolean; version?: string } = {},
): Json {
  const manifest: Json = structuredClone(source);
  if (version !== undefined) {
    if (!isManifestVersion(version)) throw new Error(`"${version}" is not a version both stores accept (1 to 4 dot-separated integers)`);
    manifest.version = version;
  }
  manifest.permissions = withDetection((manifest.permissions as string[] | undefined) ?? [], webRequest);
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
  manifest.permissions = [...(manifest.permissions as string[]), 'dns'];
  manifest.browser_specific_settings = {
    gecko: {
      id: GECKO_ID,
      strict_min_version: FIREFOX_MIN_VERSION,
      // Nothing is collected by default. The outside checks the visitor allows send the failing
      // site's name (browsing activity): optional, requested when a source that sends it is first
      // allowed (platform/data-collection.ts), and checked before each outside check.
      data_collection_permissions: { required: ['none'], optional: ['browsingActivity'] },
    },
    gecko_android: { strict_min_version: FIREFOX_ANDROID_MIN_VERSION },
  };
  return manifest;
}
