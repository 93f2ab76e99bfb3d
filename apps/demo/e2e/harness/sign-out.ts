import type { BrowserDevice } from '@latchkey/browser-device';
import { expect } from 'vitest';
import { fetchFromPage, WAIT } from './page-checks.js';

/**
 * Checks that the device is signed out, in the banner and for the server (`/api/me`: 401).
 *
 * @example
 * await expectSignedOut(tablet);
 */
export async function expectSignedOut(device: BrowserDevice): Promise<void> {
  await device.page.getByTestId('signed-out').waitFor({ timeout: WAIT });
  const me = await fetchFromPage<{ error: { code: string } }>(device.page, '/api/me');
  expect(me.status).toBe(401);
  expect(me.body.error.code).toBe('UNAUTHENTICATED');
}

/**
 * Signs out with the banner's button, lands on the sign-in page and checks it took.
 *
 * @example
 * await signOut(laptop);
 */
export async function signOut(device: BrowserDevice): Promise<void> {
  await device.page.getByRole('button', { name: 'Sign out', exact: true }).click({ timeout: WAIT });
  await device.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: WAIT });
  await expectSignedOut(device);
}
