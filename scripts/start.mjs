// `npm start`: build the Chrome version, start the demo site (real nginx + small node upstreams)
// and open it in a Chromium-family browser with Downcheck loaded, in a fresh throw-away profile.
//
//   DOWNCHECK_BROWSER=/path/to/chromium   browser to use (default /usr/bin/chromium, then
//                                         google-chrome / chromium-browser / chromium on PATH)
//   DOWNCHECK_HEADLESS=1                  no window: for machines without a display
//   DOWNCHECK_PORT=8080                   fixed port for the demo site (default: any free port)
//   CROWD_PORT=8787, CROWD_DB=…           the crowd service started beside it (see docs/crowd-service.md); the build
//                                         gets its address as DOWNCHECK_CROWD_URL unless that is already set
//
// Ctrl-C stops the browser, nginx, the crowd service and the node servers (by their own pids) and deletes the profile.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoSite } from '../test/fixtures/demo-site.mjs';
import { startCrowdProcess } from './crowd-process.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXTENSION_DIR = join(ROOT, 'dist', 'chrome');
const headless = process.env.DOWNCHECK_HEADLESS === '1';

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function findBrowser() {
  const chosen = process.env.DOWNCHECK_BROWSER;
  if (chosen) {
    if (!isExecutable(chosen)) throw new Error(`DOWNCHECK_BROWSER=${chosen} is not an executable file.`);
    return chosen;
  }
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['google-chrome', 'google-chrome-stable', 'chromium-browser', 'chromium']) {
    for (const dir of dirs) if (isExecutable(join(dir, name))) return join(dir, name);
  }
  throw new Error(
    'No Chromium-family browser found (tried /usr/bin/chromium, google-chrome, chromium-browser, chromium on PATH).\n' +
      'Install one (Debian: apt-get install chromium) or set DOWNCHECK_BROWSER=/path/to/browser.',
  );
}

function fail(message) {
  console.error(`\nnpm start: ${message}`);
  process.exit(1);
}

if (!headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  fail(
    'no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no browser window can open.\n' +
      '  Run it under a virtual display:   xvfb-run -a npm start\n' +
      '  or without a window at all:      DOWNCHECK_HEADLESS=1 npm start   (starts everything and prints the URLs)',
  );
}

let browserPath;
try {
  browserPath = findBrowser();
} catch (error) {
  fail(error.message);
}

// The crowd service runs beside the demo; if it cannot start (its port taken), the demo still does, without it.
const crowd = startCrowdProcess();
const crowdUrl = await crowd.url.catch((error) => {
  console.log(`Warning: the crowd service did not start: ${error.message.split('\n').slice(-1)[0]}`);
  return null;
});
// The build knows the service's address (DOWNCHECK_CROWD_URL), so the demo can try the whole crowd loop.
const serviceUrl = process.env.DOWNCHECK_CROWD_URL || crowdUrl || '';
console.log(`Building the Chrome version (npm run build:chrome)${serviceUrl ? ` with the crowd service at ${serviceUrl}` : ''}…`);
const build = spawnSync('npm', ['run', '--silent', 'build:chrome'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, DOWNCHECK_CROWD_URL: serviceUrl },
});
if (build.status !== 0 || !existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
  await crowd.stop();
  fail(build.status !== 0 ? 'the build failed.' : `the build left no ${EXTENSION_DIR}/manifest.json.`);
}

const site = await startDemoSite({ port: Number(process.env.DOWNCHECK_PORT ?? 0) });
const profileDir = mkdtempSync(join(tmpdir(), 'downcheck-start-'));
const args = [
  `--user-data-dir=${profileDir}`,
  `--disable-extensions-except=${EXTENSION_DIR}`,
  `--load-extension=${EXTENSION_DIR}`,
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-sync',
  '--disable-component-update',
  // Chromium refuses to start as root with its sandbox on.
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  // In headless mode, a local DevTools port lets us confirm the extension really loaded.
  ...(headless ? ['--headless', '--disable-gpu', '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0'] : []),
  site.urls.start,
];

// Own process group, so stopping it also stops its renderer and helper processes.
const browser = spawn(browserPath, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
let browserErrors = '';
browser.stderr.on('data', (chunk) => {
  browserErrors = (browserErrors + chunk).slice(-4000);
});
const browserExited = new Promise((resolve) => browser.once('exit', resolve));
browser.once('error', (error) => void shutdown(`could not start ${browserPath}: ${error.message}`, 1));

let stopping = false;
async function shutdown(reason, code = 0) {
  if (stopping) return;
  stopping = true;
  if (reason) console.log(`\n${reason}`);
  if (browser.pid && browser.exitCode === null && browser.signalCode === null) {
    const signal = (sig) => {
      try {
        process.kill(-browser.pid, sig);
      } catch {
        /* already gone */
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    await browserExited;
    clearTimeout(timer);
  }
  await crowd.stop();
  await site.stop();
  rmSync(profileDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('Stopping…'));
process.on('SIGTERM', () => void shutdown('Stopping…'));
void browserExited.then((exitCode) => {
  if (stopping) return;
  const crashed = exitCode !== 0 && exitCode !== null;
  void shutdown(
    crashed ? `The browser exited with code ${exitCode}:\n${browserErrors.trim()}` : 'The browser was closed.',
    crashed ? 1 : 0,
  );
});

console.log(`\nDowncheck is loaded from ${EXTENSION_DIR} in ${browserPath}${headless ? ' (headless)' : ''}.`);
if (/google-chrome/.test(browserPath)) {
  console.log('Note: Google Chrome 137 and later ignore --load-extension; if the Downcheck icon is missing, use Chromium.');
}
if (headless) await reportHeadlessExtension();
console.log(`\nDemo site: ${site.urls.start}`);
for (const [name, url] of Object.entries(site.urls)) if (name !== 'start') console.log(`  ${name.padEnd(15)} ${url}`);
if (crowdUrl) console.log(`\nCrowd service: ${crowdUrl} (npm run crowd on its own; docs/crowd-service.md)`);
console.log(`\nProfile: ${profileDir} (deleted on exit). Ctrl-C to stop.`);

/** Headless has no toolbar to look at: confirm through the DevTools port that the extension's worker runs. */
async function reportHeadlessExtension() {
  const portFile = join(profileDir, 'DevToolsActivePort');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !stopping) {
    try {
      const port = readFileSync(portFile, 'utf8').split('\n')[0];
      const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
      const worker = targets.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
      if (worker) {
        console.log(`Extension running: chrome-extension://${new URL(worker.url).host} (DevTools on 127.0.0.1:${port})`);
        return;
      }
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!stopping) console.log("Warning: the extension's service worker did not show up within 10 s.");
}
