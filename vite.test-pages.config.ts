// Test-only extension pages, never part of a package: `vite build -c vite.test-pages.config.ts --mode chrome|firefox`
// (npm run build:test-pages) writes dist/test-pages/<browser>/, which test/e2e/run.mjs copies into its unzipped copy
// of the package as test-pages/ (so the browsers load the shipped files plus this folder, and nothing else):
//   test-pages/src/panel/preview.html   the panel drawn from a sample incident in an open shadow root (axe-core checks)
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => {
  const firefox = mode === 'firefox';
  return {
    base: '/test-pages/',
    publicDir: false,
    define: { 'import.meta.env.FIREFOX': JSON.stringify(firefox), 'import.meta.env.WEBREQUEST': JSON.stringify(firefox) },
    build: {
      outDir: `dist/test-pages/${firefox ? 'firefox' : 'chrome'}`,
      emptyOutDir: true,
      target: firefox ? 'firefox128' : 'chrome120',
      minify: true,
      sourcemap: false,
      modulePreload: { polyfill: false },
      rollupOptions: { input: { 'panel-preview': 'src/panel/preview.html' } },
    },
  };
});
