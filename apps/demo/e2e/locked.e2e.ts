// Locked sessions and passkey-derived keys, end to end: the real demo server (with a short
// pop.maxAge), the built web app with `lockedSessions()` in its provider, and Debian Chromium.
// (a) a session bound to a device key in IndexedDB signs every API call and keeps proving,
//     while its copied cookie, in another browser without the key, is refused at once;
// (b) with PRF on the virtual authenticators, the same data key comes back across sign-ins
//     and from a second passkey once the key is wrapped for it.
import type { BrowserDevice } from '@latchkey/browser-device';
import type { Page, Request } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { screenshot } from './harness/artifacts.js';
import { axeViolations } from './harness/axe-check.js';
import { demoSuite } from './harness/demo-suite.js';
import { verifyAddress } from './harness/mailbox.js';
import { fetchFromPage, openPage, WAIT, waitForText } from './harness/page-checks.js';

/** Seconds a periodic proof lasts: short, so the page proves several times within the test. */
const POP_MAX_AGE = 4;

const suite = demoSuite('locked', { pop: { maxAge: POP_MAX_AGE } });
let url: string;

beforeAll(() => {
  url = suite.url;
});

/** Runs `work` in the page, failing after `ms` instead of hanging (a WebAuthn or IndexedDB wait). */
function evaluateWithin<T>(page: Page, ms: number, work: () => Promise<T>) {
  return Promise.race([
    page.evaluate(work),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`page.evaluate took over ${ms} ms`)), ms),
    ),
  ]);
}

/**
 * The stored record of the session a page is signed in with, found by the id the
 * page sees (the store keeps only a keyed hash of the cookie, so the cookie alone
 * does not find it).
 */
async function storedSessionOf(page: Page) {
  const { body } = await fetchFromPage<{ user: { id: string }; session: { id: string } }>(
    page,
    '/auth/session',
  );
  const sessions = await suite.demo.latchkey.store.listSessions(body.user.id);
  const session = sessions.find((s) => s.id === body.session.id);
  expect(session).toBeDefined();
  return session!;
}

async function signUp(d: BrowserDevice, email: string) {
  await openPage(d.page, `${url}/sign-up`, 'Create an account');
  await d.page.getByLabel('Email (optional)').fill(email);
  await d.page.getByRole('button', { name: 'Create account with a passkey' }).click();
  await d.page.getByRole('heading', { name: 'Your account is ready' }).waitFor({ timeout: WAIT });
  await d.page.getByLabel('I have saved these codes').check();
  await d.page.getByRole('button', { name: 'Continue' }).click();
  await d.page
    .getByRole('heading', { level: 1, name: 'Account security' })
    .waitFor({ timeout: WAIT });
  // The address joins the account once its verification link is opened.
  await verifyAddress(d.page, url, email);
  await openPage(d.page, `${url}/account`, 'Account security');
}

describe('locked sessions in a real browser', () => {
  let lee: BrowserDevice;

  test('a sign-in binds the session to a non-extractable key kept in IndexedDB', async () => {
    lee = await suite.device('lee');
    await signUp(lee, 'lee@example.com');
    const me = await fetchFromPage<{ session: { locked: boolean } }>(lee.page, '/auth/session');
    expect(me.body.session.locked).toBe(true);

    // The key the page keeps: IndexedDB `latchkey`, record `pop`, a CryptoKey pair.
    const stored = await evaluateWithin(lee.page, WAIT, async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('latchkey');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const pair = await new Promise<CryptoKeyPair>((resolve, reject) => {
        const request = db.transaction('device-keys').objectStore('device-keys').get('pop');
        request.onsuccess = () => resolve(request.result as CryptoKeyPair);
        request.onerror = () => reject(request.error);
      });
      db.close();
      const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
      let privateExport = 'refused';
      try {
        await crypto.subtle.exportKey('jwk', pair.privateKey);
        privateExport = 'allowed';
      } catch {}
      return {
        isCryptoKey: pair.privateKey instanceof CryptoKey,
        extractable: pair.privateKey.extractable,
        algorithm: pair.privateKey.algorithm as EcKeyAlgorithm,
        x: jwk.x,
        privateExport,
      };
    });
    expect(stored).toMatchObject({
      isCryptoKey: true,
      extractable: false,
      algorithm: { name: 'ECDSA', namedCurve: 'P-256' },
      privateExport: 'refused',
    });

    // The server bound this very session (the one the page is signed in with) to that key.
    const session = await storedSessionOf(lee.page);
    expect(JSON.parse(session.popKey!).x).toBe(stored.x);
  });

  test('moves the account to the locked tier after a step-up, and the audit log says so', async () => {
    const section = lee.page.locator('[data-latchkey-tier-upgrade]');
    await section.waitFor({ timeout: WAIT });
    expect(await section.getAttribute('data-state')).toBe('standard');
    await lee.page.getByRole('button', { name: 'Lock sessions to my devices' }).click();
    await waitForText(section.locator('[role="status"]'), 'Sessions are now locked');
    expect(await section.getAttribute('data-state')).toBe('locked');
    const me = await fetchFromPage<{ user: { tier: string } }>(lee.page, '/auth/session');
    expect(me.body.user.tier).toBe('locked');
    const audit = await fetchFromPage<{ events: { type: string; data: unknown }[] }>(
      lee.page,
      '/auth/audit',
    );
    expect(audit.body.events.find((e) => e.type === 'tier.changed')?.data).toEqual({
      from: 'standard',
      to: 'locked',
      // Every session of this kit is bound to its device key: none to end.
      endedSessions: 0,
    });
    expect(await axeViolations(lee.page)).toEqual([]);
    await screenshot(lee.page, 'locked-01-tier-locked');
  });

  test('a copied cookie is refused at once while the owner keeps proving', async () => {
    const proofs: number[] = [];
    const isProof = (request: Request) => request.url().endsWith('/auth/pop/prove');
    lee.page.on('requestfinished', (request) => {
      if (isProof(request)) proofs.push(Date.now());
    });
    // Past maxAge, Lee's session still works: the provider proves every maxAge / 2 by itself
    // (the periodic proof page loads and streams rely on), and signs every API call. Each
    // wait is for the next proof, which must come within maxAge, until maxAge has passed.
    const from = Date.now();
    while (Date.now() - from <= (POP_MAX_AGE + 1) * 1000) {
      await lee.page.waitForEvent('requestfinished', {
        predicate: isProof,
        timeout: POP_MAX_AGE * 1000,
      });
    }
    expect(proofs.length).toBeGreaterThanOrEqual(2);
    expect((await fetchFromPage(lee.page, '/auth/passkeys')).status).toBe(200);
    expect((await fetchFromPage(lee.page, '/api/me')).status).toBe(200);
    // The demo's own page calls /api/me with signedFetch.
    await openPage(lee.page, `${url}/me`, 'Who am I');
    await waitForText(lee.page.getByTestId('api-verdict'), 'The API knows who you are');

    // Another browser (its own profile, so its own IndexedDB) with Lee's cookie, while
    // Lee's tab stays open and keeps proving: refused at once, on every API call.
    const thief = await suite.device('thief');
    await thief.context.addCookies(await lee.context.cookies(url));
    await thief.page.goto(`${url}/`, { waitUntil: 'domcontentloaded', timeout: WAIT });
    const provenBefore = proofs.at(-1)!;
    expect(Date.now() - provenBefore).toBeLessThan(POP_MAX_AGE * 1000);

    const me = await fetchFromPage<{ error?: { code: string } }>(thief.page, '/api/me', {
      unsigned: true,
    });
    expect([me.status, me.body.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const stolen = await fetchFromPage<{ error?: { code: string } }>(thief.page, '/auth/passkeys', {
      unsigned: true,
    });
    expect([stolen.status, stolen.body.error?.code]).toEqual([401, 'POP_REQUIRED']);
    const thiefSession = await fetchFromPage<{ user: unknown }>(thief.page, '/auth/session', {
      unsigned: true,
    });
    expect(thiefSession.body.user).toBeNull();
    // Lee, the same moment, carries on.
    expect((await fetchFromPage(lee.page, '/api/me')).status).toBe(200);
    expect((await fetchFromPage(lee.page, '/auth/passkeys')).status).toBe(200);
    // The owner's periodic proof was fresh all along: the header alone told them apart.
    const session = await storedSessionOf(lee.page);
    expect(Date.now() - session.popProvenAt!).toBeLessThan(POP_MAX_AGE * 1000);

    // The thief's own key does not prove Lee's session; Lee's key, from IndexedDB, does.
    const forged = await proveFromPage(thief.page, 'fresh-key');
    expect([forged.status, forged.code]).toEqual([401, 'POP_INVALID']);
    expect((await suite.demo.latchkey.api.audit.list({ limit: 20 })).map((e) => e.type)).toContain(
      'pop.failed',
    );
    const proven = await proveFromPage(lee.page, 'stored-key');
    expect(proven.status).toBe(200);
    expect((await fetchFromPage(lee.page, '/auth/passkeys')).status).toBe(200);
  });
});

/**
 * Answers a proof-of-possession challenge by hand from the page: with the device key
 * the page keeps in IndexedDB (`stored-key`), or with a key made on the spot.
 */
function proveFromPage(page: Page, key: 'stored-key' | 'fresh-key') {
  return Promise.race([
    page.evaluate(async (which) => {
      const json = { 'content-type': 'application/json', accept: 'application/json' };
      const asked = await fetch('/auth/pop/challenge', {
        method: 'POST',
        headers: json,
        body: '{}',
      });
      const { challenge } = (await asked.json()) as { challenge: string };
      let privateKey: CryptoKey;
      if (which === 'stored-key') {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open('latchkey');
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        privateKey = await new Promise<CryptoKey>((resolve, reject) => {
          const request = db.transaction('device-keys').objectStore('device-keys').get('pop');
          request.onsuccess = () => resolve((request.result as CryptoKeyPair).privateKey);
          request.onerror = () => reject(request.error);
        });
        db.close();
      } else {
        const pair = await crypto.subtle.generateKey(
          { name: 'ECDSA', namedCurve: 'P-256' },
          false,
          ['sign'],
        );
        privateKey = pair.privateKey;
      }
      const bytes = Uint8Array.from(atob(challenge.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
        c.charCodeAt(0),
      );
      const signature = new Uint8Array(
        await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, bytes),
      );
      const proved = await fetch('/auth/pop/prove', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          challenge,
          signature: btoa(String.fromCharCode(...signature))
            .replace(/\+/g, '-')
            .replace(/\//g, '_')
            .replace(/=+$/, ''),
        }),
      });
      const body = (await proved.json()) as { error?: { code: string } };
      return { status: proved.status, code: body.error?.code ?? null };
    }, key),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('the proof took over 15 s')), WAIT),
    ),
  ]);
}

describe('a key derived from passkeys (PRF) in a real browser', () => {
  let ada: BrowserDevice;
  let builtIn: string;
  let securityKey: string;
  const NOTE = 'The combination is 4-8-15-16-23-42.';

  /** A virtual authenticator with the PRF extension (CTAP2 hmac-secret). */
  async function addPrfAuthenticator(transport: 'internal' | 'usb') {
    const { authenticatorId } = await ada.cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        ctap2Version: 'ctap2_1',
        transport,
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
        hasPrf: true,
      },
    });
    return authenticatorId;
  }

  /** Whether an authenticator answers (a touch) or stays silent, as if out of reach. */
  function present(authenticatorId: string, enabled: boolean) {
    return ada.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled });
  }

  const status = () => ada.page.locator('[data-latchkey-passkey-key] [role="status"]');

  async function unlockNote(expected: string) {
    await openPage(ada.page, `${url}/note`, 'Encrypted note');
    await ada.page.getByRole('button', { name: 'Unlock with your passkey' }).click();
    await waitForText(status(), 'Unlocked.');
    await waitForText(ada.page.getByTestId('note-plaintext'), expected);
  }

  test('sets up the key with a PRF passkey and encrypts a note', async () => {
    ada = await suite.device('ada');
    // Chromium allows one built-in authenticator: swap the harness's for one with PRF.
    await ada.cdp.send('WebAuthn.removeVirtualAuthenticator', {
      authenticatorId: ada.authenticatorId,
    });
    builtIn = await addPrfAuthenticator('internal');
    await signUp(ada, 'ada@example.com');
    const listed = await fetchFromPage<{ passkeys: { prf: boolean }[] }>(
      ada.page,
      '/auth/passkeys',
    );
    expect(listed.body.passkeys.map((p) => p.prf)).toEqual([true]);

    await openPage(ada.page, `${url}/note`, 'Encrypted note');
    await waitForText(ada.page.getByRole('note'), /lose every passkey/);
    await ada.page.getByRole('button', { name: 'Set up encryption with your passkey' }).click();
    await waitForText(status(), 'Encryption is set up and unlocked.');
    await ada.page.getByLabel('Note', { exact: true }).fill(NOTE);
    await ada.page.getByRole('button', { name: 'Encrypt and save' }).click();
    const ciphertext = await waitForText(ada.page.getByTestId('note-ciphertext'), /^v2\./);
    expect(ciphertext).not.toContain('combination');

    const prf = await fetchFromPage<{ keys: { wrappedKey: string | null; prf: boolean }[] }>(
      ada.page,
      '/auth/prf',
    );
    expect(prf.body.keys).toHaveLength(1);
    // Format 2: a version byte, the data key's 8-byte id and AES-KW of the key (49 bytes).
    expect(prf.body.keys[0]!.wrappedKey).toMatch(/^[A-Za-z0-9_-]{66}$/);
    expect(await axeViolations(ada.page)).toEqual([]);
    await screenshot(ada.page, 'locked-02-note-encrypted');
  });

  test('gets the same key back after signing out and in again', async () => {
    // Quiet while signing out: the sign-in page's autofill must not sign straight back in.
    await present(builtIn, false);
    await ada.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await ada.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: WAIT });
    await ada.page.getByTestId('signed-out').waitFor({ timeout: WAIT });
    await ada.waitForAutofillRequest();
    await present(builtIn, true);
    await ada.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await ada.page
      .getByRole('heading', { level: 1, name: 'Account security' })
      .waitFor({ timeout: WAIT });

    await unlockNote(NOTE);
  });

  test('wraps the key for a second passkey, which then opens the note on its own', async () => {
    // Adding a passkey from a full session needs a recent step-up with an existing passkey.
    // Unlocking the note is one (a PRF assertion at /auth/passkeys/verify, with the built-in
    // passkey); then a security key with PRF is plugged in, and the built-in authenticator
    // stays silent while the key enrols.
    await unlockNote(NOTE);
    securityKey = await addPrfAuthenticator('usb');
    await present(builtIn, false);
    await openPage(ada.page, `${url}/account`, 'Account security');
    await ada.page.getByRole('button', { name: 'Add a passkey on this device' }).click();
    await waitForText(
      ada.page.locator('[data-latchkey-enrol-button] ~ [role="status"]'),
      'Passkey created.',
    );
    const trail = (await suite.demo.latchkey.api.audit.list({ limit: 50 })).map((e) => e.type);
    expect(trail.indexOf('session.elevated')).toBeGreaterThan(trail.indexOf('passkey.added'));
    expect(trail.filter((t) => t === 'passkey.added')).toHaveLength(1);
    const listed = await fetchFromPage<{ passkeys: { prf: boolean }[] }>(
      ada.page,
      '/auth/passkeys',
    );
    expect(listed.body.passkeys.map((p) => p.prf)).toEqual([true, true]);
    const held = await ada.cdp.send('WebAuthn.getCredentials', { authenticatorId: securityKey });
    expect(held.credentials).toHaveLength(1);

    // Unlock with the built-in passkey (the only one holding the key yet), then wrap for the other.
    await present(builtIn, true);
    await unlockNote(NOTE);
    await ada.page.getByRole('button', { name: 'Also unlock with another passkey' }).click();
    await waitForText(status(), 'That passkey now unlocks your data too.');
    const prf = await fetchFromPage<{ keys: { wrappedKey: string | null }[] }>(
      ada.page,
      '/auth/prf',
    );
    expect(prf.body.keys.map((k) => k.wrappedKey !== null)).toEqual([true, true]);

    // Only the security key answers now: it alone opens the same note.
    const uses = async (authenticatorId: string) =>
      (await ada.cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0]!
        .signCount;
    const [builtInBefore, keyBefore] = [await uses(builtIn), await uses(securityKey)];
    await present(builtIn, false);
    await unlockNote(NOTE);
    expect(await uses(builtIn)).toBe(builtInBefore);
    expect(await uses(securityKey)).toBeGreaterThan(keyBefore);
    const audit = await suite.demo.latchkey.api.audit.list({ limit: 50 });
    expect(audit.filter((e) => e.type === 'prf.key_wrapped')).toHaveLength(2);
    await screenshot(ada.page, 'locked-03-note-from-second-passkey');
  });
});
