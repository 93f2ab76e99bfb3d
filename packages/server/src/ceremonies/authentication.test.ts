import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { CHALLENGE_TTL_MS } from './challenges.js';

async function signedUp(config = {}) {
  const server = createTestServer(config);
  const browser = server.browser({ backupEligible: true, backupState: false });
  await browser.signUp({ email: 'ada@example.com', displayName: 'Ada' });
  await browser.signOut();
  return { server, browser };
}

describe('passkey sign-in', () => {
  it('signs in with no email: discoverable, no allowCredentials', async () => {
    const { browser } = await signedUp();
    const { options, response } = await browser.assertion();
    expect(options.allowCredentials).toBeUndefined();
    expect(options.userVerification).toBe('required');
    const res = await browser.call('POST', '/auth/passkeys/authenticate', { response });
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe('ada@example.com');
    expect(res.body.session.kind).toBe('full');
    expect((await browser.call('GET', '/auth/session')).body.user.id).toBe(res.body.user.id);
  });

  it("signs in with an email: that user's credentials with transports", async () => {
    const { browser } = await signedUp();
    const { options, response } = await browser.assertion({ email: 'ada@example.com' });
    expect(options.allowCredentials).toEqual([
      {
        id: browser.authenticator.credentials[0]!.id,
        type: 'public-key',
        transports: ['internal'],
      },
    ]);
    expect((await browser.call('POST', '/auth/passkeys/authenticate', { response })).status).toBe(
      200,
    );
  });

  it('answers an unknown email with stable decoys shaped like the real credentials', async () => {
    const { server } = await signedUp();
    const a = (
      await server
        .browser()
        .call('POST', '/auth/passkeys/auth-options', { email: 'nobody@example.com' })
    ).body.options;
    const b = (
      await server
        .browser()
        .call('POST', '/auth/passkeys/auth-options', { email: 'nobody@example.com' })
    ).body.options;
    const other = (
      await server
        .browser()
        .call('POST', '/auth/passkeys/auth-options', { email: 'else@example.com' })
    ).body.options;
    expect(a.allowCredentials.length).toBeGreaterThanOrEqual(1);
    expect(a.allowCredentials).toEqual(b.allowCredentials);
    expect(a.allowCredentials).not.toEqual(other.allowCredentials);
    for (const c of a.allowCredentials) {
      // The only passkey here: the test authenticator's (32-byte id, "internal").
      expect(c).toEqual({
        id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        type: 'public-key',
        transports: ['internal'],
      });
    }
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  });

  it('refuses a replayed assertion', async () => {
    const { browser } = await signedUp();
    const { response } = await browser.assertion();
    expect((await browser.call('POST', '/auth/passkeys/authenticate', { response })).status).toBe(
      200,
    );
    const replay = await browser.call('POST', '/auth/passkeys/authenticate', { response });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('CHALLENGE_EXPIRED');
  });

  it('refuses an expired challenge', async () => {
    const { server, browser } = await signedUp();
    const { response } = await browser.assertion();
    server.clock.advance(CHALLENGE_TTL_MS + 1);
    const res = await browser.call('POST', '/auth/passkeys/authenticate', { response });
    expect(res.body.error.code).toBe('CHALLENGE_EXPIRED');
  });

  it('refuses a wrong origin, a wrong RP ID hash and a bad signature', async () => {
    const { browser } = await signedUp();
    const cases = [
      [{ origin: 'https://evil.example' }, 'ORIGIN_MISMATCH'],
      [{ rpId: 'evil.example' }, 'RP_ID_MISMATCH'],
      [{ tamperSignature: true }, 'VERIFICATION_FAILED'],
      [{ crossOrigin: true, topOrigin: 'https://evil.example' }, 'ORIGIN_MISMATCH'],
      [{ type: 'webauthn.create' }, 'VERIFICATION_FAILED'],
      [{ userPresent: false }, 'VERIFICATION_FAILED'],
    ] as const;
    for (const [overrides, code] of cases) {
      const { response } = await browser.assertion({}, overrides);
      const res = await browser.call('POST', '/auth/passkeys/authenticate', { response });
      expect([JSON.stringify(overrides), res.status, res.body.error?.code]).toEqual([
        JSON.stringify(overrides),
        400,
        code,
      ]);
    }
    expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
  });

  it('requires user verification when the policy says so', async () => {
    const { browser } = await signedUp();
    const { response } = await browser.assertion({}, { userVerified: false });
    const res = await browser.call('POST', '/auth/passkeys/authenticate', { response });
    expect(res.body.error.code).toBe('USER_VERIFICATION_REQUIRED');
  });

  it('rejects and audits a signature counter regression', async () => {
    const { server, browser } = await signedUp();
    expect((await browser.signIn()).status).toBe(200);
    expect((await browser.signIn()).status).toBe(200);
    await browser.signOut();
    const id = browser.authenticator.credentials[0]!.id;
    browser.authenticator.setCounter(id, 0); // a clone still at the old counter
    const res = await browser.signIn();
    expect(res.body.error.code).toBe('COUNTER_REGRESSION');
    const events = await server.latchkey.api.audit.list({ limit: 50 });
    expect(events.find((e) => e.type === 'counter.regression')?.data).toMatchObject({
      credentialId: id,
      stored: 2,
      received: 1,
    });
  });

  it('refuses a challenge issued to another browser', async () => {
    const { server, browser } = await signedUp();
    const other = server.browser({ authenticator: browser.authenticator });
    const { response } = await other.assertion();
    const res = await browser.call('POST', '/auth/passkeys/authenticate', { response });
    expect(res.body.error.code).toBe('CHALLENGE_MISMATCH');
  });

  it('refuses a step-up challenge used to sign in', async () => {
    const { browser } = await signedUp();
    await browser.signIn();
    const { response } = await browser.assertion({}, undefined, '/auth/passkeys/verify-options');
    const res = await browser.call('POST', '/auth/passkeys/authenticate', { response });
    expect(res.body.error.code).toBe('CHALLENGE_MISMATCH');
  });

  it("refuses another user's credential when the email named someone else", async () => {
    const { server, browser } = await signedUp();
    const mallory = server.browser();
    await mallory.signUp({ email: 'mallory@example.com' });
    await mallory.signOut();
    // Options for Ada, answered with Mallory's discoverable passkey.
    const options = (
      await mallory.call('POST', '/auth/passkeys/auth-options', { email: 'ada@example.com' })
    ).body.options;
    const response = await mallory.authenticator.authenticate({
      ...options,
      allowCredentials: undefined,
    });
    const res = await mallory.call('POST', '/auth/passkeys/authenticate', { response });
    expect(res.body.error.code).toBe('UNKNOWN_CREDENTIAL');
    expect(browser.authenticator.credentials).toHaveLength(1);
  });

  it('refreshes backup flags, counter and last use on every sign-in', async () => {
    const { server, browser } = await signedUp();
    const id = browser.authenticator.credentials[0]!.id;
    expect((await server.store.getCredential(id))!.backedUp).toBe(false);
    const { response } = await browser.assertion({}, { backupEligible: true, backupState: true });
    expect((await browser.call('POST', '/auth/passkeys/authenticate', { response })).status).toBe(
      200,
    );
    const stored = (await server.store.getCredential(id))!;
    expect(stored).toMatchObject({
      backedUp: true,
      deviceType: 'multiDevice',
      counter: 1,
      lastUsedAt: server.clock.now,
    });
  });

  it('lets exactly one of two concurrent verifies of one challenge through', async () => {
    const { browser } = await signedUp();
    const { response } = await browser.assertion();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        browser.send(browser.request('POST', '/auth/passkeys/authenticate', { response })),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.body.error?.code === 'CHALLENGE_EXPIRED')).toHaveLength(7);
  });

  it('fails at once for a revoked passkey', async () => {
    const { server, browser } = await signedUp();
    const id = browser.authenticator.credentials[0]!.id;
    const user = (await server.store.getUserByEmail('ada@example.com'))!;
    await server.latchkey.api.passkeys.remove(user.id, id, { allowLast: true });
    const res = await browser.signIn();
    expect(res.body.error.code).toBe('UNKNOWN_CREDENTIAL');
  });

  it('audits failed sign-ins with their reason', async () => {
    const { server, browser } = await signedUp();
    const { response } = await browser.assertion({}, { tamperSignature: true });
    await browser.call('POST', '/auth/passkeys/authenticate', { response });
    const events = await server.latchkey.api.audit.list({ limit: 10 });
    expect(events[0]).toMatchObject({
      type: 'signin.failed',
      data: { reason: 'VERIFICATION_FAILED', ceremony: 'authentication' },
    });
  });
});
