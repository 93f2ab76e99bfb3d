import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
    // Tests run the real binary, several times each; a busy 2-core machine needs time to start Node.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
