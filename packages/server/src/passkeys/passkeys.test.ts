import { LatchkeyError } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import type { LatchkeyStore } from '../stores/contract.js';
import { memoryStore } from '../stores/memory/memory-store.js';
import { createTestAuthenticator } from '../testing/index.js';

async function twoPasskeys(store?: LatchkeyStore) {
  const server = createTestServer({}, store);
  const laptop = server.browser();
  await laptop.signUp({ email: 'ada@example.com' }, 'Laptop');
  // The phone signs in with the laptop's passkey (say, over hybrid), then adds its own.
  const phone = server.browser({ authenticator: laptop.authenticator });
  await phone.signIn({ email: 'ada@example.com' });
  server.clock.advance(1000);
  // Adding a passkey takes a step-up with one the account already has.
  expect((await phone.stepUp()).status).toBe(200);
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
    expect((await a.stepUp()).status).toBe(200);
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

describe('the /passkeys routes and latchkey.api.passkeys are one operation', () => {
  type Setup = Awaited<ReturnType<typeof twoPasskeys>>;
  type Outcome = { name: string } | { code: string; status: number };
  const userIdOf = async (server: Setup['server']) =>
    (await server.latchkey.api.users.getByEmail('ada@example.com'))!.id;
  // The same rename, through the route (as the laptop) or through the host app's API.
  const renameThrough: Record<
    'route' | 'api',
    (s: Setup, credentialId: string, name: string) => Promise<Outcome>
  > = {
    async route({ laptop }, credentialId, name) {
      const res = await laptop.call('PATCH', `/auth/passkeys/${credentialId}`, { name });
      return res.status === 200
        ? { name: res.body.passkey.name }
        : { code: res.body.error.code, status: res.status };
    },
    async api({ server }, credentialId, name) {
      try {
        const passkey = await server.latchkey.api.passkeys.rename(
          await userIdOf(server),
          credentialId,
          name,
        );
        return { name: passkey.name };
      } catch (error) {
        if (!(error instanceof LatchkeyError)) throw error;
        return { code: error.code, status: error.status };
      }
    },
  };

  it.each(['route', 'api'] as const)(
    'through the %s: a blank, too long or control-character name is 400 INVALID_BODY',
    async (path) => {
      const setup = await twoPasskeys();
      const id = setup.laptop.authenticator.credentials[0]!.id;
      for (const name of ['   ', 'x'.repeat(65), 'Work\nlaptop']) {
        expect(await renameThrough[path](setup, id, name)).toEqual({
          code: 'INVALID_BODY',
          status: 400,
        });
      }
      expect((await setup.server.store.getCredential(id))?.name).toBe('Laptop');
    },
  );

  it.each(['route', 'api'] as const)(
    'through the %s: renames trimmed and records it; another user’s passkey is NOT_FOUND',
    async (path) => {
      const setup = await twoPasskeys();
      const id = setup.laptop.authenticator.credentials[0]!.id;
      expect(await renameThrough[path](setup, id, '  Work laptop  ')).toEqual({
        name: 'Work laptop',
      });
      const [event] = await setup.server.latchkey.api.audit.list({ limit: 1 });
      expect(event).toMatchObject({
        type: 'passkey.renamed',
        data: { credentialId: id, name: 'Work laptop' },
      });
      const stranger = setup.server.browser();
      await stranger.signUp({ email: 'eve@example.com' });
      const theirs = stranger.authenticator.credentials[0]!.id;
      expect(await renameThrough[path](setup, theirs, 'Mine now')).toEqual({
        code: 'NOT_FOUND',
        status: 404,
      });
    },
  );

  it('lists oldest first on both paths, whatever order the store gives', async () => {
    // The store contract promises no order: this one lists newest first.
    const inner = memoryStore();
    const store: LatchkeyStore = {
      ...inner,
      listCredentials: async (userId) => (await inner.listCredentials(userId)).reverse(),
    };
    const setup = await twoPasskeys(store);
    const viaRoute = (await setup.laptop.call('GET', '/auth/passkeys')).body.passkeys;
    const viaApi = await setup.server.latchkey.api.passkeys.list(await userIdOf(setup.server));
    expect(viaRoute.map((p: { name: string }) => p.name)).toEqual(['Laptop', 'Phone']);
    expect(viaApi.map((p) => p.name)).toEqual(['Laptop', 'Phone']);
  });

  it('removes alike on both paths: the same refusal of the last passkey, the same audit event', async () => {
    const setup = await twoPasskeys();
    const { server, laptop, phone } = setup;
    const userId = await userIdOf(server);
    const phoneId = phone.authenticator.credentials[0]!.id;
    const laptopId = laptop.authenticator.credentials[0]!.id;
    // A session opened with the phone's passkey ends with it.
    const phoneSession = server.browser({ authenticator: phone.authenticator });
    expect((await phoneSession.signIn()).status).toBe(200);
    await server.latchkey.api.passkeys.remove(userId, phoneId);
    expect((await phoneSession.call('GET', '/auth/session')).body.user).toBeNull();
    const [viaApi] = await server.latchkey.api.audit.list({ limit: 1 });
    expect(viaApi).toMatchObject({
      type: 'passkey.revoked',
      data: { credentialId: phoneId, sessionsEnded: 1, by: 'api' },
    });

    const refused = await server.latchkey.api.passkeys.remove(userId, laptopId).catch((e) => e);
    expect(refused).toBeInstanceOf(LatchkeyError);
    expect([refused.code, refused.status, refused.message]).toEqual([
      'LAST_CREDENTIAL',
      409,
      'This is your only passkey; add another before removing it',
    ]);
    expect((await laptop.stepUp()).status).toBe(200);
    const viaRoute = await laptop.call('DELETE', `/auth/passkeys/${laptopId}`);
    expect([viaRoute.status, viaRoute.body.error.code, viaRoute.body.error.message]).toEqual([
      409,
      'LAST_CREDENTIAL',
      refused.message,
    ]);
  });
});
