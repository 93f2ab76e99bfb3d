import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
