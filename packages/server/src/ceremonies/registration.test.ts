import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { randomToken } from '../internal/crypto.js';
import { createTestAuthenticator } from '../testing/index.js';

describe('passkey sign-up', () => {
  it('creates the account, signs in, and returns ten recovery codes once', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const res = await browser.signUp(
      { email: 'Ada@Example.com', displayName: 'Ada' },
      'Work laptop',
    );

    expect(res.status).toBe(201);
    expect(res.body.recoveryCodes).toHaveLength(10);
    expect(res.body.recoveryCodes[0]).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(res.body.passkey).toMatchObject({
      name: 'Work laptop',
      status: 'active',
      rpId: 'localhost',
    });
    expect(res.body.passkey.createdWith).toMatchObject({ browser: 'Chrome', os: 'macOS' });

    const session = await browser.call('GET', '/auth/session');
    expect(session.body.user).toMatchObject({ email: 'ada@example.com', displayName: 'Ada' });
    expect(session.body.session.kind).toBe('full');
    expect(session.body.rp).toEqual({ id: 'localhost', grace: false, signUp: 'open' });

    // Adding a second passkey (another authenticator, after a step-up) returns no new codes.
    expect((await browser.stepUp()).status).toBe(200);
    browser.authenticator = createTestAuthenticator({ origin: browser.origin });
    const second = await browser.signUp({}, 'Phone');
    expect(second.status).toBe(201);
    expect(second.body.recoveryCodes).toBeUndefined();
  });

  it('signs up with no email at all (discoverable credentials)', async () => {
    const browser = createTestServer().browser();
    const res = await browser.signUp({ displayName: 'Grace' });
    expect(res.status).toBe(201);
    const session = await browser.call('GET', '/auth/session');
    expect(session.body.user).toMatchObject({ email: null, displayName: 'Grace' });
  });

  // The one home of a default name: the React kit sends none unless one is typed.
  it.each([
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15',
      'Firefox on iPhone',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36',
      'Android WebView on Android',
    ],
  ])('names a passkey sent without a name after the browser: %s', async (userAgent, name) => {
    const browser = createTestServer().browser({ userAgent });
    expect((await browser.signUp({ email: 'ada@example.com' })).status).toBe(201);
    const list = await browser.call('GET', '/auth/passkeys');
    expect(list.body.passkeys.map((p: { name: string }) => p.name)).toEqual([name]);
  });

  it('keeps one stable user handle and fills excludeCredentials for a signed-in user', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp({ email: 'ada@example.com' });
    const laptop = browser.authenticator;
    expect((await browser.stepUp()).status).toBe(200);
    // The same authenticator refuses, as a browser does (InvalidStateError).
    await expect(browser.registration()).rejects.toMatchObject({ name: 'InvalidStateError' });
    browser.authenticator = createTestAuthenticator({ origin: browser.origin });
    const first = await browser.registration();
    expect(first.options.user.id).toBe(laptop.credentials[0]!.userHandle);
    expect(first.options.excludeCredentials?.map((c) => c.id)).toEqual([laptop.credentials[0]!.id]);
    expect(first.options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    await browser.call('POST', '/auth/passkeys/register', { response: first.response });
    const second = await server.browser().call('GET', '/auth/session');
    expect(second.body.user).toBeNull();
    const again = (await browser.call('POST', '/auth/passkeys/register-options', {})).body.options;
    expect(again.user.id).toBe(first.options.user.id);
    expect(again.excludeCredentials).toHaveLength(2);
  });

  it('gives every new account its own random user handle', async () => {
    const server = createTestServer();
    const a = await server.browser().registration();
    const b = await server.browser().registration();
    expect(a.options.user.id).not.toBe(b.options.user.id);
    expect(a.options.user.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses sign-up when it is closed', async () => {
    const browser = createTestServer({ signUp: 'closed' }).browser();
    const res = await browser.call('POST', '/auth/passkeys/register-options', {});
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('SIGN_UP_CLOSED');
  });

  it('refuses an email that already has an account at register, not at register-options', async () => {
    const server = createTestServer();
    await server.browser().signUp({ email: 'ada@example.com' });
    const res = await server.browser().signUp({ email: 'ADA@example.com' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('EMAIL_TAKEN');
  });

  it('refuses a registration made on another origin', async () => {
    const browser = createTestServer().browser();
    const { response } = await browser.registration({}, { origin: 'https://evil.example' });
    const res = await browser.call('POST', '/auth/passkeys/register', { response });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ORIGIN_MISMATCH');
  });

  it('refuses a registration for another RP ID', async () => {
    const browser = createTestServer().browser();
    const { response } = await browser.registration({}, { rpId: 'evil.example' });
    const res = await browser.call('POST', '/auth/passkeys/register', { response });
    expect(res.body.error.code).toBe('RP_ID_MISMATCH');
  });

  it('requires user verification by default, and accepts its absence when preferred', async () => {
    const strict = createTestServer().browser({ userVerified: false });
    const { response } = await strict.registration();
    const res = await strict.call('POST', '/auth/passkeys/register', { response });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('USER_VERIFICATION_REQUIRED');

    const lenient = createTestServer({ userVerification: 'preferred' }).browser({
      userVerified: false,
    });
    expect((await lenient.signUp()).status).toBe(201);
  });

  it('uses each registration challenge once', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const { response } = await browser.registration();
    expect((await browser.call('POST', '/auth/passkeys/register', { response })).status).toBe(201);
    expect((await browser.stepUp()).status).toBe(200);
    const again = await browser.call('POST', '/auth/passkeys/register', { response });
    expect(again.body.error.code).toBe('CHALLENGE_EXPIRED');
  });

  it('refuses a challenge issued to another browser', async () => {
    const server = createTestServer();
    const victim = server.browser();
    const attacker = server.browser({ authenticator: victim.authenticator });
    const { response } = await victim.registration();
    const res = await attacker.call('POST', '/auth/passkeys/register', { response });
    expect(res.body.error.code).toBe('CHALLENGE_MISMATCH');
  });

  it('refuses a challenge of another ceremony', async () => {
    const browser = createTestServer().browser();
    await browser.signUp();
    await browser.signOut();
    // An authentication challenge answered with a registration.
    const options = (await browser.call('POST', '/auth/passkeys/auth-options', {})).body.options;
    const { options: regOptions } = await browser.registration();
    const response = await browser.authenticator.register({
      ...regOptions,
      challenge: options.challenge,
    });
    const res = await browser.call('POST', '/auth/passkeys/register', { response });
    expect(res.body.error.code).toBe('CHALLENGE_MISMATCH');
  });

  it('refuses a webauthn.get response posing as a registration', async () => {
    const browser = createTestServer().browser();
    const { response } = await browser.registration({}, { type: 'webauthn.get' });
    const res = await browser.call('POST', '/auth/passkeys/register', { response });
    expect(res.body.error.code).toBe('VERIFICATION_FAILED');
  });

  it('keeps credential ids unique across users', async () => {
    const server = createTestServer();
    const ada = server.browser();
    await ada.signUp({ email: 'ada@example.com' });
    const bob = server.browser();
    const { response } = await bob.registration({ email: 'bob@example.com' });
    // Ada's account already holds this credential id.
    const adaId = (await server.store.getUserByEmail('ada@example.com'))!.id;
    const existing = (await server.store.listCredentials(adaId))[0]!;
    await server.store.addCredential({
      ...existing,
      id: randomToken(12),
      credentialId: response.id,
    });
    const res = await bob.call('POST', '/auth/passkeys/register', { response });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CREDENTIAL_EXISTS');
    expect(await server.store.getUserByEmail('bob@example.com')).toBeNull();
  });

  it('audits the new account and passkey', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp({ email: 'ada@example.com' });
    const audit = await browser.call('GET', '/auth/audit');
    expect(audit.body.events.map((e: { type: string }) => e.type).sort()).toEqual([
      'passkey.registered',
      'user.created',
    ]);
  });
});
