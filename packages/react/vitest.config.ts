import { defineConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineConfig({
  ...sourceConditions,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    setupFiles: ['src/testing/setup.ts'],
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'src/**/*.test-d.tsx'] },
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
