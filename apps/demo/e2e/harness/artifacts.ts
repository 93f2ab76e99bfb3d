import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** `apps/demo/e2e-artifacts`: a screenshot of every journey step (kept by turbo's `e2e` outputs). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../e2e-artifacts/', import.meta.url));

/**
 * Saves a full-page screenshot of a journey step as `e2e-artifacts/<name>.png`.
 *
 * @example
 * await screenshot(alice.page, '01-sign-up');
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, timeout: 10_000 });
  return path;
}

/**
 * Empties `e2e-artifacts/`, so that what is there after a run is that run's.
 *
 * @example
 * await clearArtifacts(); // once per run: see clear-artifacts-once.ts
 */
export async function clearArtifacts(): Promise<void> {
  await rm(ARTIFACTS_DIR, { recursive: true, force: true });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
}
