// Upgrading to a passkey after a password sign-in, in a real Chromium: the demo asks the
// browser for a conditional create (WebAuthn L3 §5.1.3) and nothing is stubbed. Chromium
// reports `conditionalCreate` but completes one only into Google Password Manager, never
// into a CDP virtual authenticator, so here it always declines: with the harness's usual
// `WebAuthn.enable` the request waits (until `publicKey.timeout`, 5 minutes), with
// `enableUI: true` it is refused at once. Either way the person sees nothing, stays signed
// in, no passkey is registered, and a passkey ceremony started next is not held up by it.
import { type BrowserDevice, touch } from '@latchkey/browser-device';
import type { Request } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { demoSuite } from './harness/demo-suite.js';
import { verifyAddress } from './harness/mailbox.js';
import { fetchFromPage, openPage, WAIT, waitForText } from './harness/page-checks.js';
import { signOut } from './harness/sign-out.js';

const PASSWORD = 'amber-lantern-2031-gull';

const suite = demoSuite('upgrade');

/** The `register-options` requests `device` made from now on, with their bodies. */
function watchRegisterOptions(device: BrowserDevice): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  device.page.on('request', (request: Request) => {
    if (request.method() === 'POST' && request.url().endsWith('/auth/passkeys/register-options'))
      seen.push((request.postDataJSON() ?? {}) as Record<string, unknown>);
  });
  return seen;
}

/** Signs up on `device` with a passkey, verifies the address and sets a password. */
async function signUpWithPassword(device: BrowserDevice, email: string) {
  const { page } = device;
  await openPage(page, `${suite.url}/sign-up`, 'Create an account');
  await page.getByLabel('Email (optional)').fill(email);
  await page.getByLabel('Display name').fill('Grace');
  await touch(device, async () => {
    await page.getByRole('button', { name: 'Create account with a passkey' }).click();
    await page.getByRole('heading', { name: 'Your account is ready' }).waitFor({ timeout: WAIT });
  });
  await page.getByLabel('I have saved these codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page
    .getByRole('heading', { level: 1, name: 'Account security' })
    .waitFor({ timeout: WAIT });
  await verifyAddress(page, suite.url, email);
  await openPage(page, `${suite.url}/account`, 'Account security');
  await page.getByLabel('New password').fill(PASSWORD, { timeout: WAIT });
  await touch(device, async () => {
    await page.getByRole('button', { name: 'Set password' }).click({ timeout: WAIT });
    await page.getByText('Your password is set.').waitFor({ timeout: WAIT });
  });
}

/**
 * The passkey attempt fails (the device holds none), so the sign-in form offers the password.
 * With `enableUI`, Chromium's passkey dialog (headless, nobody to close it) holds every modal
 * ceremony, so the form never offers the password: the page posts it itself, then loads
 * the account page, where the demo asks for the upgrade as after any password sign-in.
 */
async function signInWithPassword(device: BrowserDevice, email: string, enableUI: boolean) {
  const { page } = device;
  await openPage(page, `${suite.url}/sign-in`, 'Sign in');
  if (enableUI) {
    const status = await page.evaluate(
      async (body) =>
        (
          await fetch('/auth/password/sign-in', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(10_000),
          })
        ).status,
      { email, password: PASSWORD },
    );
    expect(status).toBe(200);
    await openPage(page, `${suite.url}/account`, 'Account security');
  } else {
    await signInWithPasswordForm(device, email);
  }
  await page
    .getByRole('heading', { level: 2, name: 'You signed in with a password' })
    .waitFor({ timeout: WAIT });
}

async function signInWithPasswordForm(device: BrowserDevice, email: string) {
  const { page } = device;
  await device.waitForAutofillRequest();
  await touch(device, async () => {
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click({ timeout: WAIT });
    await waitForText(page.locator('[data-latchkey-sign-in] [role="status"]'), 'cancelled');
  });
  const form = page.getByTestId('password-sign-in');
  await form.getByLabel('Email').fill(email, { timeout: WAIT });
  await form.getByLabel('Password').fill(PASSWORD, { timeout: WAIT });
  await form.getByRole('button', { name: 'Sign in with a password' }).click({ timeout: WAIT });
}

describe.each([
  {
    enableUI: false,
    title:
      'Chromium holds it until its timeout; nothing shows or is registered; "Add a passkey" works',
  },
  {
    enableUI: true,
    title:
      'Chromium refuses it at once; nothing shows or is registered; "Add a passkey" is asked at once',
  },
])(
  'upgrading to a passkey after a password sign-in (enableUI: $enableUI)',
  ({ enableUI, title }) => {
    test(title, async () => {
      const email = `grace-${enableUI ? 'ui' : 'plain'}@example.com`;
      const { api } = suite.demo.latchkey;

      // Grace signed up on her phone and set a password. She lost the phone, and the help
      // desk removed its passkey from her account: a password session may add a passkey
      // only to an account without one, so only such an account is asked to upgrade.
      const phone = await suite.device(`phone-${enableUI ? 'ui' : 'plain'}`, { presence: false });
      await signUpWithPassword(phone, email);
      await signOut(phone);
      const user = (await api.users.getByEmail(email))!;
      const [lost] = await api.passkeys.list(user.id);
      await api.passkeys.remove(user.id, lost!.credentialId, { allowLast: true });
      await phone.close();

      const laptop = await suite.device(enableUI ? 'laptop-ui' : 'laptop', {
        presence: false,
        enableUI,
      });
      const registerOptions = watchRegisterOptions(laptop);

      await signInWithPassword(laptop, email, enableUI);

      // (a) The page asked for a conditional create, and the browser received it.
      await expect
        .poll(() => registerOptions, { timeout: WAIT, interval: 100 })
        .toEqual([{ conditional: true }]);
      await laptop.page.waitForFunction(
        () =>
          (
            window as unknown as { __latchkeyCreateRequests?: Array<{ mediation: string }> }
          ).__latchkeyCreateRequests?.some((r) => r.mediation === 'conditional'),
        undefined,
        { timeout: WAIT },
      );
      if (enableUI) {
        // Declined at once, as "the user cancelled".
        await laptop.page.waitForFunction(
          () =>
            (
              window as unknown as { __latchkeyCreateRequests?: Array<{ state: string }> }
            ).__latchkeyCreateRequests?.every((r) => r.state !== 'pending'),
          undefined,
          { timeout: WAIT },
        );
        expect(await laptop.createRequests()).toEqual([
          { mediation: 'conditional', state: 'rejected', error: 'NotAllowedError' },
        ]);
      } else {
        // Still waiting, as it would for a person who never saves the passkey.
        expect(await laptop.createRequests()).toEqual([
          { mediation: 'conditional', state: 'pending' },
        ]);
      }

      // (b) Nothing shows, and Grace stays signed in with her password session.
      await waitForText(laptop.page.getByTestId('signed-in-as'), email);
      expect(await laptop.page.getByRole('alert').count()).toBe(0);
      expect(await laptop.page.locator('[data-state="error"]').count()).toBe(0);
      const me = await fetchFromPage<{ session: { kind: string } }>(laptop.page, '/api/me');
      expect([me.status, me.body.session.kind]).toEqual([200, 'password']);

      // (c) The server registered no passkey, and the authenticator holds none.
      expect(await api.passkeys.list(user.id)).toEqual([]);
      expect(await laptop.credentials()).toEqual([]);

      // (d) "Add a passkey on this device" right away: the kit ends the conditional request
      // first (when still pending), and the modal one reaches the browser at once.
      const add = laptop.page.getByRole('button', { name: 'Add a passkey on this device' });
      if (enableUI) {
        // Chromium's own dialog now holds the modal request: it reached the browser, which
        // is all this mode can show (nobody can touch a headless dialog).
        await add.click({ timeout: WAIT });
        await laptop.page.waitForFunction(
          () =>
            (window as unknown as { __latchkeyCreateRequests?: unknown[] }).__latchkeyCreateRequests
              ?.length === 2,
          undefined,
          { timeout: WAIT },
        );
        expect(await laptop.createRequests()).toEqual([
          { mediation: 'conditional', state: 'rejected', error: 'NotAllowedError' },
          { mediation: 'optional', state: 'pending' },
        ]);
        expect(registerOptions).toEqual([{ conditional: true }, {}]);
        return;
      }
      await touch(laptop, async () => {
        await add.click({ timeout: WAIT });
        await laptop.page
          .locator('[data-latchkey-enrol-button][data-state="success"]')
          .waitFor({ timeout: WAIT });
      });
      expect(await laptop.createRequests()).toEqual([
        { mediation: 'conditional', state: 'rejected', error: 'AbortError' },
        { mediation: 'optional', state: 'resolved' },
      ]);
      expect(registerOptions).toEqual([{ conditional: true }, {}]);
      expect(await api.passkeys.list(user.id)).toHaveLength(1);
      expect(await laptop.credentials()).toHaveLength(1);
      const added = (await api.audit.list({ userId: user.id })).filter(
        (e) => e.type === 'passkey.added',
      );
      expect(added.map((e) => (e.data as { conditional?: boolean }).conditional)).toEqual([
        undefined,
      ]);
    });
  },
);
