// The demo, end to end: the real server (Hono + Latchkey + PGlite in a fresh folder),
// the built web app, and Debian Chromium with a CDP virtual authenticator per device.
// The steps run in order and share one account, as one person would use it.
import { type BrowserDevice, touch, type VirtualCredential } from '@latchkey/browser-device';
import { beforeAll, describe, expect, test } from 'vitest';
import { STARTING_PAGE } from '../server/starting-answer.js';
import { screenshot } from './harness/artifacts.js';
import { axeViolations } from './harness/axe-check.js';
import { startDemoProcess } from './harness/demo-process.js';
import { demoSuite } from './harness/demo-suite.js';
import { verifyAddress } from './harness/mailbox.js';
import { fetchFromPage, openPage, toBase64url, WAIT, waitForText } from './harness/page-checks.js';
import { expectSignedOut, signOut } from './harness/sign-out.js';

interface Passkey {
  credentialId: string;
  name: string;
}

const EMAIL = 'ada@example.com';
// The suite's own limit (every device is 127.0.0.1), given again to the restarted server.
const RATE_LIMIT_PER_IP = 500;
const DISPLAY_NAME = 'Ada Lovelace';

const suite = demoSuite('journey', { rateLimit: { perIp: RATE_LIMIT_PER_IP } });
let url: string;
/** Ada's laptop: signs up, and stays her trusted device. */
let laptop: BrowserDevice;
let recoveryCodes: string[] = [];

beforeAll(async () => {
  url = suite.url;
  laptop = await device('laptop');
});

/** A new device whose authenticator answers only inside `touch()`. */
function device(name: string): Promise<BrowserDevice> {
  return suite.device(name, { presence: false });
}

function passkeyListStatus(d: BrowserDevice) {
  return d.page.locator('[data-latchkey-passkey-list] [role="status"]');
}

function signInStatus(d: BrowserDevice) {
  return d.page.locator('[data-latchkey-sign-in] [role="status"]');
}

async function expectSignedInAs(d: BrowserDevice, who: string) {
  await waitForText(d.page.getByTestId('signed-in-as'), who);
  const me = await fetchFromPage<{ user: { email: string | null } }>(d.page, '/api/me');
  expect(me.status).toBe(200);
  expect(me.body.user.email).toBe(EMAIL);
}

/** Opens the sign-in page and waits for its autofill request, which must not complete by itself. */
async function openSignIn(d: BrowserDevice) {
  await openPage(d.page, `${url}/sign-in`, 'Sign in');
  await d.waitForAutofillRequest();
}

/**
 * Signs in from the sign-in page, with or without the email, and lands on Account
 * security. Returns what the button's `auth-options` request sent, and which passkeys
 * the server's answer named (none for a discoverable request).
 */
async function signIn(
  d: BrowserDevice,
  email?: string,
): Promise<{ sent: unknown; allowCredentials: string[] }> {
  await openSignIn(d);
  if (email) await d.page.getByLabel('Email', { exact: true }).fill(email, { timeout: WAIT });
  const body = await touch(d, async () => {
    const asked = d.page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith('/auth/passkeys/auth-options'),
      { timeout: WAIT },
    );
    await d.page.getByRole('button', { name: 'Sign in with a passkey' }).click({ timeout: WAIT });
    const request = await asked;
    await d.page
      .getByRole('heading', { level: 1, name: 'Account security' })
      .waitFor({ timeout: WAIT });
    const answer = (await (await request.response())?.json()) as {
      options: { allowCredentials?: { id: string }[] };
    };
    return {
      sent: request.postDataJSON() as unknown,
      allowCredentials: (answer.options.allowCredentials ?? []).map((c) => c.id),
    };
  });
  await expectSignedInAs(d, EMAIL);
  return body;
}

async function passkeysOf(d: BrowserDevice): Promise<Passkey[]> {
  const answer = await fetchFromPage<{ passkeys: Passkey[] }>(d.page, '/auth/passkeys');
  expect(answer.status).toBe(200);
  return answer.body.passkeys;
}

/** The list item of one passkey on Account security (names repeat, ids do not). */
async function passkeyItem(d: BrowserDevice, credentialId: string) {
  const order = await passkeysOf(d);
  const index = order.findIndex((p) => p.credentialId === credentialId);
  expect(index).toBeGreaterThanOrEqual(0);
  const items = d.page.locator('[data-latchkey-passkey-list] li[data-latchkey-passkey]');
  await items.nth(order.length - 1).waitFor({ timeout: WAIT });
  expect(await items.count()).toBe(order.length);
  return items.nth(index);
}

async function onlyCredentialId(d: BrowserDevice): Promise<string> {
  const held = await d.credentials();
  expect(held).toHaveLength(1);
  return toBase64url(held[0]!.credentialId);
}

describe('the demo, in a real browser', () => {
  test('signs up with a passkey and shows the recovery codes once', async () => {
    const { page } = laptop;
    await openPage(page, `${url}/sign-up`, 'Create an account');
    await page.getByLabel('Email (optional)').fill(EMAIL);
    await page.getByLabel('Display name').fill(DISPLAY_NAME);
    await touch(laptop, async () => {
      await page.getByRole('button', { name: 'Create account with a passkey' }).click();
      await page.getByRole('heading', { name: 'Your account is ready' }).waitFor({ timeout: WAIT });
    });
    recoveryCodes = await page.locator('[data-latchkey-codes] li').allTextContents();
    expect(recoveryCodes.length).toBeGreaterThanOrEqual(8);
    expect(new Set(recoveryCodes).size).toBe(recoveryCodes.length);
    expect(await laptop.credentials()).toHaveLength(1);
    await screenshot(page, '01-sign-up-recovery-codes');

    // "Continue" stays disabled until the codes are acknowledged.
    const next = page.getByRole('button', { name: 'Continue' });
    expect(await next.isDisabled()).toBe(true);
    await page.getByLabel('I have saved these codes').check();
    await next.click();
    await page
      .getByRole('heading', { level: 1, name: 'Account security' })
      .waitFor({ timeout: WAIT });
    // The address joins the account once its verification link is opened.
    await verifyAddress(page, url, EMAIL);
    await openPage(page, `${url}/account`, 'Account security');
    await expectSignedInAs(laptop, EMAIL);
    const passkeys = await passkeysOf(laptop);
    expect(passkeys.map((p) => p.credentialId)).toEqual([await onlyCredentialId(laptop)]);
  });

  test('signs out', async () => {
    await signOut(laptop);
    await screenshot(laptop.page, '02-signed-out');
    // The account pages now ask to sign in.
    await openPage(laptop.page, `${url}/account`, 'Account security');
    await waitForText(laptop.page.locator('main'), 'You are signed out');
  });

  test('signs in without an email (a discoverable passkey)', async () => {
    // No email: the server names no passkeys, and the authenticator offers its own for the site.
    expect(await signIn(laptop)).toEqual({ sent: {}, allowCredentials: [] });
    await screenshot(laptop.page, '03-signed-in-discoverable');
    await signOut(laptop);
  });

  test('signs in with an email', async () => {
    // With the email, the server names that account's passkeys (WebAuthn L3 §5.1.4 allowCredentials).
    expect(await signIn(laptop, EMAIL)).toEqual({
      sent: { email: EMAIL },
      allowCredentials: [await onlyCredentialId(laptop)],
    });
    await screenshot(laptop.page, '04-signed-in-with-email');
    await signOut(laptop);
  });

  test('signs in from the email field’s autofill (conditional mediation)', async () => {
    // The sign-in page asks quietly as it opens; choosing the suggested passkey signs in.
    await touch(laptop, async () => {
      await laptop.page.goto(`${url}/sign-in`, { waitUntil: 'domcontentloaded', timeout: WAIT });
      await laptop.page
        .getByRole('heading', { level: 1, name: 'Account security' })
        .waitFor({ timeout: WAIT });
    });
    await expectSignedInAs(laptop, EMAIL);
    await screenshot(laptop.page, '05-signed-in-from-autofill');
    await signOut(laptop);
  });

  test('an autofill sign-in that beats the page’s first session check still leads on', async () => {
    // On a busy machine the passkey can answer before the page learns it was signed out:
    // hold that first check until the sign-in is through, as a slow network would.
    let signedIn!: () => void;
    const through = new Promise<void>((resolve) => {
      signedIn = resolve;
    });
    laptop.page.on('response', (r) => {
      if (r.url().endsWith('/auth/passkeys/authenticate') && r.ok()) signedIn();
    });
    await laptop.page.route('**/auth/session', async (route) => {
      if (route.request().method() === 'GET') await through;
      await route.continue();
    });
    try {
      await touch(laptop, async () => {
        await laptop.page.goto(`${url}/sign-in`, { waitUntil: 'domcontentloaded', timeout: WAIT });
        await laptop.page
          .getByRole('heading', { level: 1, name: 'Account security' })
          .waitFor({ timeout: WAIT });
      });
    } finally {
      await laptop.page.unroute('**/auth/session');
    }
    await expectSignedInAs(laptop, EMAIL);
  });

  test('a signed-in page load never offers "Sign in" while the session loads', async () => {
    // Watches the banner from the first byte of every document: any moment a sign-in or
    // sign-up link is in it is recorded, however briefly.
    const watch = await laptop.page.addInitScript(() => {
      const banner = { seen: false, offeredSignIn: false };
      (window as unknown as { __banner: typeof banner }).__banner = banner;
      new MutationObserver(() => {
        const header = document.querySelector('header');
        if (!header) return;
        banner.seen = true;
        if (header.querySelector('a[href="/sign-in"], a[href="/sign-up"]'))
          banner.offeredSignIn = true;
      }).observe(document, { childList: true, subtree: true, attributes: true });
    });
    try {
      for (const path of ['/account', '/']) {
        await laptop.page.goto(`${url}${path}`, { waitUntil: 'domcontentloaded', timeout: WAIT });
        await expectSignedInAs(laptop, EMAIL);
        const banner = await laptop.page.evaluate(
          () =>
            (window as unknown as { __banner: { seen: boolean; offeredSignIn: boolean } }).__banner,
        );
        expect(banner).toEqual({ seen: true, offeredSignIn: false });
      }
    } finally {
      await watch.dispose();
    }
  });

  test('adds a second device by pairing: code, lookup, step-up, approval, its own passkey', async () => {
    const phone = await device('phone');
    await openPage(phone.page, `${url}/pair`, 'Pair a new device');
    await phone.page.getByRole('button', { name: 'Pair with a trusted device' }).click();
    const codeOutput = phone.page.locator('[data-latchkey-pairing-code]');
    await codeOutput.waitFor({ timeout: WAIT });
    const code = (await codeOutput.textContent())?.trim() ?? '';
    expect(code).toMatch(/^[A-Za-z0-9-]{6,16}$/);
    // A QR of the approval link, with the code in it, beside the code.
    const qr = phone.page.locator('.pairing-qr img');
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    const link = await phone.page.locator('.pairing-qr a').getAttribute('href');
    expect(link).toBe(`${url}/pair?code=${encodeURIComponent(code)}`);
    await screenshot(phone.page, '06a-pairing-new-device-code');

    // The laptop follows the link (as scanning the QR would): the code is filled in.
    await openPage(laptop.page, link!, 'Pair a new device');
    expect(await laptop.page.getByLabel('Pairing code').inputValue()).toBe(code);
    // The lookup needs a step-up: the laptop's passkey confirms, then the device shows.
    await touch(laptop, async () => {
      await laptop.page.getByRole('button', { name: 'Look up' }).click();
      await laptop.page
        .getByRole('heading', { name: 'Is this your device?' })
        .waitFor({ timeout: WAIT });
    });
    const request = laptop.page.locator('.pairing-request');
    await waitForText(request, 'Linux');
    // Consent phishing (RFC 8628 §5.4): the code to compare with the new device's screen, the
    // device's own claims labelled as such, and a warning since the code came from a link.
    await waitForText(request, 'Check that the new device shows exactly this code');
    expect((await request.locator('.pairing-code').textContent())?.trim()).toBe(code);
    await waitForText(request, 'This code came from a link or a QR code');
    await waitForText(request, 'Name (as the new device reports it)');
    await screenshot(laptop.page, '06b-pairing-lookup');
    await touch(laptop, async () => {
      await laptop.page.getByRole('button', { name: 'Approve this device' }).click();
      await waitForText(laptop.page.locator('main [role="status"]'), 'Approved');
    });

    // The phone sees the approval on its next poll and creates its own passkey.
    const enrol = phone.page.getByRole('button', { name: 'Create a passkey on this device' });
    await enrol.waitFor({ timeout: WAIT });
    await touch(phone, async () => {
      await enrol.click();
      await waitForText(
        phone.page.locator('[data-latchkey-pair-prompt]'),
        'This device now has a passkey',
      );
    });
    await screenshot(phone.page, '06c-pairing-enrolled');
    const phoneCredential = await onlyCredentialId(phone);
    expect((await passkeysOf(laptop)).map((p) => p.credentialId)).toContain(phoneCredential);
    await expectSignedInAs(phone, EMAIL);
  });

  test('signs the paired phone out from the laptop’s list of sessions', async () => {
    const phone = suite.deviceNamed('phone');
    await openPage(laptop.page, `${url}/account`, 'Account security');
    const sessions = laptop.page.getByRole('region', { name: 'Where you are signed in' });
    const other = sessions.getByRole('button', { name: /^Sign out (?!.*this device)/ });
    await sessions.getByRole('button', { name: /\(this device\)$/ }).waitFor({ timeout: WAIT });
    await expect.poll(() => other.count(), { timeout: WAIT }).toBe(1);
    await other.click();
    await waitForText(sessions.getByRole('status'), /^Signed out .* on Linux\.$/);
    await expect.poll(() => other.count(), { timeout: WAIT }).toBe(0);
    await screenshot(laptop.page, '06d-paired-phone-signed-out');
    // The phone's cookie stopped working at once; the laptop's did not.
    await phone.page.reload({ waitUntil: 'domcontentloaded', timeout: WAIT });
    await expectSignedOut(phone);
    await expectSignedInAs(laptop, EMAIL);
  });

  test('signs in with a recovery code on a new device, which must then create a passkey', async () => {
    const tablet = await device('tablet');
    await openPage(tablet.page, `${url}/recover`, 'Recover your account');
    const status = tablet.page.locator('main form [role="status"]');

    // A wrong code is refused in words.
    await tablet.page.getByLabel('Recovery code').fill('WRONG-CODE-0000');
    await tablet.page.getByRole('button', { name: 'Recover my account' }).click();
    await waitForText(status, 'That code is not valid');

    await tablet.page.getByLabel('Email (optional)').fill(EMAIL);
    await tablet.page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await tablet.page.getByRole('button', { name: 'Recover my account' }).click();
    await tablet.page
      .getByRole('heading', { name: 'Add a passkey on this device' })
      .waitFor({ timeout: WAIT });
    await screenshot(tablet.page, '07a-recovered-must-enrol');

    // Until it has a passkey, the recovery session may do nothing else.
    const me = await fetchFromPage<{ error: { code: string } }>(tablet.page, '/api/me');
    expect(me.status).toBe(403);
    expect(me.body.error.code).toBe('ENROLMENT_REQUIRED');
    const list = await fetchFromPage<{ error: { code: string } }>(tablet.page, '/auth/passkeys');
    expect(list.body.error.code).toBe('ENROLMENT_REQUIRED');

    await touch(tablet, async () => {
      await tablet.page.getByRole('button', { name: 'Create a passkey on this device' }).click();
      await tablet.page
        .getByRole('heading', { level: 1, name: 'Account security' })
        .waitFor({ timeout: WAIT });
    });
    await expectSignedInAs(tablet, EMAIL);
    const tabletCredential = await onlyCredentialId(tablet);
    expect((await passkeysOf(tablet)).map((p) => p.credentialId)).toContain(tabletCredential);

    // The code was used up: the laptop sees one fewer.
    await openPage(laptop.page, `${url}/account`, 'Account security');
    await waitForText(
      laptop.page.locator('[data-latchkey-recovery-codes]'),
      `${recoveryCodes.length - 1} recovery codes left`,
    );

    // The new passkey signs in by itself; this session is now one that passkey opened.
    await signOut(tablet);
    await signIn(tablet);
    await screenshot(tablet.page, '07b-recovered-and-enrolled');
  });

  test('renames a passkey', async () => {
    const tablet = suite.deviceNamed('tablet');
    const tabletCredential = await onlyCredentialId(tablet);
    await openPage(laptop.page, `${url}/account`, 'Account security');
    const item = await passkeyItem(laptop, tabletCredential);
    await item.getByRole('button', { name: 'Rename' }).click();
    await item.getByLabel('Passkey name').fill('Kitchen tablet');
    await item.getByRole('button', { name: 'Save' }).click();
    await waitForText(passkeyListStatus(laptop), 'Renamed to Kitchen tablet');
    await screenshot(laptop.page, '08-renamed');

    const renamed = (await passkeysOf(laptop)).find((p) => p.credentialId === tabletCredential);
    expect(renamed?.name).toBe('Kitchen tablet');
    // Another device sees the new name too: it is stored, not just shown.
    await openPage(tablet.page, `${url}/account`, 'Account security');
    await waitForText(tablet.page.locator('[data-latchkey-passkey-list]'), 'Kitchen tablet');
  });

  test('revokes a passkey, which stops working at once', async () => {
    const tablet = suite.deviceNamed('tablet');
    const tabletCredential = await onlyCredentialId(tablet);
    await openPage(laptop.page, `${url}/account`, 'Account security');
    const item = await passkeyItem(laptop, tabletCredential);
    await item.getByRole('button', { name: 'Remove' }).click();
    // Removing asks for a step-up: the laptop's passkey confirms.
    await touch(laptop, async () => {
      await item.getByRole('button', { name: 'Remove passkey' }).click();
      await waitForText(passkeyListStatus(laptop), 'Removed Kitchen tablet');
    });
    await screenshot(laptop.page, '09a-revoked');
    expect((await passkeysOf(laptop)).map((p) => p.credentialId)).not.toContain(tabletCredential);

    // The tablet's session, opened by that passkey, has ended already…
    const me = await fetchFromPage<{ error: { code: string } }>(tablet.page, '/api/me');
    expect(me.status).toBe(401);
    // …and the passkey itself no longer signs in.
    await openSignIn(tablet);
    await touch(tablet, async () => {
      await tablet.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await waitForText(signInStatus(tablet), 'no longer registered here');
    });
    await screenshot(tablet.page, '09b-revoked-passkey-refused');
    await expectSignedOut(tablet);
  });

  test('refuses to remove the last passkey, in words', async () => {
    const laptopCredential = await onlyCredentialId(laptop);
    await openPage(laptop.page, `${url}/account`, 'Account security');
    // Any other passkey (the paired phone's, when pairing ran) goes first.
    for (const other of (await passkeysOf(laptop)).filter(
      (p) => p.credentialId !== laptopCredential,
    )) {
      const item = await passkeyItem(laptop, other.credentialId);
      await item.getByRole('button', { name: 'Remove' }).click();
      await touch(laptop, async () => {
        await item.getByRole('button', { name: 'Remove passkey' }).click();
        await waitForText(passkeyListStatus(laptop), `Removed ${other.name}`);
      });
    }
    const item = await passkeyItem(laptop, laptopCredential);
    await item.getByRole('button', { name: 'Remove' }).click();
    await touch(laptop, async () => {
      await item.getByRole('button', { name: 'Remove passkey' }).click();
      await waitForText(
        passkeyListStatus(laptop),
        'This is your only passkey, so removing it would lock you out',
      );
    });
    await screenshot(laptop.page, '10-last-passkey-guard');
    expect((await passkeysOf(laptop)).map((p) => p.credentialId)).toEqual([laptopCredential]);
    await expectSignedInAs(laptop, EMAIL);
  });

  test('shows a clear error when user verification fails', async () => {
    await signOut(laptop);
    await laptop.setUserVerified(false);
    try {
      await openSignIn(laptop);
      await laptop.page.getByLabel('Email', { exact: true }).fill(EMAIL);
      await touch(laptop, async () => {
        await laptop.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        await waitForText(signInStatus(laptop), 'could not confirm it is you');
      });
      await screenshot(laptop.page, '11-user-verification-failed');
      await expectSignedOut(laptop);
    } finally {
      await laptop.setUserVerified(true);
    }
  });

  test('a cancelled ceremony says so and leaves nothing half done', async () => {
    const saved: VirtualCredential[] = await laptop.credentials();
    await laptop.clearCredentials();
    const button = laptop.page.getByRole('button', { name: 'Sign in with a passkey' });
    try {
      await openSignIn(laptop);
      // The browser finds no passkey for this site and rejects with NotAllowedError.
      await touch(laptop, async () => {
        await button.click();
        await waitForText(signInStatus(laptop), 'was cancelled');
      });
      await screenshot(laptop.page, '12-ceremony-cancelled');
      await expectSignedOut(laptop);
      const session = await fetchFromPage<{ user: unknown; session: unknown }>(
        laptop.page,
        '/auth/session',
      );
      expect(session.body).toMatchObject({ user: null, session: null });
      // The form is ready again, not stuck mid-ceremony.
      const form = laptop.page.locator('[data-latchkey-sign-in]');
      expect(await form.getAttribute('aria-busy')).toBe('false');
      expect(await form.getAttribute('data-state')).toBe('idle');
    } finally {
      await laptop.addCredentials(saved);
    }
    // The same form works at once when the passkey is back.
    await touch(laptop, async () => {
      await button.click();
      await laptop.page
        .getByRole('heading', { level: 1, name: 'Account security' })
        .waitFor({ timeout: WAIT });
    });
    await expectSignedInAs(laptop, EMAIL);
    await signOut(laptop);
  });

  test('every page passes axe’s WCAG 2.1 AA checks, signed out and signed in', async () => {
    const check = async (path: string, heading: string) => {
      await openPage(laptop.page, `${url}${path}`, heading);
      // Let the page's own requests (session, lists) settle first.
      await laptop.page.waitForLoadState('networkidle', { timeout: WAIT });
      expect({ path, violations: await axeViolations(laptop.page) }).toEqual({
        path,
        violations: [],
      });
    };
    // The page shown while the store opens (without its reload, which would end the check).
    await laptop.page.setContent(STARTING_PAGE.replace(/<meta http-equiv="refresh"[^>]*>/, ''));
    expect(await axeViolations(laptop.page)).toEqual([]);

    await check('/', 'Latchkey demo');
    await check('/sign-in', 'Sign in');
    await check('/sign-up', 'Create an account');
    await check('/recover', 'Recover your account');
    await check('/pair', 'Pair a new device');
    await check('/me', 'Who am I');
    await check('/no-such-page', 'Page not found');

    await signIn(laptop, EMAIL);
    await check('/account', 'Account security');
    await check('/pair', 'Pair a new device');
    await check('/me', 'Who am I');
    await waitForText(laptop.page.getByTestId('api-verdict'), 'The API knows who you are');
    await screenshot(laptop.page, '13a-who-am-i');
    await check('/audit', 'Audit log');
    // The journey so far is on record: the sign-up, the sign-ins and the passkey removed.
    const events = laptop.page.locator('tr[data-event-type]');
    await events.first().waitFor({ timeout: WAIT });
    const types = await events.evaluateAll((rows) =>
      rows.map((row) => row.getAttribute('data-event-type')),
    );
    expect(types).toEqual(
      expect.arrayContaining(['user.created', 'signin.succeeded', 'passkey.revoked']),
    );
    await screenshot(laptop.page, '13b-audit-log');
    await signOut(laptop);
  });

  test('a restarted server keeps the account (npm run serve on the same data folder)', async () => {
    await suite.closeServer();
    const restarted = await startDemoProcess({
      port: suite.port,
      dataDir: suite.dataDir,
      env: { LATCHKEY_RATE_LIMIT_PER_IP: String(RATE_LIMIT_PER_IP) },
    });
    try {
      expect(restarted.output()).toContain(`Latchkey demo at ${url}`);
      await signIn(laptop, EMAIL);
      const passkeys = await passkeysOf(laptop);
      expect(passkeys.map((p) => p.credentialId)).toEqual([await onlyCredentialId(laptop)]);
      await screenshot(laptop.page, '14-after-restart');
    } finally {
      // A graceful stop closes the database and exits cleanly.
      expect(await restarted.stop('SIGTERM')).toBe(0);
    }
    expect(restarted.output()).toContain('SIGTERM: closing the Latchkey demo');
  });
});
