import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { 'import.meta.env.FIREFOX': 'false' },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
