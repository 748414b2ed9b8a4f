import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { 'import.meta.env.FIREFOX': 'false', 'import.meta.env.WEBREQUEST': 'false', 'import.meta.env.CROWD_URL': '""' },
  plugins: [
    {
      // Node has no `chrome` or `browser`: platform/native.ts is, in unit tests, the (mocked) polyfill,
      // so that `vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }))` serves both.
      name: 'native-api-is-the-polyfill',
      enforce: 'pre',
      async resolveId(id, importer) {
        if (!importer || !/(^|\/)native(\.ts)?$/.test(id)) return null;
        const resolved = await this.resolve(id, importer, { skipSelf: true });
        return resolved?.id.endsWith('/src/platform/native.ts')
          ? fileURLToPath(new URL('./test/unit/native-api.ts', import.meta.url))
          : null;
      },
    },
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
    include: ['test/unit/**/*.test.ts', 'test/crowd/node.test.ts', 'test/crowd/client.test.ts', 'test/crowd/e2e-helper.test.ts'],
    environment: 'node',
  },
});
