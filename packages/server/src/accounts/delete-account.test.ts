import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';

/** A user with a passkey, recovery codes, a token and a second session on another device. */
async function account(config: Parameters<typeof createTestServer>[0] = {}) {
  const server = createTestServer(config);
  const browser = server.browser();
  const signUp = await browser.signUp({ email: 'ada@example.com' });
  const codes = signUp.body.recoveryCodes as string[];
  const user = (await server.latchkey.api.users.get({ email: 'ada@example.com' }))!;
  const { token } = await server.latchkey.api.tokens.create(user.id, {
    name: 'ci',
    scopes: ['read'],
  });
  const laptop = server.browser({ authenticator: browser.authenticator });
  expect((await laptop.signIn()).status).toBe(200);
  return { server, browser, laptop, user, token, codes };
}

describe('DELETE /auth/account', () => {
  it('asks for a full session that stepped up, like every sensitive action', async () => {
    const { server, browser, token } = await account();
    const signedOut = await server.browser().call('DELETE', '/auth/account');
    expect([signedOut.status, signedOut.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const notElevated = await browser.call('DELETE', '/auth/account');
    expect([notElevated.status, notElevated.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    const byToken = await server.latchkey.handler(
      new Request('http://localhost:3000/auth/account', {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect([byToken.status, ((await byToken.json()) as any).error.code]).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    // A page on another site cannot drive it, even elevated.
    await browser.stepUp();
    const crossSite = await browser.call('DELETE', '/auth/account', undefined, {
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    expect(await server.latchkey.api.users.get({ email: 'ada@example.com' })).not.toBeNull();
  });

  it('refuses a recovery session (it must enrol a passkey first)', async () => {
    const { server, codes } = await account();
    const lost = server.browser();
    expect((await lost.call('POST', '/auth/recovery', { code: codes[0] })).status).toBe(200);
    const res = await lost.call('DELETE', '/auth/account');
    expect([res.status, res.body.error.code]).toEqual([403, 'ENROLMENT_REQUIRED']);
  });

  it('deletes every passkey, session, token and code, signs out, and keeps the audit trail', async () => {
    const { server, browser, laptop, user, token, codes } = await account();
    expect((await browser.stepUp()).status).toBe(200);
    const res = await browser.call('DELETE', '/auth/account');
    expect([res.status, res.body]).toEqual([200, { ok: true }]);
    expect(res.headers.getSetCookie().some((c) => /^latchkey=; .*Max-Age=0/.test(c))).toBe(true);
    expect(browser.cookies.has('latchkey')).toBe(false);

    expect(await server.latchkey.api.users.get(user.id)).toBeNull();
    expect(await server.store.listCredentials(user.id)).toEqual([]);
    expect(await server.store.listSessions(user.id)).toEqual([]);
    expect(await server.store.listTokens(user.id)).toEqual([]);
    expect(await server.store.countRecoveryCodes(user.id)).toBe(0);
    // The other device is signed out, the passkey, token and codes sign nobody in.
    expect((await laptop.call('GET', '/auth/session')).body.user).toBeNull();
    const again = server.browser({ authenticator: browser.authenticator });
    expect((await again.signIn()).status).toBe(400);
    const bearer = await server.latchkey.handler(
      new Request('http://localhost:3000/auth/session', {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(bearer.status).toBe(401);
    const recovery = await server.browser().call('POST', '/auth/recovery', { code: codes[1] });
    expect(recovery.body.error.code).toBe('INVALID_CODE');

    const types = (await server.latchkey.api.audit.list({ userId: user.id })).map((e) => e.type);
    expect(types[0]).toBe('account.deleted');
    expect(types).toContain('user.created');
    const [deleted] = await server.latchkey.api.audit.list({ userId: user.id, limit: 1 });
    expect(deleted!.data).toEqual({ passkeys: 1, email: true });
    // The email is free for a new account.
    expect((await server.browser().signUp({ email: 'ada@example.com' })).status).toBe(201);
  });

  it('is refused for the owner of an owner-mode instance', async () => {
    const server = createTestServer({ mode: 'owner' });
    const browser = server.browser();
    await browser.signUp({});
    await browser.stepUp();
    const res = await browser.call('DELETE', '/auth/account');
    expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await browser.call('GET', '/auth/session')).body.user).not.toBeNull();
  });
});

describe('api.users.delete', () => {
  it('deletes the account by any ref, records who did it, and says false for nobody', async () => {
    const { server, laptop, user } = await account();
    await server.latchkey.api.users.update(user.id, { externalId: 'app-1' });
    expect(await server.latchkey.api.users.delete({ externalId: 'app-1' })).toBe(true);
    expect(await server.latchkey.api.users.get(user.id)).toBeNull();
    expect((await laptop.call('GET', '/auth/session')).body.user).toBeNull();
    const [event] = await server.latchkey.api.audit.list({ userId: user.id, limit: 1 });
    expect(event).toMatchObject({
      type: 'account.deleted',
      data: { by: 'api', externalId: 'app-1', passkeys: 1 },
    });
    expect(await server.latchkey.api.users.delete({ externalId: 'app-1' })).toBe(false);
    expect(await server.latchkey.api.users.delete('nobody')).toBe(false);
  });
});
