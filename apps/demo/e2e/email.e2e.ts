// Email links in the demo, end to end: the real server (Hono + Latchkey + PGlite in a fresh
// folder) with its in-memory development mailbox, the built web app, and Debian Chromium.
// A sign-up's address is verified by its link; a browser with WebAuthn switched off signs in
// by an email link and is told to add a passkey; a link opened in another browser asks first.
// A password set on the account page signs the same browser in while the password fallback
// is on, and is refused while it is off.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserDevice, touch } from '@latchkey/browser-device';
import { beforeAll, describe, expect, test } from 'vitest';
import { createDemoServer } from '../server/create-demo-server.js';
import { screenshot } from './harness/artifacts.js';
import { axeViolations } from './harness/axe-check.js';
import { demoSuite } from './harness/demo-suite.js';
import { linkFromMailbox } from './harness/mailbox.js';
import { fetchFromPage, openPage, WAIT, waitForText } from './harness/page-checks.js';
import { signOut } from './harness/sign-out.js';

const EMAIL = 'grace@example.com';

const suite = demoSuite('email');
let url: string;
/** Grace's laptop: a browser with passkeys. */
let laptop: BrowserDevice;
/** A borrowed browser whose WebAuthn is switched off. */
let kiosk: BrowserDevice;

beforeAll(async () => {
  url = suite.url;
  laptop = await suite.device('laptop', { presence: false });
  kiosk = await suite.device('kiosk');
  // WebAuthn switched off, as in a browser without it: no PublicKeyCredential, no navigator.credentials.
  await kiosk.context.addInitScript(() => {
    delete (globalThis as { PublicKeyCredential?: unknown }).PublicKeyCredential;
    Object.defineProperty(Navigator.prototype, 'credentials', { get: () => undefined });
  });
});

/** The newest of `count` emails of `template` to Grace. */
function linkTo(template: string, count: number): Promise<string> {
  return linkFromMailbox(url, EMAIL, template, count);
}

/** Opens the mailbox page on `d` and follows the link shown there. */
async function openLinkFromMailboxPage(d: BrowserDevice, link: string) {
  await openPage(d.page, `${url}/dev/mailbox`, 'Mailbox');
  await d.page.locator(`a[href="${link}"]`).click({ timeout: WAIT });
  await d.page.getByRole('heading', { level: 1, name: 'Email link' }).waitFor({ timeout: WAIT });
}

function landing(d: BrowserDevice) {
  return d.page.locator('[data-latchkey-email-landing]');
}

/** The laptop, signed in by an email link, creates its passkey and lands on the account page. */
async function addPasskeyOnLaptop() {
  await touch(laptop, async () => {
    await laptop.page
      .getByRole('button', { name: 'Create a passkey on this device' })
      .click({ timeout: WAIT });
    await laptop.page
      .getByRole('heading', { level: 1, name: 'Account security' })
      .waitFor({ timeout: WAIT });
  });
}

/** Asks for a sign-in link on the kiosk's sign-in page, offered there because it has no WebAuthn. */
async function askForLinkOnKiosk() {
  await openPage(kiosk.page, `${url}/sign-in`, 'Sign in');
  await kiosk.page
    .getByRole('heading', { level: 2, name: 'Email me a link' })
    .waitFor({ timeout: WAIT });
  const form = kiosk.page.locator('[data-latchkey-email-link]');
  await form.getByLabel('Email').fill(EMAIL, { timeout: WAIT });
  await form.getByRole('button', { name: 'Email me a sign-in link' }).click({ timeout: WAIT });
  await waitForText(form.getByRole('status'), `If ${EMAIL} belongs to an account`);
}

describe('email links in the demo', () => {
  test('sign-up with an email asks to check the inbox; the link verifies the address', async () => {
    const { page } = laptop;
    await openPage(page, `${url}/sign-up`, 'Create an account');
    await page.getByLabel('Email (optional)').fill(EMAIL);
    await page.getByLabel('Display name').fill('Grace Hopper');
    await touch(laptop, async () => {
      await page.getByRole('button', { name: 'Create account with a passkey' }).click();
      await page.getByRole('heading', { name: 'Your account is ready' }).waitFor({ timeout: WAIT });
    });
    await waitForText(page.getByRole('note'), `Check your email: we sent a link to ${EMAIL}`);
    await page.getByLabel('I have saved these codes').check({ timeout: WAIT });
    await page.getByRole('button', { name: 'Continue' }).click({ timeout: WAIT });
    await page
      .getByRole('heading', { level: 1, name: 'Account security' })
      .waitFor({ timeout: WAIT });
    // Until the link is opened, the address is not on the account.
    await waitForText(page.getByTestId('account-email'), 'No verified email address');

    const link = await linkTo('verifyEmail', 1);
    await openLinkFromMailboxPage(laptop, link);
    await waitForText(landing(laptop).getByRole('status'), 'Your email address is verified.');
    expect(await landing(laptop).getAttribute('data-state')).toBe('verified');
    // The token left the address bar.
    expect(new URL(page.url()).hash).toBe('');
    await openPage(page, `${url}/account`, 'Account security');
    await waitForText(page.getByTestId('account-email'), `${EMAIL} · verified`);
    await screenshot(page, 'email-01-verified');
    await signOut(laptop);
  });

  test('a browser without WebAuthn signs in by an email link and must add a passkey', async () => {
    await askForLinkOnKiosk();
    expect(await axeViolations(kiosk.page)).toEqual([]);
    const link = await linkTo('magicLink', 1);
    await openLinkFromMailboxPage(kiosk, link);
    await waitForText(landing(kiosk).getByRole('status'), 'You are signed in.');
    await kiosk.page
      .getByRole('heading', { level: 2, name: 'Add a passkey on this device' })
      .waitFor({ timeout: WAIT });
    expect(await axeViolations(kiosk.page)).toEqual([]);
    await screenshot(kiosk.page, 'email-02-link-signed-in');
    // The email session may only add a passkey: everything else is refused.
    const me = await fetchFromPage<{ error: { code: string } }>(kiosk.page, '/api/me');
    expect(me.status).toBe(403);
    expect(me.body.error.code).toBe('ENROLMENT_REQUIRED');
    const passkeys = await fetchFromPage<{ error: { code: string } }>(kiosk.page, '/auth/passkeys');
    expect(passkeys.body.error.code).toBe('ENROLMENT_REQUIRED');
    await openPage(kiosk.page, `${url}/account`, 'Account security');
    await kiosk.page
      .getByRole('heading', { level: 2, name: 'Add a passkey on this device' })
      .waitFor({ timeout: WAIT });
    // A link works once.
    await openPage(kiosk.page, link, 'Email link');
    await waitForText(landing(kiosk).getByRole('status'), 'expired or was already used');
    await signOut(kiosk);
  });

  test('a link opened in another browser asks to confirm, then the passkey makes it full', async () => {
    await askForLinkOnKiosk();
    const link = await linkTo('magicLink', 2);
    // Grace lost the laptop's passkey: she signs in there with the link the kiosk asked for.
    await laptop.clearCredentials();
    await openLinkFromMailboxPage(laptop, link);
    const confirm = laptop.page.getByRole('button', { name: 'Sign in on this browser' });
    await confirm.waitFor({ timeout: WAIT });
    await waitForText(landing(laptop), 'asked for in another browser');
    expect(await landing(laptop).getAttribute('data-state')).toBe('confirm');
    // Nothing is signed in until she confirms.
    expect((await fetchFromPage(laptop.page, '/api/me')).status).toBe(401);
    expect(await axeViolations(laptop.page)).toEqual([]);
    await screenshot(laptop.page, 'email-03-confirm');
    await confirm.click({ timeout: WAIT });
    await waitForText(landing(laptop).getByRole('status'), 'You are signed in.');

    await addPasskeyOnLaptop();
    await waitForText(laptop.page.getByTestId('signed-in-as'), EMAIL);
    const me = await fetchFromPage<{ session: { kind: string } }>(laptop.page, '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.session.kind).toBe('full');
    expect(await laptop.credentials()).toHaveLength(1);
  });

  test('a passkey that fails offers a link, which signs in here without asking', async () => {
    await signOut(laptop);
    // The laptop's passkey is gone again: the browser finds none and rejects the request.
    await laptop.clearCredentials();
    await openPage(laptop.page, `${url}/sign-in`, 'Sign in');
    await laptop.waitForAutofillRequest();
    // While passkeys work, no link is offered.
    expect(await laptop.page.getByRole('heading', { name: 'Email me a link' }).count()).toBe(0);
    await touch(laptop, async () => {
      await laptop.page
        .getByRole('button', { name: 'Sign in with a passkey' })
        .click({ timeout: WAIT });
      await waitForText(
        laptop.page.locator('[data-latchkey-sign-in] [role="status"]'),
        'cancelled',
      );
    });
    const form = laptop.page.locator('[data-latchkey-email-link]');
    await form.getByLabel('Email').fill(EMAIL, { timeout: WAIT });
    await form.getByRole('button', { name: 'Email me a sign-in link' }).click({ timeout: WAIT });
    await waitForText(form.getByRole('status'), `If ${EMAIL} belongs to an account`);
    const link = await linkTo('magicLink', 3);
    // The browser that asked for the link: it signs in at once, no question.
    await openLinkFromMailboxPage(laptop, link);
    await waitForText(landing(laptop).getByRole('status'), 'You are signed in.');
    expect(await laptop.page.getByRole('button', { name: 'Sign in on this browser' }).count()).toBe(
      0,
    );
    const me = await fetchFromPage<{ error: { code: string } }>(laptop.page, '/api/me');
    expect(me.body.error.code).toBe('ENROLMENT_REQUIRED');
  });
});

describe('the password fallback in the demo', () => {
  const PASSWORD = 'violet-harbour-1947-kite';

  function fallbacks(d: BrowserDevice) {
    return d.page.locator('[data-latchkey-fallback-settings]');
  }

  /** Signs in on the kiosk (no WebAuthn) with Grace's password; answers the form. */
  async function passwordSignInOnKiosk() {
    await openPage(kiosk.page, `${url}/sign-in`, 'Sign in');
    const form = kiosk.page.getByTestId('password-sign-in');
    await form.getByLabel('Email').fill(EMAIL, { timeout: WAIT });
    await form.getByLabel('Password').fill(PASSWORD, { timeout: WAIT });
    await form.getByRole('button', { name: 'Sign in with a password' }).click({ timeout: WAIT });
    return form;
  }

  /** Ticks or clears the password box on the laptop's account page and saves, confirming with the passkey. */
  async function setPasswordFallback(on: boolean) {
    const settings = fallbacks(laptop);
    const box = settings.getByRole('checkbox', { name: 'Password' });
    await box.setChecked(on, { timeout: WAIT });
    await touch(laptop, async () => {
      await settings.getByRole('button', { name: 'Save' }).click({ timeout: WAIT });
      await waitForText(settings.getByRole('status'), 'Your choices are saved.');
    });
    expect(await box.isChecked()).toBe(on);
  }

  test('a password set after adding a passkey signs in while on, and is refused while off', async () => {
    // The laptop is signed in by an email link: it adds its passkey first.
    await addPasskeyOnLaptop();
    const settings = fallbacks(laptop);
    await waitForText(settings, 'You have not set a password yet.');
    // Setting a password asks to confirm with the passkey.
    await laptop.page.getByLabel('New password').fill(PASSWORD, { timeout: WAIT });
    await touch(laptop, async () => {
      await laptop.page.getByRole('button', { name: 'Set password' }).click({ timeout: WAIT });
      await laptop.page.getByText('Your password is set.').waitFor({ timeout: WAIT });
    });
    // The settings read again: the account has a password now.
    await settings
      .getByText('You have not set a password yet.')
      .waitFor({ state: 'detached', timeout: WAIT });
    await setPasswordFallback(false);
    expect(await axeViolations(laptop.page)).toEqual([]);
    await screenshot(laptop.page, 'email-04-fallback-settings');

    // Off: the right password is refused like a wrong one.
    const refused = await passwordSignInOnKiosk();
    await waitForText(refused.getByRole('status'), 'That email and password do not match');
    expect((await fetchFromPage(kiosk.page, '/api/me')).status).toBe(401);

    // On: the same password signs in, to a full session of kind `password`, not "add a passkey".
    await setPasswordFallback(true);
    await passwordSignInOnKiosk();
    await kiosk.page
      .getByRole('heading', { level: 1, name: 'Account security' })
      .waitFor({ timeout: WAIT });
    await kiosk.page
      .getByRole('heading', { level: 2, name: 'You signed in with a password' })
      .waitFor({ timeout: WAIT });
    expect(
      await kiosk.page.getByRole('heading', { name: 'Add a passkey on this device' }).count(),
    ).toBe(0);
    await waitForText(kiosk.page.getByTestId('account-email'), `${EMAIL} · verified`);
    const me = await fetchFromPage<{ session: { kind: string } }>(kiosk.page, '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.session.kind).toBe('password');
    expect(await axeViolations(kiosk.page)).toEqual([]);
    await screenshot(kiosk.page, 'email-05-password-session');
    await signOut(kiosk);

    // Off again: refused once more.
    await setPasswordFallback(false);
    const again = await passwordSignInOnKiosk();
    await waitForText(again.getByRole('status'), 'That email and password do not match');
  });
});

describe('the development mailbox in production', () => {
  test('is not served: no mail, no links, for anyone', async () => {
    const prodDir = await mkdtemp(join(tmpdir(), 'latchkey-e2e-email-prod-'));
    const prod = await createDemoServer({
      port: 0,
      host: 'localhost',
      dataDir: prodDir,
      production: true,
    });
    try {
      const answer = await fetch(`${prod.url}/api/dev/mailbox`, {
        signal: AbortSignal.timeout(WAIT),
      });
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(
        'ROUTE_NOT_FOUND',
      );
      await openPage(kiosk.page, `${prod.url}/dev/mailbox`, 'Mailbox');
      await waitForText(kiosk.page.getByRole('status'), 'There is no development mailbox');
    } finally {
      await prod.close();
      await rm(prodDir, { recursive: true, force: true });
    }
  });
});
