import type { BrowserDevice } from './browser-device.js';

/**
 * Runs `action` (a click that starts a ceremony, and the wait for its outcome) with
 * the person touching the authenticator. Outside it, a device launched with
 * `setPresence(false)` answers nothing: a person touches it on purpose, so an
 * autofill request waits instead of signing in by itself.
 *
 * @example
 * await touch(laptop, async () => {
 *   await laptop.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
 *   await laptop.page.getByRole('heading', { name: 'Account security' }).waitFor();
 * });
 */
export async function touch<T>(device: BrowserDevice, action: () => Promise<T>): Promise<T> {
  await device.setPresence(true);
  try {
    return await action();
  } finally {
    await device.setPresence(false);
  }
}
