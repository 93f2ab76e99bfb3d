import { describe, expect, it } from 'vitest';
import { ORIGIN } from '../../test/harness.js';
import { ANDROID, NativeApp, nativeServer } from '../../test/native-app.js';
import { createTestAuthenticator } from '../testing/index.js';

describe('native apps: pre-session header and bearer session', () => {
  it('signs up and signs in from an Android app, with no cookie and no Origin', async () => {
    const { server, app } = nativeServer();
    const signUp = await app.signUp();
    expect(signUp.status).toBe(201);
    expect(signUp.headers.getSetCookie()).toEqual([]);
    expect(app.token).toMatch(/^lks_[A-Za-z0-9_-]{43}$/);
    const me = await app.call('GET', '/auth/session');
    expect(me.body.user.email).toBe('ada@example.com');

    // Signed out (the token forgotten), then in again: `session.token` in the answer.
    app.token = null;
    app.pre = null;
    const signIn = await app.signIn();
    expect(signIn.status).toBe(200);
    expect(signIn.headers.getSetCookie()).toEqual([]);
    expect(signIn.body.session.token).toMatch(/^lks_/);
    expect(signIn.body.session.token).toBe(app.token);
    // A state-changing session route, with no Origin: the bearer is no ambient credential.
    const list = await app.call('GET', '/auth/passkeys');
    const credentialId = list.body.passkeys[0].credentialId;
    // An HTTP library's cookie jar may hold other cookies; the bearer still needs no Origin.
    const renamed = await app.call(
      'PATCH',
      `/auth/passkeys/${credentialId}`,
      { name: 'Pixel' },
      { cookie: 'theme=dark' },
    );
    expect(renamed.status).toBe(200);
    // The app's own API, through the gate and `fromRequest`, sees the same user.
    const request = new Request(`${ORIGIN}/api/me`, {
      headers: { authorization: `Bearer ${app.token}` },
    });
    expect((await server.latchkey.api.sessions.fromRequest(request))?.user.email).toBe(
      'ada@example.com',
    );
  });

  it('without the header, a native app cannot finish (the pre-session cookie went nowhere)', async () => {
    const { app } = nativeServer();
    const res = await app.call('POST', '/auth/passkeys/register-options', {});
    const response = await app.authenticator.register(res.body.options);
    const register = await app.call('POST', '/auth/passkeys/register', { response });
    expect(register.status).toBe(400);
    expect(register.body.error.code).toBe('CHALLENGE_MISMATCH');
  });

  it('refuses a web origin on the header path: a browser page never gets a bearer', async () => {
    const { server } = nativeServer();
    const page = new NativeApp(server, createTestAuthenticator({ origin: ORIGIN }));
    const res = await page.signUp();
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ORIGIN_MISMATCH');
    expect(res.headers.get('latchkey-session-token')).toBeNull();
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await server.store.getUserByEmail('ada@example.com')).toBeNull();
  });

  it('keeps cookie and header pre-sessions apart', async () => {
    const { server, app } = nativeServer();
    // A challenge asked for by a browser (pre-session cookie) is not answered on the header path…
    const browser = server.browser();
    const asked = await browser.call('POST', '/auth/passkeys/register-options', {});
    const response = await app.authenticator.register(asked.body.options);
    const pre = [...browser.cookies.values()][0]!;
    const withHeader = await app.call(
      'POST',
      '/auth/passkeys/register',
      { response },
      { 'latchkey-pre-session': pre },
    );
    expect(withHeader.body.error.code).toBe('CHALLENGE_MISMATCH');
    // A browser page cannot take the header path at all: its `Origin` gives it away.
    const fromPage = await browser.call(
      'POST',
      '/auth/passkeys/register',
      { response },
      { 'latchkey-pre-session': pre },
    );
    expect([fromPage.status, fromPage.body.error.code]).toEqual([400, 'INVALID_PARAMS']);
    // …and a header's challenge is not answered with the cookie path.
    const options = await app.options('/auth/passkeys/register-options', {});
    const native = await app.authenticator.register(options);
    const cookiePath = await browser.call('POST', '/auth/passkeys/register', { response: native });
    expect(cookiePath.body.error.code).toBe('CHALLENGE_MISMATCH');
  });

  it('answers a malformed pre-session with 400 INVALID_PARAMS', async () => {
    const { app } = nativeServer();
    for (const value of ['short', 'new']) {
      const res = await app.call(
        'POST',
        '/auth/passkeys/authenticate',
        { response: { id: 'AA', rawId: 'AA', type: 'public-key', response: {} } },
        { 'latchkey-pre-session': value },
      );
      expect(res.status).toBe(400);
    }
    const res = await app.call(
      'POST',
      '/auth/passkeys/auth-options',
      {},
      {
        'latchkey-pre-session': 'not a pre-session',
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_PARAMS');
  });

  it('revokes a bearer session like any other: from another device, and by signing out', async () => {
    const { server, app } = nativeServer();
    await app.signUp();
    const first = app.token!;
    // The same person on the web, after signing in with the same passkey.
    const browser = server.browser({ authenticator: app.authenticator, origin: ORIGIN });
    const options = (await browser.call('POST', '/auth/passkeys/auth-options', {})).body.options;
    const response = await app.authenticator.authenticate(options, { origin: ANDROID });
    expect((await browser.call('POST', '/auth/passkeys/authenticate', { response })).status).toBe(
      200,
    );
    const sessions = (await browser.call('GET', '/auth/sessions')).body.sessions;
    const native = sessions.find((s: { current: boolean }) => !s.current);
    expect((await browser.call('DELETE', `/auth/sessions/${native.id}`)).status).toBe(200);
    const after = await app.call('GET', '/auth/passkeys');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');

    app.token = null;
    app.pre = null;
    await app.signIn();
    expect(app.token).not.toBe(first);
    expect((await app.call('POST', '/auth/sign-out', {})).status).toBe(200);
    expect((await app.call('GET', '/auth/passkeys')).status).toBe(401);
  });

  it('rotates the token on step-up: the new one in the answer header, the old one dead', async () => {
    const { app } = nativeServer();
    await app.signUp();
    const before = app.token!;
    const options = (await app.call('POST', '/auth/passkeys/verify-options', {})).body.options;
    const response = await app.authenticator.authenticate(options);
    const verified = await app.call('POST', '/auth/passkeys/verify', { response });
    expect(verified.status).toBe(200);
    const after = verified.headers.get('latchkey-session-token');
    expect(after).toMatch(/^lks_/);
    expect(after).not.toBe(before);
    expect((await app.call('GET', '/auth/session')).body.user).toBeNull();
    app.token = after;
    expect((await app.call('GET', '/auth/session')).body.session.elevatedUntil).not.toBeNull();
  });

  it('hands out no token when the ceremony fails', async () => {
    const { app } = nativeServer();
    await app.signUp();
    app.token = null;
    app.pre = null;
    const res = await app.signIn({ tamperSignature: true });
    expect(res.status).toBe(400);
    expect(res.headers.get('latchkey-session-token')).toBeNull();
    expect(app.token).toBeNull();
  });

  it('reads a cookie session first: a bearer next to it is not the credential in use', async () => {
    const { server, app } = nativeServer();
    await app.signUp();
    const browser = server.browser();
    await browser.signUp({ email: 'bob@example.com' });
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    // Bob's cookie with Ada's token and no Origin: the cookie counts, so CSRF applies.
    const res = await app.call('POST', '/auth/sign-out', {}, { cookie });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
  });
});
