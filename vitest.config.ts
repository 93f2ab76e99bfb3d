import { defineConfig } from 'vitest/config';

const packages = ['core', 'server', 'react', 'cli'];

/**
 * `npm run test:unit`: every package's unit suite in one vitest run, on the
 * current source of the packages they import, without the type tests.
 * `npm test` stays the full run (lint, typecheck, type tests, store suites,
 * package checks, Storybook, the browser suite).
 */
export default defineConfig({
  test: {
    projects: packages.map((name) => ({
      extends: `./packages/${name}/vitest.config.ts`,
      root: `./packages/${name}`,
      test: { name, typecheck: { enabled: false } },
    })),
    reporters: ['dot'],
  },
});
