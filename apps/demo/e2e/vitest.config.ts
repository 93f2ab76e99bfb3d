import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The browser journey: one real demo server, real Chromium, virtual authenticators.
// Steps share state and run in order, one file at a time.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['e2e/**/*.e2e.ts'],
    // Screenshots from every file land in one folder, emptied once at the start of the run.
    globalSetup: ['e2e/harness/clear-artifacts-once.ts'],
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
