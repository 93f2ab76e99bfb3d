import { describe, expect, it } from 'vitest';
import { createTestServer, type TestBrowser } from '../../test/harness.js';
import type { AppIdentity } from '../config/latchkey-config.js';

/**
 * A host app with its own sign-in: an `app_session` cookie names one of its
 * users. `identify` reads it from the request's headers, as a real app would.
 */
function appWithUsers(config: Parameters<typeof createTestServer>[0] = {}) {
  const appSessions = new Map<string, AppIdentity>();
  const asked: { method: string; bodyUsed: boolean; hasBody: boolean }[] = [];
  const server = createTestServer({
    identify: async (request) => {
      asked.push({ method: request.method, bodyUsed: request.bodyUsed, hasBody: !!request.body });
      const cookie = request.headers.get('cookie') ?? '';
      const id = /(?:^|; )app_session=([^;]+)/.exec(cookie)?.[1];
      return (id && appSessions.get(id)) || null;
    },
    ...config,
  });
  /** Signs a browser in to the app (not to Latchkey). */
  const signInToApp = (browser: TestBrowser, identity: AppIdentity) => {
    const id = crypto.randomUUID();
    appSessions.set(id, identity);
    browser.cookies.set('app_session', id);
  };
  return { server, signInToApp, asked };
}

describe('identify: passkeys for the app’s signed-in users', () => {
  it('enrols the first passkey for the app’s user (created on first use), who then signs in with it', async () => {
    const { server, signInToApp, asked } = appWithUsers();
    const browser = server.browser();
    signInToApp(browser, { externalId: 'app-1', email: 'Ada@Example.com', displayName: 'Ada' });
    const res = await browser.signUp({});
    expect(res.status).toBe(201);
    // No recovery codes and no Latchkey session: the app's own sign-in stays the app's.
    expect(res.body.recoveryCodes).toBeUndefined();
    expect(browser.cookies.has('latchkey')).toBe(false);
    // The hook got headers, not the body (which Latchkey still read).
    expect(asked.every((a) => a.method === 'POST' && !a.hasBody)).toBe(true);

    const user = (await server.latchkey.api.users.byExternalId('app-1'))!;
    expect(user).toMatchObject({ email: 'ada@example.com', displayName: 'Ada' });
    expect(await server.latchkey.api.passkeys.list(user.id)).toHaveLength(1);
    const types = (await server.latchkey.api.audit.list({ userId: user.id })).map((e) => [
      e.type,
      e.data.by ?? e.data.session ?? null,
    ]);
    expect(types).toEqual(
      expect.arrayContaining([
        ['user.created', 'identify'],
        ['passkey.added', 'app'],
      ]),
    );

    // Signed out of the app, a new browser signs in with the passkey; the app sees its user.
    const later = server.browser({ authenticator: browser.authenticator });
    expect((await later.signIn()).status).toBe(200);
    const seen = await server.latchkey.api.sessions.fromRequest(later.request('GET', '/me'));
    expect(seen?.user.externalId).toBe('app-1');
  });

  it('finds the user by externalId after the first use, never by email', async () => {
    const { server, signInToApp } = appWithUsers();
    const existing = await server.latchkey.api.users.create({ externalId: 'app-2' });
    const browser = server.browser();
    signInToApp(browser, { externalId: 'app-2', email: 'changed@example.com' });
    expect((await browser.signUp({})).status).toBe(201);
    expect(await server.latchkey.api.passkeys.list(existing.id)).toHaveLength(1);
  });

  it('finds one user when several first uses race', async () => {
    const { server, signInToApp } = appWithUsers();
    const browsers = Array.from({ length: 5 }, () => server.browser());
    for (const browser of browsers) signInToApp(browser, { externalId: 'app-race' });
    const answers = await Promise.all(
      browsers.map((b) => b.call('POST', '/auth/passkeys/register-options', {})),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const user = (await server.latchkey.api.users.byExternalId('app-race'))!;
    const handles = new Set(answers.map((a) => a.body.options.user.id));
    expect(handles).toEqual(new Set([(await server.store.getUser(user.id))!.userHandle]));
  });

  it('lets identify’s answer win over a body email: no sign-up, no passkey on the victim’s account', async () => {
    const { server, signInToApp } = appWithUsers();
    const victim = server.browser();
    await victim.signUp({ email: 'victim@example.com' });
    const victimUser = (await server.latchkey.api.users.get({ email: 'victim@example.com' }))!;
    const attacker = server.browser();
    signInToApp(attacker, { externalId: 'attacker' });
    const res = await attacker.signUp({ email: 'victim@example.com', displayName: 'Victim' });
    expect(res.status).toBe(201);
    expect(await server.latchkey.api.passkeys.list(victimUser.id)).toHaveLength(1);
    const attackerUser = (await server.latchkey.api.users.byExternalId('attacker'))!;
    expect(attackerUser.email).toBeNull();
    expect(await server.latchkey.api.passkeys.list(attackerUser.id)).toHaveLength(1);
  });

  it('never links an app identity to a Latchkey user by email (EMAIL_TAKEN, nothing written)', async () => {
    const { server, signInToApp } = appWithUsers();
    await server.browser().signUp({ email: 'victim@example.com' });
    const attacker = server.browser();
    // The app let someone sign up with an address it never verified.
    signInToApp(attacker, { externalId: 'sneaky', email: 'victim@example.com' });
    const res = await attacker.call('POST', '/auth/passkeys/register-options', {});
    expect([res.status, res.body.error.code]).toEqual([409, 'EMAIL_TAKEN']);
    expect(await server.latchkey.api.users.byExternalId('sneaky')).toBeNull();
  });

  it('enrols only the first passkey from an app session; more need a stepped-up Latchkey session', async () => {
    const { server, signInToApp } = appWithUsers();
    const browser = server.browser();
    signInToApp(browser, { externalId: 'app-3' });
    expect((await browser.signUp({})).status).toBe(201);
    // A stolen app session alone cannot add a second passkey (the thief's).
    const thief = server.browser();
    signInToApp(thief, { externalId: 'app-3' });
    const res = await thief.call('POST', '/auth/passkeys/register-options', {});
    expect([res.status, res.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    // The owner signs in with the passkey, steps up, and adds another.
    const owner = server.browser({ authenticator: browser.authenticator });
    signInToApp(owner, { externalId: 'app-3' });
    expect((await owner.signIn()).status).toBe(200);
    expect((await owner.stepUp()).status).toBe(200);
    owner.authenticator = (await import('../testing/index.js')).createTestAuthenticator({
      origin: owner.origin,
    });
    expect((await owner.signUp({})).status).toBe(201);
    const user = (await server.latchkey.api.users.byExternalId('app-3'))!;
    expect(await server.latchkey.api.passkeys.list(user.id)).toHaveLength(2);
  });

  it('refuses a Latchkey session whose user the app says is someone else', async () => {
    const { server, signInToApp } = appWithUsers();
    const browser = server.browser();
    signInToApp(browser, { externalId: 'alice' });
    expect((await browser.signUp({})).status).toBe(201);
    expect((await browser.signIn()).status).toBe(200);
    expect((await browser.stepUp()).status).toBe(200);
    // Bob signs in to the app on the same browser; Alice's Latchkey session is still there.
    signInToApp(browser, { externalId: 'bob' });
    const res = await browser.call('POST', '/auth/passkeys/register-options', {});
    expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    signInToApp(browser, { externalId: 'alice' });
    const same = await browser.call('POST', '/auth/passkeys/register-options', {});
    expect(same.status).toBe(200);
  });

  it('gives the existing behaviour to a caller with no app session and no Latchkey session', async () => {
    const open = appWithUsers();
    const res = await open.server.browser().signUp({ email: 'new@example.com' });
    expect(res.status).toBe(201);
    expect(res.body.recoveryCodes).toHaveLength(10);
    const closed = appWithUsers({ signUp: 'closed' });
    const refused = await closed.server
      .browser()
      .call('POST', '/auth/passkeys/register-options', { email: 'new@example.com' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'SIGN_UP_CLOSED']);
    // With sign-up closed, the app's users still enrol.
    const browser = closed.server.browser();
    closed.signInToApp(browser, { externalId: 'app-4' });
    expect((await browser.signUp({})).status).toBe(201);
  });

  it('is no Latchkey caller anywhere but enrolment', async () => {
    const { server, signInToApp, asked } = appWithUsers();
    const browser = server.browser();
    signInToApp(browser, { externalId: 'app-5' });
    const before = asked.length;
    for (const [method, path] of [
      ['GET', '/auth/passkeys'],
      ['GET', '/auth/sessions'],
      ['POST', '/auth/recovery-codes'],
      ['DELETE', '/auth/account'],
    ] as const) {
      const res = await browser.call(method, path, method === 'POST' ? {} : undefined);
      expect([path, res.status]).toEqual([path, 401]);
    }
    expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
    expect(asked.length).toBe(before);
    expect(await server.latchkey.api.sessions.fromRequest(browser.request('GET', '/x'))).toBeNull();
  });

  it('applies the CSRF rule to the app’s cookie: another site cannot enrol its passkey', async () => {
    const { server, signInToApp } = appWithUsers();
    const browser = server.browser();
    signInToApp(browser, { externalId: 'app-6' });
    const res = await browser.call(
      'POST',
      '/auth/passkeys/register-options',
      {},
      {
        origin: 'https://evil.example',
      },
    );
    expect(res.status).toBe(403);
    expect(await server.latchkey.api.users.byExternalId('app-6')).toBeNull();
  });

  it('treats a wrong answer from identify as the app’s bug, not the caller’s', async () => {
    const server = createTestServer({ identify: async () => ({ externalId: '' }) });
    const res = await server.browser().call('POST', '/auth/passkeys/register-options', {});
    expect(res.status).toBe(500);
  });
});
