import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import source from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };
import { manifestFor, type TargetBrowser } from './scripts/manifest.ts';

export default defineConfig(({ mode }) => {
  const browser: TargetBrowser = mode === 'firefox' ? 'firefox' : 'chrome';
  // Benchmarks only (test/bench/healthy-cost.bench.mjs): a Chrome build that detects with
  // webRequest, the design the shipped Chrome build left behind, to be measured side by side.
  const webRequest = browser === 'firefox' || process.env.DOWNCHECK_DETECTION === 'webRequest';
  return {
    define: { 'import.meta.env.FIREFOX': JSON.stringify(browser === 'firefox'), 'import.meta.env.WEBREQUEST': JSON.stringify(webRequest) },
    build: {
      outDir: `dist/${browser}`,
      emptyOutDir: true,
      target: browser === 'firefox' ? 'firefox128' : 'chrome120',
      minify: true,
      sourcemap: false,
      // Extension pages that the manifest does not name: the panel preview (accessibility checks, screenshots)
      // and the history page (opened from the popup and the settings).
      rollupOptions: {
        input: { 'panel-preview': 'src/panel/preview.html', history: 'src/history/index.html' },
        // Reproducible builds (scripts/repro-check.mjs): the hash of a script entry that imports a `?iife` file is
        // computed before crxjs fills in that file's name, from an id holding the checkout's absolute path, so
        // the same sources gave another name in another folder. Script entries keep their plain name instead.
        // (Rolldown names entries that plugins emit, like these, with chunkFileNames.)
        output: { chunkFileNames: (chunk) => (chunk.isEntry && /\.[cm]?[jt]s$/.test(chunk.facadeModuleId ?? '') ? 'assets/[name].js' : 'assets/[name]-[hash].js') },
      },
    },
    // crxjs's dev-server CORS hook is irrelevant for production builds.
    server: { cors: { origin: [/chrome-extension:\/\//] } },
    plugins: [crx({ manifest: manifestFor(browser, source, { webRequest, version: pkg.version }) as never, browser })],
  };
});
