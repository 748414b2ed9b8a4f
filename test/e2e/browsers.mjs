// Real browsers with the built extension loaded, behind one small uniform interface, so a scenario
// is written once and runs in Chromium (playwright-core) and Firefox (puppeteer-core, WebDriver BiDi).
// Launch recipes: shared/reference/toolchain.md. No tool may download a browser: both use the
// system binaries (override with CHROMIUM_PATH / FIREFOX_PATH).
import { fileURLToPath } from 'node:url';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { readZip } from '../../scripts/zip.mjs';

export const GECKO_ID = 'downcheck@downcheck.dev';
/** Fixed so moz-extension:// URLs are known before the add-on is installed. */
export const FIREFOX_UUID = '6d2c1c3e-5f1a-4b7e-9c1d-0d0c0ec0de01';
const EXTENSION_PAGE = '/src/popup/index.html';

/**
 * Where Firefox evaluates extension code. Any moz-extension:// document of ours gets the
 * extension API, even an image; one that runs no extension script of its own is best, because
 * the popup or options page may act on the active tab when opened. The icon, else the manifest.
 */
function neutralExtensionPath(dir) {
  try {
    const manifest = dir.endsWith('.zip')
      ? readZip(readFileSync(dir))
          .find((e) => e.name === 'manifest.json')
          ?.data.toString('utf8')
      : readFileSync(join(dir, 'manifest.json'), 'utf8');
    const { icons = {} } = JSON.parse(manifest ?? '{}');
    const icon = Object.values(icons)[0];
    if (typeof icon === 'string') return `/${icon.replace(/^\//, '')}`;
  } catch {
    /* fall through */
  }
  return '/manifest.json';
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Retries `fn` until it returns a value other than undefined, or throws the last error at the deadline. */
export async function poll(fn, { timeoutMs = 5000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Waits for `promise` at most `ms`; the timer does not keep the process alive. */
const withTimeout = (promise, ms) => {
  let timer;
  const timeout = new Promise((r) => {
    timer = setTimeout(r, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

const readProc = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** Our own processes only: those whose command line names this run's fresh profile dir, and their descendants. */
function processesOf(profileDir) {
  let all = [];
  try {
    all = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return []; // not Linux: rely on the drivers' own clean-up
  }
  const found = new Set(all.filter((pid) => readProc(`/proc/${pid}/cmdline`).includes(profileDir)));
  // Firefox's content processes do not name the profile; they are children of the one that does.
  for (const pid of found) {
    for (const child of readProc(`/proc/${pid}/task/${pid}/children`).split(' ').filter(Boolean)) found.add(child);
  }
  return [...found].map(Number);
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return readProc(`/proc/${pid}/stat`).split(' ')[2] !== 'Z';
  } catch {
    return false;
  }
};

/**
 * Closes a browser for good: graceful close first, then SIGKILL for any of its processes still
 * there, and only when they are all gone deletes the profile (a browser still flushing its
 * databases would otherwise re-create files in a directory we just removed).
 */
async function shutDown(profileDir, gracefulClose, { keepProfile = false } = {}) {
  const pids = processesOf(profileDir);
  await withTimeout(
    gracefulClose().catch(() => undefined),
    10_000,
  );
  const remaining = () => [...new Set([...pids, ...processesOf(profileDir)])].filter(alive);
  await poll(() => (remaining().length === 0 ? true : undefined), { timeoutMs: 3000, intervalMs: 50 }).catch(() => undefined);
  for (const pid of remaining()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
  }
  await poll(() => (remaining().length === 0 ? true : undefined), { timeoutMs: 3000, intervalMs: 50 }).catch(() => undefined);
  if (!keepProfile) rmSync(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

/** Starts an in-page navigation (`location.href = url`): Firefox reports the real tab id only for those. */
async function startInPageNavigation(evaluate, url) {
  try {
    await evaluate(url);
  } catch (error) {
    // The old document may be torn down before the evaluation reports back; the navigation still happens.
    if (!/context|destroyed|navigat|detached|closed|discarded/i.test(String(error?.message))) throw error;
  }
}

/** The flags every headless Chromium of the tests and the bench starts with (beside the extensions it loads). */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox', // as root the sandbox cannot start
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Chromium re-loads its own network error pages on a timer (1 s, 5 s, …): scenarios that count page loads must see
  // the extension's reload alone, not a race with the browser's.
  '--disable-auto-reload',
]);

/** Loads these unpacked extensions, and only these (Playwright passes --disable-extensions; this is the exception). */
export const loadExtensionArgs = (dirs) => [`--disable-extensions-except=${dirs.join(',')}`, `--load-extension=${dirs.join(',')}`];

/**
 * Chromium with the extension loaded unpacked.
 * `profileDir`: use (and keep) this profile instead of a fresh temporary one (the upgrade test).
 * `loadUnpacked`: no command-line flag; the folder is loaded as the "Load unpacked" button of
 * chrome://extensions does (DevTools `Extensions.loadUnpacked`), in a profile that allows extensions.
 * `allowPrivate`: "Allow in Incognito" switched on in chrome://extensions (the extension reloads).
 * @param {{ extensionDir: string, headless?: boolean, args?: string[], profileDir?: string, loadUnpacked?: boolean, allowPrivate?: boolean }} options
 */
export async function launchChromium({
  extensionDir,
  headless = true,
  args = [],
  profileDir: ownProfile,
  loadUnpacked = false,
  allowPrivate = false,
}) {
  const dir = resolve(extensionDir);
  const profileDir = ownProfile ?? mkdtempSync(join(tmpdir(), 'downcheck-chromium-'));
  const keepProfile = ownProfile !== undefined;
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless,
      ...(loadUnpacked ? { ignoreDefaultArgs: ['--disable-extensions'] } : {}),
      args: [
        ...(loadUnpacked
          ? ['--enable-unsafe-extension-debugging'] // lets the remote protocol (a pipe, as Playwright uses) load extensions
          : loadExtensionArgs([dir])),
        ...CHROMIUM_ARGS,
        ...args,
      ],
    });
  } catch (error) {
    if (!keepProfile) rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
  if (loadUnpacked) {
    try {
      const cdp = await context.browser().newBrowserCDPSession();
      await cdp.send('Extensions.loadUnpacked', { path: dir });
      await cdp.detach();
    } catch (error) {
      await shutDown(profileDir, () => context.close(), { keepProfile });
      throw new Error(`Load unpacked of ${dir} failed: ${error.message}`);
    }
  }

  // Worker handles that stopWorker() stopped: Playwright keeps listing them, and evaluating in one hangs.
  const stale = new WeakSet();
  const liveWorker = () => context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://') && !stale.has(w));
  let extensionId;
  try {
    const first = liveWorker() ?? (await context.waitForEvent('serviceworker', { timeout: 5000 }));
    extensionId = new URL(first.url()).host;
  } catch (error) {
    await shutDown(profileDir, () => context.close(), { keepProfile });
    throw new Error(`The extension's service worker did not start (is ${dir} a Chrome build?): ${error.message}`);
  }
  if (allowPrivate) {
    try {
      await allowInIncognito(context, extensionId, stale);
      await poll(() => (liveWorker() ? true : undefined), { timeoutMs: 10_000, what: 'the worker after "Allow in Incognito"' });
    } catch (error) {
      await shutDown(profileDir, () => context.close(), { keepProfile });
      throw error;
    }
  }

  // After stopWorker() Playwright may not get a handle on the restarted worker; an extension page
  // of ours has the same API (storage.session, action, tabs) and does not wake the worker.
  let extPage;
  const extensionPage = async () => {
    if (extPage && !extPage.isClosed()) return extPage;
    extPage = await context.newPage();
    await extPage.goto(`chrome-extension://${extensionId}${neutralExtensionPath(dir)}`);
    return extPage;
  };

  const extEval = async (fn, arg) => {
    const w = liveWorker();
    if (w) return w.evaluate(fn, arg);
    return (await extensionPage()).evaluate(fn, arg);
  };

  /**
   * Stops the extension's service worker, as Chrome does when it is idle (the Chrome samples'
   * terminate-service-worker test). Playwright stays attached to workers, which keeps them alive,
   * so this goes through the DevTools ServiceWorker domain. Chrome may start it again at once.
   */
  const stopWorker = async () => {
    const page = context.pages().find((p) => p !== extPage) ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    try {
      const scope = `chrome-extension://${extensionId}/`;
      const stopped = new Promise((resolve) => {
        cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
          if (versions.some((v) => v.scriptURL.startsWith(scope) && v.runningStatus === 'stopped')) resolve();
        });
      });
      await cdp.send('ServiceWorker.enable');
      for (const w of context.serviceWorkers()) stale.add(w);
      await cdp.send('ServiceWorker.stopAllWorkers');
      await withTimeout(stopped, 5000);
    } finally {
      await cdp.detach().catch(() => undefined);
    }
  };

  /**
   * The worker's JS heap over the DevTools protocol (`Runtime.getHeapUsage` on its target), after a
   * full garbage collection: `{ usedSize, totalSize }` in bytes, or undefined when no worker runs.
   * Attached through the browser session without flattening, so Playwright's own session is untouched.
   */
  const workerHeap = async () => {
    const cdp = await context.browser().newBrowserCDPSession();
    try {
      const { targetInfos } = await cdp.send('Target.getTargets');
      const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`));
      if (!target) return undefined;
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
      let next = 0;
      const waiting = new Map();
      cdp.on('Target.receivedMessageFromTarget', (e) => {
        if (e.sessionId !== sessionId) return;
        const message = JSON.parse(e.message);
        waiting.get(message.id)?.(message);
      });
      const send = (method, params = {}) =>
        withTimeout(
          new Promise((resolve) => {
            next += 1;
            waiting.set(next, resolve);
            void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: next, method, params }) });
          }),
          5000,
        );
      await send('HeapProfiler.collectGarbage');
      const answer = await send('Runtime.getHeapUsage');
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      return answer?.result ? { usedSize: answer.result.usedSize, totalSize: answer.result.totalSize } : undefined;
    } finally {
      await cdp.detach().catch(() => undefined);
    }
  };

  return {
    name: 'chromium',
    extensionId,
    extensionUrl: (path = EXTENSION_PAGE) => `chrome-extension://${extensionId}${path}`,
    context,
    async openPage(url) {
      const page = await context.newPage();
      if (url) await page.goto(url);
      return page;
    },
    async navigateInPage(page, url) {
      const committed = page
        .waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 10_000 })
        .catch(() => undefined);
      await startInPageNavigation((u) => page.evaluate((to) => void (location.href = to), u), url);
      await committed;
    },
    extEval,
    /** Evaluates in an extension page of ours, never in the worker (measuring the worker must not change it). */
    pageEval: async (fn, arg) => (await extensionPage()).evaluate(fn, arg),
    workerHeap,
    stopWorker,
    tabIdOf: (page) => tabIdOf(extEval, page.url()),
    close: () => shutDown(profileDir, () => context.close(), { keepProfile }),
  };
}

/**
 * Switches on "Allow in Incognito" as its toggle in chrome://extensions does (that page's developerPrivate API). The
 * toggle reloads the extension, which Chromium allows for an extension loaded from the command line in developer mode only.
 */
async function allowInIncognito(context, extensionId, stale) {
  const page = await context.newPage();
  try {
    await page.goto(`chrome://extensions/?id=${extensionId}`);
    for (const w of context.serviceWorkers()) stale.add(w); // the reload ends this worker
    const access = await page.evaluate(async (id) => {
      const api = globalThis.chrome.developerPrivate;
      await api.updateProfileConfiguration({ inDeveloperMode: true });
      await api.updateExtensionConfiguration({ extensionId: id, incognitoAccess: true });
      return (await api.getExtensionInfo(id)).incognitoAccess;
    }, extensionId);
    if (!access?.isActive) throw new Error(`"Allow in Incognito" did not take: ${JSON.stringify(access)}`);
  } finally {
    await page.close().catch(() => undefined);
  }
}

let firefoxTemplate;
/**
 * An empty Firefox profile that has been started once (no add-on, no page visited, no pref of
 * ours). Firefox spends about 2 s creating its databases in an empty directory; a copy of this
 * starts in about 1.3 s instead of 3–3.5 s. Made once per Firefox binary (path, size, mtime) and kept
 * in .tmp/, shared by the test files (each runs in a process of its own); built in a temporary
 * directory and renamed into place, so a half-made one is never used.
 */
function firefoxProfileTemplate(headless) {
  firefoxTemplate ??= (async () => {
    const { size, mtimeMs } = statSync(FIREFOX_PATH);
    const key = `${FIREFOX_PATH.replace(/[^\w.-]+/g, '_')}-${size}-${Math.round(mtimeMs)}`;
    const parent = join(ROOT, '.tmp', 'firefox-profile-template');
    const template = join(parent, key);
    if (existsSync(join(template, 'prefs.js'))) return template;
    mkdirSync(parent, { recursive: true });
    const building = mkdtempSync(join(parent, 'building-'));
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless, userDataDir: building });
    await shutDown(building, () => browser.close(), { keepProfile: true });
    for (const lock of ['lock', '.parentlock']) rmSync(join(building, lock), { force: true });
    try {
      renameSync(building, template);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another process made it meanwhile
    }
    if (!existsSync(join(template, 'prefs.js'))) throw new Error(`no Firefox profile template in ${template}`);
    return template;
  })();
  return firefoxTemplate;
}

/**
 * Firefox with the extension installed temporarily over WebDriver BiDi, as about:debugging's
 * "Load Temporary Add-on…" does. `extensionDir` may be the unpacked folder or the package zip itself.
 * `installExtension(path)` on the result installs another build over it (same add-on id: an update).
 * Each launch gets a profile of its own, copied from firefoxProfileTemplate(); `emptyProfile` starts
 * from an empty directory instead, as a new user's first start does (the install test). `prefs`: more
 * preferences for this launch (e.g. `network.dns.localDomains`, names that resolve to the loopback).
 * `acceptInsecureCerts`: every certificate is accepted, by the pages and the extension alike (WebDriver's
 * capability; Firefox's counterpart of Chromium's --ignore-certificate-errors, for local stand-ins).
 * `allowPrivate`: the add-on may run in private windows, as about:addons' "Run in Private Windows" grants it.
 * @param {{ extensionDir: string, headless?: boolean, emptyProfile?: boolean, prefs?: Record<string, unknown>, acceptInsecureCerts?: boolean,
 *   allowPrivate?: boolean }} options
 */
export async function launchFirefox({
  extensionDir,
  headless = true,
  emptyProfile = false,
  prefs = {},
  acceptInsecureCerts = false,
  allowPrivate = false,
}) {
  const dir = resolve(extensionDir);
  const profileDir = mkdtempSync(join(tmpdir(), 'downcheck-firefox-'));
  if (!emptyProfile) cpSync(await firefoxProfileTemplate(headless), profileDir, { recursive: true });
  let browser;
  const cleanUp = () => shutDown(profileDir, async () => browser?.close());
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless,
      userDataDir: profileDir,
      acceptInsecureCerts,
      // Without it, navigating to moz-extension:// from the remote protocol is refused.
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
        // permissions.request (the "browsing activity" data collection permission) grants without
        // showing its doorhanger, which headless Firefox cannot click; it still needs a real click.
        'extensions.webextOptionalPermissionPrompts': false,
        ...prefs,
      },
    });
    await browser.installExtension(dir);
    if (allowPrivate) await allowInPrivateWindows(browser);
  } catch (error) {
    await cleanUp();
    throw error;
  }

  const base = `moz-extension://${FIREFOX_UUID}`;
  const evalUrl = `${base}${neutralExtensionPath(dir)}`;
  // One extension page per browser, opened lazily and reused: evaluating there is evaluating in the extension.
  let extPage;
  const extensionPage = async () => {
    if (extPage && !extPage.isClosed()) return extPage;
    const page = await browser.newPage();
    // goto never resolves for extension pages: start it, then poll until the page is ours.
    page.goto(evalUrl).catch(() => undefined);
    await poll(
      async () =>
        (await page.evaluate(() => location.protocol === 'moz-extension:' && typeof globalThis.browser === 'object')) ? true : undefined,
      { timeoutMs: 10_000, what: `extension page ${evalUrl}` },
    );
    extPage = page;
    return page;
  };

  const extEval = async (fn, arg) => (await extensionPage()).evaluate(fn, arg);

  return {
    name: 'firefox',
    extensionId: FIREFOX_UUID,
    extensionUrl: (path = EXTENSION_PAGE) => `${base}${path}`,
    browser,
    async openPage(url) {
      const page = await browser.newPage();
      if (url) await page.goto(url);
      return page;
    },
    async navigateInPage(page, url) {
      // waitForNavigation never settles when the result is a network error page (about:neterror),
      // so wait for the page's URL to change instead: that happens when the new document commits.
      const before = page.url();
      await startInPageNavigation((u) => page.evaluate((to) => void (location.href = to), u), url);
      await poll(() => (page.url() !== before ? true : undefined), {
        timeoutMs: 10_000,
        intervalMs: 50,
        what: `navigation to ${url}`,
      }).catch(() => undefined);
    },
    extEval,
    pageEval: extEval,
    /** No remote protocol reads a Firefox background page's heap. */
    workerHeap: async () => undefined,
    async stopWorker() {
      throw new Error('No remote protocol command stops a Firefox background page.');
    },
    async installExtension(path) {
      // The old build's pages go away with it; the next extEval opens one of the new build.
      await extPage?.close().catch(() => undefined);
      extPage = undefined;
      await browser.installExtension(resolve(path));
    },
    tabIdOf: (page) => tabIdOf(extEval, page.url()),
    close: cleanUp,
  };
}

/**
 * Grants the add-on's hidden `internal:privateBrowsingAllowed` permission as about:addons does, in the browser's own
 * (privileged) window over WebDriver BiDi, which `--remote-allow-system-access` opens to the driver.
 */
async function allowInPrivateWindows(browser) {
  const { result } = await browser.connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  const chromeWindow = result.contexts[0]?.context;
  if (!chromeWindow) throw new Error('no privileged Firefox window to grant private-window access from');
  const { result: answer } = await browser.connection.send('script.evaluate', {
    expression: `(async (id) => {
      const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
      const policy = WebExtensionPolicy.getByID(id);
      await ExtensionPermissions.add(id, { permissions: ['internal:privateBrowsingAllowed'], origins: [] }, policy?.extension);
      return WebExtensionPolicy.getByID(id)?.privateBrowsingAllowed === true;
    })(${JSON.stringify(GECKO_ID)})`,
    target: { context: chromeWindow },
    awaitPromise: true,
  });
  if (answer.type !== 'success' || answer.result.value !== true) {
    throw new Error(`private-window access not granted: ${JSON.stringify(answer.exceptionDetails?.text ?? answer.result)}`);
  }
}

/**
 * The extension's id for the tab showing `url` (it has host permissions for http(s), so tab URLs
 * are visible without the "tabs" permission). Give each test page a unique URL.
 */
async function tabIdOf(extEval, url) {
  return poll(
    async () => {
      const ids = await extEval(async (wanted) => {
        const api = globalThis.browser ?? globalThis.chrome;
        const tabs = await api.tabs.query({});
        return tabs.filter((t) => t.url === wanted).map((t) => t.id);
      }, url);
      if (ids.length > 1) throw new Error(`${ids.length} tabs show ${url}: give each test page a unique URL`);
      return ids[0];
    },
    { what: `the tab showing ${url}` },
  );
}

/** The readiness every extension page of ours signals: `#app` says it is no longer busy (it has drawn). */
const drawn = () => document.getElementById('app')?.getAttribute('aria-busy') === 'false';

/**
 * Opens extension page `path` (e.g. '/src/options/index.html?welcome=1') in a tab of its own and
 * resolves with the page once it is ready: by default once `#app` has `aria-busy="false"`.
 * `tabId`: adds `tab=<id>` to the query (the popup's full-guide form for that tab).
 * `ready`: another readiness, a CSS selector that must match or a function evaluated in the page.
 * `viewport`: `{ width, height }`, set before the page loads; `colorScheme`: 'light' | 'dark' (Chromium only).
 * `page`: a page already open to use (e.g. one already watched for errors) instead of a new one.
 * @param {{ tabId?: number, ready?: string | (() => unknown), what?: string, timeoutMs?: number, intervalMs?: number,
 *   viewport?: { width: number, height: number }, colorScheme?: 'light' | 'dark', page?: any }} [options]
 */
export async function openExtensionPage(browser, path, options = {}) {
  const { tabId, ready = drawn, what = `${path} to draw`, timeoutMs = 10_000, intervalMs = 100, viewport, colorScheme } = options;
  const page = options.page ?? (await browser.openPage());
  const url = browser.extensionUrl(tabId === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}tab=${tabId}`);
  if (browser.name === 'chromium') {
    if (viewport) await page.setViewportSize(viewport);
    if (colorScheme) await page.emulateMedia({ colorScheme });
    await page.goto(url);
  } else {
    if (viewport) await page.setViewport(viewport).catch(() => undefined);
    page.goto(url).catch(() => undefined); // Firefox: goto never settles for moz-extension:// pages; poll instead
  }
  const isReady =
    typeof ready === 'function' ? () => page.evaluate(ready) : () => page.evaluate((s) => document.querySelector(s) !== null, ready);
  await poll(async () => ((await isReady()) ? true : undefined), { timeoutMs, intervalMs, what });
  return page;
}

/** Launches by name: 'chromium' | 'firefox'. */
export function launchBrowser(name, options) {
  if (name === 'chromium') return launchChromium(options);
  if (name === 'firefox') return launchFirefox(options);
  throw new Error(`Unknown browser "${name}" (expected chromium or firefox)`);
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * The extension per browser: the store packages (artifacts/downcheck-<version>-chrome.zip and -firefox.zip)
 * as run.mjs unzips them, so what is tested is what ships.
 */
export const EXTENSION_DIRS = { chromium: `${ROOT}.tmp/e2e-packages/chrome`, firefox: `${ROOT}.tmp/e2e-packages/firefox` };
/** The browsers to run, from E2E_BROWSERS (default: both). */
export const BROWSERS = (process.env.E2E_BROWSERS ?? 'chromium,firefox')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

/**
 * Whether this process runs the tests that need no browser (install.e2e.mjs's README check): run.mjs runs the
 * browsers in processes of their own and sets E2E_BROWSER_FREE=0 in all but the first, so each runs once.
 */
export const BROWSER_FREE = process.env.E2E_BROWSER_FREE !== '0';

/** One value of the extension's storage.session, read in its own context. */
export const session = (browser, key) =>
  browser.extEval(async (k) => (await (globalThis.browser ?? globalThis.chrome).storage.session.get(k))[k], key);
export const setSession = (browser, key, value) =>
  browser.extEval(async ([k, v]) => (globalThis.browser ?? globalThis.chrome).storage.session.set({ [k]: v }), [key, value]);

/** The finished local diagnosis of the tab's incident, as the extension wrote it. */
export const finishedDiagnosis = (browser, tabId) =>
  poll(
    async () => {
      const [incident, d] = await Promise.all([session(browser, `incident:${tabId}`), session(browser, `diagnosis:${tabId}`)]);
      return incident && d?.done && d.incidentTime === incident.time ? { incident, d } : undefined;
    },
    { timeoutMs: 15_000, what: `the finished local diagnosis of tab ${tabId}` },
  );

/** Every text in the page's closed shadow roots (the panel's), through the DevTools protocol (Chromium only). */
export async function shadowText(cdp) {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const texts = [];
  const walk = (node, inShadow) => {
    if (inShadow && node.nodeType === 3 && node.nodeValue.trim()) texts.push(node.nodeValue.trim());
    if (node.nodeName === 'STYLE') return;
    for (const child of node.children ?? []) walk(child, inShadow);
    for (const shadow of node.shadowRoots ?? []) walk(shadow, inShadow || shadow.shadowRootType === 'closed');
  };
  walk(root, false);
  return texts.join(' ');
}

/** A fresh browser (and profile) with the built extension for one scenario, always closed afterwards. */
export async function withBrowser(name, scenario) {
  const browser = await launchBrowser(name, { extensionDir: EXTENSION_DIRS[name] });
  try {
    await scenario(browser);
  } finally {
    await browser.close();
  }
}
