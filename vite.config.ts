import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import source from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { manifestFor, withoutInjectedScripts, type TargetBrowser } from './scripts/manifest.ts';
import { parseServiceUrl } from './src/core/crowd/service-url.ts';

/** After crxjs wrote manifest.json: the injected panel and the status read are not web-accessible (scripts/manifest.ts). */
const panelNotWebAccessible: Plugin = {
  name: 'downcheck:panel-not-web-accessible',
  enforce: 'post',
  writeBundle: {
    sequential: true,
    order: 'post',
    handler(options) {
      const file = join(options.dir ?? '', 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, `${JSON.stringify(withoutInjectedScripts(manifest), null, 2)}\n`);
    },
  },
};

/** The crowd service's address (docs/crowd-in-the-extension.md): unset or empty builds without one; a bad one fails the build. */
function crowdUrl(setting: string | undefined): string {
  if (!setting?.trim()) return '';
  const parsed = parseServiceUrl(setting);
  if (!parsed.ok) throw new Error(`DOWNCHECK_CROWD_URL=${setting} is not a usable crowd service address (${parsed.problem})`);
  return parsed.url;
}

export default defineConfig(({ mode }) => {
  const browser: TargetBrowser = mode === 'firefox' ? 'firefox' : 'chrome';
  // Benchmarks only (test/bench/healthy-cost.bench.mjs): a Chrome build that detects with
  // webRequest, the design the shipped Chrome build left behind, to be measured side by side.
  const webRequest = browser === 'firefox' || process.env.DOWNCHECK_DETECTION === 'webRequest';
  return {
    define: {
      'import.meta.env.FIREFOX': JSON.stringify(browser === 'firefox'),
      'import.meta.env.WEBREQUEST': JSON.stringify(webRequest),
      'import.meta.env.CROWD_URL': JSON.stringify(crowdUrl(process.env.DOWNCHECK_CROWD_URL)),
    },
    build: {
      outDir: `dist/${browser}`,
      emptyOutDir: true,
      target: browser === 'firefox' ? 'firefox128' : 'chrome120',
      minify: true,
      sourcemap: false,
      // Chrome 120 and Firefox 128 preload modules themselves: the polyfill only added a script to every page.
      modulePreload: { polyfill: false },
      // The extension page that the manifest does not name: the history page (opened from the popup and the settings).
      // The panel preview the e2e suite uses is no part of it: vite.test-pages.config.ts builds it apart.
      rollupOptions: {
        input: { history: 'src/history/index.html' },
        // Reproducible builds (scripts/repro-check.mjs): the hash of a script entry that imports a `?iife` file is
        // computed before crxjs fills in that file's name, from an id holding the checkout's absolute path, so
        // the same sources gave another name in another folder. Script entries keep their plain name instead.
        // (Rolldown names entries that plugins emit, like these, with chunkFileNames.)
        output: {
          chunkFileNames: (chunk) =>
            chunk.isEntry && /\.[cm]?[jt]s$/.test(chunk.facadeModuleId ?? '') ? 'assets/[name].js' : 'assets/[name]-[hash].js',
        },
      },
    },
    // crxjs's dev-server CORS hook is irrelevant for production builds.
    server: { cors: { origin: [/chrome-extension:\/\//] } },
    plugins: [
      // PRIVACY.md ships inside the extension (as plain text, which every browser shows) for the options page's link.
      {
        name: 'privacy-policy',
        generateBundle() {
          this.emitFile({ type: 'asset', fileName: 'privacy.txt', source: readFileSync('PRIVACY.md', 'utf8') });
        },
      },
      crx({
        manifest: manifestFor(browser, source, { webRequest, version: pkg.version }) as never,
        browser,
      }),
      panelNotWebAccessible,
    ],
  };
});
