import { defineConfig } from 'vite';
import { crx } from '@crxjs/vite-plugin';
import source from './manifest.json' with { type: 'json' };
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
      rollupOptions: { input: { 'panel-preview': 'src/panel/preview.html', history: 'src/history/index.html' } },
    },
    // crxjs's dev-server CORS hook is irrelevant for production builds.
    server: { cors: { origin: [/chrome-extension:\/\//] } },
    plugins: [crx({ manifest: manifestFor(browser, source, { webRequest }) as never, browser })],
  };
});
