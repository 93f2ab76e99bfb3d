import { defaultClientConditions, defaultServerConditions } from 'vite';

/**
 * Resolve workspace packages to their TypeScript source (the `source` export
 * condition), so `npx vitest run` in one package tests the current code of the
 * packages it imports, not their last build.
 */
export const sourceConditions = {
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
};
