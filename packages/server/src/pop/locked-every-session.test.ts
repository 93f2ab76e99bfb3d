import { describe, expect, it } from 'vitest';
import { deviceKey } from '../../test/device-key.js';
import { createTestServer, type TestBrowser } from '../../test/harness.js';
import { createTestAuthenticator } from '../testing/index.js';

/** Ada's account with its recovery codes, on the `locked` tier, signed out everywhere. */
async function lockedAccount() {
  const server = createTestServer();
  const laptop = server.browser();
  const res = await laptop.signUp({ email: 'ada@example.com' });
  await laptop.signOut();
  const user = (await server.store.getUserByEmail('ada@example.com'))!;
  await server.store.updateUser(user.id, { tier: 'locked' });
  return { server, laptop, user, codes: res.body.recoveryCodes as string[] };
}

/** A device that asked to pair, approved by a stepped-up, bound session of Ada's. */
async function approvedPairing(server: ReturnType<typeof createTestServer>, laptop: TestBrowser) {
  const key = await deviceKey();
  const { response } = await laptop.assertion();
  const signedIn = await laptop.call('POST', '/auth/passkeys/authenticate', {
    response,
    popKey: key.popKey,
  });
  expect(signedIn.status).toBe(200);
  const signed = async (method: string, path: string, body?: unknown) =>
    laptop.call(method, path, body, await key.proof(method, path, server.clock.now));
  const options = await signed('POST', '/auth/passkeys/verify-options', {});
  const assertion = await laptop.authenticator.authenticate(options.body.options);
  expect((await signed('POST', '/auth/passkeys/verify', { response: assertion })).status).toBe(200);
  const newcomer = server.browser({ peer: '192.168.1.44' });
  const asked = await newcomer.call('POST', '/auth/pairing', { deviceName: 'Phone' });
  expect((await signed('POST', '/auth/pairing/approve', { code: asked.body.code })).status).toBe(
    200,
  );
  return { newcomer, status: `/auth/pairing/${asked.body.pairingId}` };
}

describe('the locked tier on every kind of session', () => {
  it('finding D: recovery of a locked account needs a device key, and binds the session to it', async () => {
    const { server, user, codes } = await lockedAccount();
    const lost = server.browser();
    const bare = await lost.call('POST', '/auth/recovery', { code: codes[0] });
    expect([bare.status, bare.body.error.code]).toEqual([401, 'POP_REQUIRED']);
    // Refused before the code is used up, so the page can send the key and try again.
    expect(await server.store.countRecoveryCodes(user.id)).toBe(10);
    expect(lost.cookies.size).toBe(0);
    // A wrong code without a key learns nothing about the account's tier.
    const wrong = await lost.call('POST', '/auth/recovery', {
      email: 'ada@example.com',
      code: 'AAAA-BBBB-CCCC',
    });
    expect(wrong.body.error.code).toBe('INVALID_CODE');

    const key = await deviceKey();
    const bound = await lost.call('POST', '/auth/recovery', { code: codes[0], popKey: key.popKey });
    expect(bound.status).toBe(200);
    expect(bound.body.session).toMatchObject({ kind: 'recovery', locked: true });
    // Its cookie alone, without the key's proof, gets nowhere.
    expect((await lost.call('POST', '/auth/passkeys/register-options', {})).body.error.code).toBe(
      'POP_REQUIRED',
    );
  });

  it('finding D: collecting a locked account’s paired session needs a device key (Latchkey-Pop-Key)', async () => {
    const { server, laptop, user } = await lockedAccount();
    const { newcomer, status } = await approvedPairing(server, laptop);
    const bare = await newcomer.call('GET', status);
    expect([bare.status, bare.body.error.code]).toEqual([401, 'POP_REQUIRED']);
    const junk = await newcomer.call('GET', status, undefined, { 'latchkey-pop-key': '{"kty":1' });
    expect([junk.status, junk.body.error.code]).toEqual([400, 'INVALID_PARAMS']);

    // Still there to collect, with the key.
    const key = await deviceKey();
    const collected = await newcomer.call('GET', status, undefined, {
      'latchkey-pop-key': JSON.stringify(key.popKey),
    });
    expect(collected.body).toEqual({ status: 'approved' });
    const enrol = (await server.store.listSessions(user.id)).filter((s) => s.kind === 'enrol');
    expect(enrol).toHaveLength(1);
    expect(JSON.parse(enrol[0]!.popKey!)).toEqual(key.popKey);
  });

  it('finding D: register from a session of a locked account that is not bound needs a device key', async () => {
    // A recovery session opened while the account was standard; the tier then changed
    // underneath it (another instance, an operator): register binds it or refuses.
    const server = createTestServer();
    const laptop = server.browser();
    const { recoveryCodes } = (await laptop.signUp({ email: 'ada@example.com' })).body;
    const lost = server.browser();
    expect((await lost.call('POST', '/auth/recovery', { code: recoveryCodes[0] })).status).toBe(
      200,
    );
    const user = (await server.store.getUserByEmail('ada@example.com'))!;
    await server.store.updateUser(user.id, { tier: 'locked' });

    const { response } = await lost.registration();
    const bare = await lost.call('POST', '/auth/passkeys/register', { response });
    expect([bare.status, bare.body.error.code]).toEqual([401, 'POP_REQUIRED']);
    expect(await server.store.listCredentials(user.id)).toHaveLength(1);

    lost.authenticator = createTestAuthenticator({ origin: lost.origin });
    const again = await lost.registration();
    const key = await deviceKey();
    const res = await lost.call('POST', '/auth/passkeys/register', {
      response: again.response,
      popKey: key.popKey,
    });
    expect(res.status).toBe(201);
    const session = (await server.store.listSessions(user.id)).find(
      (s) => s.credentialId === res.body.credentialId,
    );
    expect(session).toMatchObject({ kind: 'full' });
    expect(JSON.parse(session!.popKey!)).toEqual(key.popKey);
  });

  it('finding D: moving an account to locked ends its other sessions that are not bound', async () => {
    const server = createTestServer();
    const laptop = server.browser();
    const { recoveryCodes } = (await laptop.signUp({ email: 'ada@example.com' })).body;
    const user = (await server.store.getUserByEmail('ada@example.com'))!;
    // Another browser signed in without a key, a recovery session, and one bound to a key.
    const phone = server.browser({ authenticator: laptop.authenticator });
    expect((await phone.signIn()).status).toBe(200);
    const lost = server.browser();
    expect((await lost.call('POST', '/auth/recovery', { code: recoveryCodes[0] })).status).toBe(
      200,
    );
    const tablet = server.browser({ authenticator: laptop.authenticator });
    const tabletKey = await deviceKey();
    const { response } = await tablet.assertion();
    await tablet.call('POST', '/auth/passkeys/authenticate', {
      response,
      popKey: tabletKey.popKey,
    });

    expect((await laptop.stepUp()).status).toBe(200);
    const laptopKey = await deviceKey();
    const locked = await laptop.call('POST', '/auth/tier', {
      tier: 'locked',
      popKey: laptopKey.popKey,
    });
    expect(locked.status).toBe(200);

    expect((await phone.call('GET', '/auth/session')).body.user).toBeNull();
    expect((await lost.call('GET', '/auth/session')).body.user).toBeNull();
    const left = await server.store.listSessions(user.id);
    expect(left.map((s) => s.popKey !== null)).toEqual([true, true]);
    const events = await server.latchkey.api.audit.list({ userId: user.id });
    expect(events.find((e) => e.type === 'tier.changed')?.data).toEqual({
      from: 'standard',
      to: 'locked',
      endedSessions: 2,
    });
  });
});
