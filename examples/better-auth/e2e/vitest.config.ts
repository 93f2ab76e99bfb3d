import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The Better Auth example in Chromium, against a real PostgreSQL (DATABASE_URL).
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['e2e/**/*.e2e.ts'],
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
