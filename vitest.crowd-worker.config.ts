// The crowd contract suite inside workerd: the Worker and its Durable Objects as wrangler would run them, offline.
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './server/worker/wrangler.jsonc' },
      miniflare: { bindings: { CROWD_SECRET: 'contract-suite-only' } },
    }),
  ],
  test: { include: ['test/crowd/worker.test.ts'] },
});
