// Updates keep user data: install the 0.1.0 build, make every kind of choice a user makes (settings
// and per-site choices through the options page, consent, a history entry from a real 502, a
// "don't show the panel on this site" choice), then install the current package over it in the
// same profile and check that all of it is still there, read through the new build, and that the new
// build's own code ran (its migration wrote the current schema version).
//   Chromium: loaded with "Load unpacked" (DevTools Extensions.loadUnpacked); then, as the README's
//             "Updates" says, the new Chrome zip is unzipped over the same folder and the reload arrow on
//             Downcheck's card in chrome://extensions is pressed (same folder, same extension id).
//   Firefox:  the new zip is installed over the running temporary add-on (same add-on id), as an
//             update from addons.mozilla.org replaces the add-on in place.
// 0.1.0 is built from its commit (RELEASE_0_1_0) at test time (git archive, this checkout's node_modules,
// ~5 s), cached in .tmp/releases/<commit>/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { packageNames } from '../../scripts/package.mjs';
import { readZip, unzipTo } from '../../scripts/zip.mjs';
import { BROWSERS, launchChromium, launchFirefox, openExtensionPage, poll } from './browsers.mjs';
import { useDemoSite } from './demo.mjs';

/** The commit released as 0.1.0 (CHANGELOG.md). */
export const RELEASE_0_1_0 = 'c0d9765';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const NAMES = packageNames(version);
const site = useDemoSite();
const temporary = [];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/**
 * dist/{chrome,firefox} of `commit`, built once and kept in .tmp/releases/<commit>. Built in a folder of its own and
 * renamed into place, as the e2e processes of both browsers may build it at once (test/e2e/run.mjs).
 */
function buildRelease(commit) {
  const dir = join(ROOT, '.tmp', 'releases', commit);
  const built = () => existsSync(join(dir, 'dist', 'chrome', 'manifest.json')) && existsSync(join(dir, 'dist', 'firefox', 'manifest.json'));
  if (built()) return dir;
  mkdirSync(join(ROOT, '.tmp', 'releases'), { recursive: true });
  const building = mkdtempSync(join(ROOT, '.tmp', 'releases', `${commit}-building-`));
  try {
    buildReleaseIn(building, commit);
    if (existsSync(dir) && !built()) rmSync(dir, { recursive: true, force: true }); // half a build made in place, as builds once were
    renameSync(building, dir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!built()) throw error; // else the other process's build is in place
  }
  return dir;
}

function buildReleaseIn(dir, commit) {
  const sh = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} in ${dir} failed:\n${r.stdout}\n${r.stderr}`);
  };
  const archive = spawnSync('git', ['-C', ROOT, 'archive', '--format=tar', commit], { maxBuffer: 256 * 1024 * 1024 });
  if (archive.status !== 0) {
    // A shallow clone lacks the commit: use the stored copy of its two builds (made from the same commit).
    const stored = join(ROOT, 'test', 'fixtures', 'releases', 'downcheck-0.1.0-dist.tar.gz');
    if (commit !== RELEASE_0_1_0 || !existsSync(stored)) throw new Error(`git archive ${commit} failed: ${archive.stderr}`);
    sh('tar', ['-xzf', stored, '-C', dir]);
    return;
  }
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  sh('npx', ['--no-install', 'vite', 'build', '--mode', 'chrome', '--logLevel', 'error']);
  sh('npx', ['--no-install', 'vite', 'build', '--mode', 'firefox', '--logLevel', 'error']);
}

const CHOICES = {
  consent: { dns: true, vantage: false, statusPage: false, archive: true },
  autoRetry: false,
  giveUp: '10',
  always: 'always.example',
  never: 'never.example',
  panelHidden: 'hidden.example',
};

/** Opens the options page of the extension in `browser` and waits until it has filled its form. */
const openOptions = (browser) =>
  openExtensionPage(browser, '/src/options/index.html', {
    ready: () => document.getElementById('app')?.getAttribute('aria-busy') === 'false' && !!document.getElementById('give-up')?.value,
    what: 'the options page',
  });

/** The user's choices, made in the 0.1.0 build as a user would: the options form, a 502 visit, the panel's "not here". */
async function makeChoices(browser) {
  const options = await openOptions(browser);
  await options.evaluate((c) => {
    const $ = (id) => document.getElementById(id);
    for (const [source, on] of Object.entries(c.consent)) $(`consent-${source}`).checked = on;
    $('auto-retry').checked = c.autoRetry;
    $('give-up').value = c.giveUp;
    $('always-sites').value = c.always;
    $('never-sites').value = c.never;
    $('save').click();
  }, CHOICES);
  await poll(async () => ((await options.evaluate(() => document.getElementById('status').textContent)) ? true : undefined), {
    what: 'saved',
  });
  await options.close();

  // "Don't show on this site" (the panel's button; its closed shadow root is out of a test's reach):
  // the same change to the stored settings, made by the 0.1.0 build's own code path (sync, else local).
  await browser.extEval(async (host) => {
    const api = globalThis.browser ?? globalThis.chrome;
    const area = api.storage.sync ?? api.storage.local;
    const { settings } = await area.get('settings');
    await area.set({ settings: { ...settings, panelHidden: [host] } });
  }, CHOICES.panelHidden);

  // History: a real 502, recorded by the 0.1.0 build.
  const page = await browser.openPage(`${site.urls.start}?upgrade=${browser.name}`);
  await browser.tabIdOf(page);
  await browser.navigateInPage(page, `${site.urls.badGateway}?from=0.1.0`);
  await poll(
    async () => {
      const { history } = await browser.extEval(() => (globalThis.browser ?? globalThis.chrome).storage.local.get('history'));
      return Array.isArray(history) && history.length > 0 ? true : undefined;
    },
    { timeoutMs: 8000, what: 'the 0.1.0 build recording the 502 in its history' },
  );
  await page.close();
}

/**
 * Chromium: what the README's "Updates" tells a user to do after unzipping the new package over the
 * folder: chrome://extensions, Developer mode on, the reload arrow on Downcheck's card. Chrome then
 * reads the folder again and registers the new worker script (without it, the old registration's
 * cached 0.1.0 worker keeps running, even across a browser restart).
 */
async function pressReload(browser) {
  const page = await browser.openPage('chrome://extensions/');
  try {
    const developerMode = page.locator('extensions-toolbar #devMode');
    if ((await developerMode.getAttribute('aria-checked')) !== 'true') await developerMode.click();
    await page.locator(`extensions-item#${browser.extensionId} #dev-reload-button`).click();
  } finally {
    await page.close();
  }
}

const SCHEMA_VERSION = Number(
  /export const SCHEMA_VERSION = (\d+)/.exec(readFileSync(join(ROOT, 'src/core/schema/version.ts'), 'utf8'))?.[1],
);

/**
 * Where `actual` (runtime.getManifest()) differs from the manifest file `expected`: every key of the file
 * must be deep-equal, except that the browser fills in `__MSG_*__` strings, may add keys of its own and
 * (Firefox) gives file paths as full moz-extension:// URLs.
 */
const extensionFile = (value) => value.replace(/^[a-z]+-extension:\/\/[^/]+\//, '').replace(/^\//, '');
const manifestDifferences = (actual, expected, path = 'manifest') => {
  if (typeof expected === 'string' && /^__MSG_\w+__$/.test(expected)) return typeof actual === 'string' ? [] : [path];
  if (typeof expected === 'string' && typeof actual === 'string') return extensionFile(actual) === extensionFile(expected) ? [] : [path];
  if (expected === null || typeof expected !== 'object') return isDeepStrictEqual(actual, expected) ? [] : [path];
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual) !== Array.isArray(expected)) return [path];
  if (Array.isArray(expected) && actual.length !== expected.length) return [path];
  return Object.entries(expected).flatMap(([k, v]) => manifestDifferences(actual[k], v, `${path}.${k}`));
};

/**
 * Everything the user chose, read through the new build once it runs: its manifest, the schema
 * version its migration writes, its options page (settings, consent, per-site retry choices, hidden
 * sites) and its storage (the same, and the history).
 */
async function assertChoicesKept(browser, newManifest) {
  assert.ok(SCHEMA_VERSION >= 2, 'SCHEMA_VERSION read from src/core/schema/version.ts');
  // The two manifests differ beyond the version (0.1.0 had no commands, omnibox, contextMenus).
  await poll(
    async () => {
      const running = await browser.extEval(() => (globalThis.browser ?? globalThis.chrome).runtime.getManifest());
      const differences = manifestDifferences(running, newManifest);
      if (differences.length) throw new Error(`differs in ${differences.join(', ')}: ${JSON.stringify(running)}`);
      return true;
    },
    { timeoutMs: 10_000, what: "the new build's manifest in the running extension" },
  );
  // The new worker's migration (background/index.ts, at every start) ran: 0.1.0 stored no version.
  const schema = await poll(
    async () => {
      const { schema: s } = await browser.extEval(() => (globalThis.browser ?? globalThis.chrome).storage.local.get('schema'));
      return s === SCHEMA_VERSION ? s : undefined;
    },
    { timeoutMs: 10_000, what: `schema version ${SCHEMA_VERSION} written by the new build's migration` },
  ).catch(async (error) => {
    const { schema: s } = await browser.extEval(() => (globalThis.browser ?? globalThis.chrome).storage.local.get('schema'));
    throw new Error(`${error.message} (stored: ${JSON.stringify(s)})`);
  });
  assert.equal(schema, SCHEMA_VERSION, 'stored data migrated to the current schema');

  const options = await openOptions(browser);
  const form = await options.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    return {
      consent: Object.fromEntries(['dns', 'vantage', 'statusPage', 'archive', 'connectivity'].map((s) => [s, $(`consent-${s}`).checked])),
      autoRetry: $('auto-retry').checked,
      giveUp: $('give-up').value,
      always: $('always-sites').value.trim(),
      never: $('never-sites').value.trim(),
      hidden: [...$('hidden-sites').querySelectorAll('[data-action="show-again"]')].map((b) => b.dataset.host),
      panel: $('panel').checked,
      notifications: $('notifications').checked,
    };
  });
  await options.close();
  assert.deepEqual(
    form,
    {
      // connectivity is a consent source 0.1.0 did not have: an update must not turn it on.
      consent: { ...CHOICES.consent, connectivity: false },
      autoRetry: CHOICES.autoRetry,
      giveUp: CHOICES.giveUp,
      always: CHOICES.always,
      never: CHOICES.never,
      hidden: [CHOICES.panelHidden],
      // Settings 0.1.0 did not have keep their defaults.
      panel: true,
      notifications: true,
    },
    'the options page of the new build shows the choices made in 0.1.0',
  );

  const stored = await browser.extEval(async () => {
    const api = globalThis.browser ?? globalThis.chrome;
    const local = await api.storage.local.get(null);
    const sync = api.storage.sync ? await api.storage.sync.get(['settings', 'consent']).catch(() => ({})) : {};
    return { local, sync };
  });
  const settings = stored.local.settings ?? stored.sync.settings;
  assert.deepEqual(
    {
      autoRetry: settings?.autoRetry,
      giveUpMinutes: settings?.giveUpMinutes,
      alwaysRetry: settings?.alwaysRetry,
      neverRetry: settings?.neverRetry,
      panelHidden: settings?.panelHidden,
    },
    {
      autoRetry: CHOICES.autoRetry,
      giveUpMinutes: Number(CHOICES.giveUp),
      alwaysRetry: [CHOICES.always],
      neverRetry: [CHOICES.never],
      panelHidden: [CHOICES.panelHidden],
    },
    `stored settings kept: ${JSON.stringify(settings)}`,
  );
  const consent = stored.local.consent ?? stored.sync.consent;
  for (const [source, on] of Object.entries(CHOICES.consent)) {
    assert.equal(consent?.[source] === true, on, `stored consent for ${source} kept: ${JSON.stringify(consent)}`);
  }
  const history = stored.local.history;
  assert.ok(Array.isArray(history) && history.length >= 1, `history kept: ${JSON.stringify(history)}`);
  const entry = history.find((e) => e.status === 502 && e.host === '127.0.0.1');
  assert.ok(entry, `the 502 recorded by 0.1.0 is in the history: ${JSON.stringify(history)}`);
  // Schema 2 keeps origin + path only: the migration cut the query 0.1.0 stored.
  const badGateway = new URL(site.urls.badGateway);
  assert.equal(entry.url, badGateway.origin + badGateway.pathname, 'the history entry, migrated to origin + path');
}

describe(`update from 0.1.0 (${RELEASE_0_1_0}) to ${version} keeps user data`, () => {
  let release;
  before(() => {
    release = buildRelease(RELEASE_0_1_0);
  });

  if (BROWSERS.includes('chromium')) {
    it('chromium: the new zip unzipped over the unpacked folder, then reload pressed', { timeout: 90_000 }, async () => {
      const folder = mkdtempSync(join(tmpdir(), 'downcheck-upgrade-ext-'));
      temporary.push(folder);
      cpSync(join(release, 'dist', 'chrome'), folder, { recursive: true });
      const browser = await launchChromium({ extensionDir: folder, loadUnpacked: true });
      try {
        const manifest = await browser.extEval(() => chrome.runtime.getManifest());
        assert.equal(manifest.version, '0.1.0');
        await makeChoices(browser);
        // README "Updates": unzip the new Chrome zip over the same folder, press reload on Downcheck's card.
        unzipTo(join(ROOT, 'artifacts', NAMES.chrome), folder);
        await pressReload(browser);
        await assertChoicesKept(browser, JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')));
      } finally {
        await browser.close();
      }
    });
  }

  if (BROWSERS.includes('firefox')) {
    it('firefox: the new zip installed over the running 0.1.0 add-on', { timeout: 90_000 }, async () => {
      const browser = await launchFirefox({ extensionDir: join(release, 'dist', 'firefox') });
      try {
        const manifest = await browser.extEval(() => globalThis.browser.runtime.getManifest());
        assert.equal(manifest.version, '0.1.0');
        await makeChoices(browser);
        const zip = join(ROOT, 'artifacts', NAMES.firefox);
        await browser.installExtension(zip);
        const newManifest = readZip(readFileSync(zip)).find((e) => e.name === 'manifest.json');
        await assertChoicesKept(browser, JSON.parse(newManifest.data.toString('utf8')));
      } finally {
        await browser.close();
      }
    });
  }
});
