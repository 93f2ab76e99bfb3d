// Vitest `globalSetup`: runs once per `vitest run`, before any test file, so that each
// file's screenshots are kept whichever file runs first.
import { clearArtifacts } from './artifacts.js';

/**
 * Empties `e2e-artifacts/` once per run.
 *
 * @example
 * // vitest.config.ts
 * test: { globalSetup: ['e2e/harness/clear-artifacts-once.ts'] }
 */
export default async function clearArtifactsOnce(): Promise<void> {
  await clearArtifacts();
}
