import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { 'import.meta.env.FIREFOX': 'false', 'import.meta.env.WEBREQUEST': 'false' },
  plugins: [
    {
      // crxjs turns `file.ts?iife` into the built script's file name; unit tests only need a name.
      name: 'crxjs-script-imports',
      enforce: 'pre',
      resolveId: (id) => (/\?(script|iife)/.test(id) ? `\0script:${id}` : null),
      load: (id) =>
        id.startsWith('\0script:') ? `export default ${JSON.stringify(id.slice(8).replace(/\?.*$/, '').replace(/\.ts$/, '.js'))};` : null,
    },
  ],
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
