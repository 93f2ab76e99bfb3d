import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { createTestAuthenticator } from '../testing/index.js';

async function twoPasskeys() {
  const server = createTestServer();
  const laptop = server.browser();
  await laptop.signUp({ email: 'ada@example.com' }, 'Laptop');
  // The phone signs in with the laptop's passkey (say, over hybrid), then adds its own.
  const phone = server.browser({ authenticator: laptop.authenticator });
  await phone.signIn({ email: 'ada@example.com' });
  server.clock.advance(1000);
  phone.authenticator = createTestAuthenticator({ origin: phone.origin });
  const { response } = await phone.registration();
  await phone.call('POST', '/auth/passkeys/register', { response, name: 'Phone' });
  return { server, laptop, phone };
}

describe('managing passkeys', () => {
  it('lists passkeys with their details', async () => {
    const { laptop } = await twoPasskeys();
    const res = await laptop.call('GET', '/auth/passkeys');
    expect(res.status).toBe(200);
    expect(res.body.passkeys.map((p: { name: string }) => p.name)).toEqual(['Laptop', 'Phone']);
    expect(res.body.passkeys[0]).toMatchObject({
      credentialId: laptop.authenticator.credentials[0]!.id,
      transports: ['internal'],
      deviceType: 'singleDevice',
      backedUp: false,
      status: 'active',
      rpId: 'localhost',
      provider: { name: expect.any(String) },
      lastUsedAt: expect.any(String),
    });
  });

  it('renames a passkey, trimmed; another user cannot', async () => {
    const { server, laptop } = await twoPasskeys();
    const id = laptop.authenticator.credentials[0]!.id;
    const res = await laptop.call('PATCH', `/auth/passkeys/${id}`, { name: '  Work laptop  ' });
    expect(res.body.passkey.name).toBe('Work laptop');
    const blank = await laptop.call('PATCH', `/auth/passkeys/${id}`, { name: '   ' });
    expect(blank.body.error.code).toBe('INVALID_BODY');
    const stranger = server.browser();
    await stranger.signUp();
    expect(
      (await stranger.call('PATCH', `/auth/passkeys/${id}`, { name: 'mine' })).body.error.code,
    ).toBe('NOT_FOUND');
  });

  it('needs a step-up to revoke, then revokes and ends that passkey’s sessions', async () => {
    const { server, laptop, phone } = await twoPasskeys();
    const phoneCredential = phone.authenticator.credentials[0]!.id;
    const denied = await laptop.call('DELETE', `/auth/passkeys/${phoneCredential}`);
    expect([denied.status, denied.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);

    // A session opened with the phone's passkey.
    const phoneSession = server.browser({ authenticator: phone.authenticator });
    expect((await phoneSession.signIn()).status).toBe(200);

    expect((await laptop.stepUp()).status).toBe(200);
    expect((await laptop.call('DELETE', `/auth/passkeys/${phoneCredential}`)).status).toBe(200);
    expect((await phoneSession.call('GET', '/auth/session')).body.user).toBeNull();
    expect((await phoneSession.signIn()).body.error.code).toBe('UNKNOWN_CREDENTIAL');
    expect((await laptop.call('GET', '/auth/session')).body.user).not.toBeNull();
  });

  it('keeps sessions of a revoked passkey when configured to', async () => {
    const server = createTestServer({ revokeSessionsWithPasskey: false });
    const a = server.browser();
    await a.signUp({ email: 'ada@example.com' });
    const second = createTestAuthenticator({ origin: a.origin });
    const { options } = (await a.call('POST', '/auth/passkeys/register-options', {})).body;
    expect(
      (
        await a.call('POST', '/auth/passkeys/register', {
          response: await second.register(options),
        })
      ).status,
    ).toBe(201);
    const other = server.browser({ authenticator: second });
    await other.signIn({ email: 'ada@example.com' });
    await a.stepUp();
    expect((await a.call('DELETE', `/auth/passkeys/${second.credentials[0]!.id}`)).status).toBe(
      200,
    );
    expect((await other.call('GET', '/auth/session')).body.user).not.toBeNull();
  });

  it('refuses to revoke the last passkey with 409 LAST_CREDENTIAL', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp();
    await browser.stepUp();
    const id = browser.authenticator.credentials[0]!.id;
    const res = await browser.call('DELETE', `/auth/passkeys/${id}`);
    expect([res.status, res.body.error.code]).toEqual([409, 'LAST_CREDENTIAL']);
    expect(await server.store.getCredential(id)).not.toBeNull();
  });

  it('lets the elevation lapse after five minutes', async () => {
    const { server, laptop, phone } = await twoPasskeys();
    await laptop.stepUp();
    server.clock.advance(300_001);
    const res = await laptop.call(
      'DELETE',
      `/auth/passkeys/${phone.authenticator.credentials[0]!.id}`,
    );
    expect(res.body.error.code).toBe('STEP_UP_REQUIRED');
  });

  it('steps up only with one of the user’s own passkeys', async () => {
    const server = createTestServer();
    const ada = server.browser();
    await ada.signUp({ email: 'ada@example.com' });
    const mallory = server.browser();
    await mallory.signUp({ email: 'mallory@example.com' });
    const options = (await ada.call('POST', '/auth/passkeys/verify-options', {})).body.options;
    const response = await mallory.authenticator.authenticate({
      ...options,
      allowCredentials: undefined,
    });
    const res = await ada.call('POST', '/auth/passkeys/verify', { response });
    expect(res.body.error.code).toBe('UNKNOWN_CREDENTIAL');
  });
});
