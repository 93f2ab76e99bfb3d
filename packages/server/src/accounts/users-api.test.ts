import { LatchkeyError } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { createTestServer, ORIGIN } from '../../test/harness.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  return (error as LatchkeyError).code;
}

describe('api.users', () => {
  it('creates a user without a passkey and finds it by id, email (any case) and external id', async () => {
    const { latchkey, store } = createTestServer();
    const user = await latchkey.api.users.create({
      email: 'Ada@Example.com',
      displayName: '  Ada  ',
      externalId: 'app-42',
    });
    expect(user).toMatchObject({
      email: 'ada@example.com',
      displayName: 'Ada',
      externalId: 'app-42',
      tier: 'standard',
    });
    expect(await latchkey.api.users.get(user.id)).toEqual(user);
    expect(await latchkey.api.users.get({ id: user.id })).toEqual(user);
    expect(await latchkey.api.users.get({ email: 'ADA@example.com' })).toEqual(user);
    expect(await latchkey.api.users.get({ externalId: 'app-42' })).toEqual(user);
    expect(await latchkey.api.users.byExternalId('app-42')).toEqual(user);
    expect(await latchkey.api.users.byExternalId('APP-42')).toBeNull();
    expect(await latchkey.api.users.get({ email: 'nobody@example.com' })).toBeNull();
    expect(await latchkey.api.passkeys.list(user.id)).toEqual([]);
    // The user handle is random, never the app's id or the email (WebAuthn L3 §14.6.1).
    const record = (await store.getUser(user.id))!;
    expect(record.userHandle).not.toContain('app-42');
    const events = await latchkey.api.audit.list({ userId: user.id });
    expect(events.map((e) => [e.type, e.data.by])).toEqual([['user.created', 'api']]);
  });

  it('takes the app’s own id as Latchkey’s id, and refuses one that is taken', async () => {
    const { latchkey } = createTestServer();
    const user = await latchkey.api.users.create({ id: 'usr_1' });
    expect(user).toMatchObject({ id: 'usr_1', email: null, externalId: null });
    expect(await codeOf(latchkey.api.users.create({ id: 'usr_1' }))).toBe('USER_EXISTS');
    expect(await codeOf(latchkey.api.users.create({ id: 'no spaces' }))).toBe('INVALID_BODY');
  });

  it('refuses a taken external id or email with 409 codes, writing nothing', async () => {
    const { latchkey } = createTestServer();
    await latchkey.api.users.create({ email: 'ada@example.com', externalId: 'app-1' });
    expect(
      await codeOf(latchkey.api.users.create({ email: 'bob@example.com', externalId: 'app-1' })),
    ).toBe('EXTERNAL_ID_TAKEN');
    expect(await latchkey.api.users.get({ email: 'bob@example.com' })).toBeNull();
    expect(
      await codeOf(latchkey.api.users.create({ email: 'ADA@example.com', externalId: 'app-2' })),
    ).toBe('EMAIL_TAKEN');
    expect(await latchkey.api.users.byExternalId('app-2')).toBeNull();
    const error = new LatchkeyError('EXTERNAL_ID_TAKEN');
    expect(error.status).toBe(409);
  });

  it('refuses values that are not valid with INVALID_BODY', async () => {
    const { latchkey } = createTestServer();
    for (const input of [
      { email: 'not-an-email' },
      { externalId: '' },
      { externalId: 'x'.repeat(256) },
      { externalId: 'tab\there' },
      { displayName: 'x'.repeat(129) },
    ]) {
      expect([input, await codeOf(latchkey.api.users.create(input))]).toEqual([
        input,
        'INVALID_BODY',
      ]);
    }
  });

  it('updates the email, display name and external id, by any ref', async () => {
    const { latchkey } = createTestServer();
    const user = await latchkey.api.users.create({ email: 'ada@example.com' });
    await latchkey.api.users.create({ email: 'bob@example.com', externalId: 'bob' });
    const updated = await latchkey.api.users.update(
      { email: 'ada@example.com' },
      { email: 'Lovelace@Example.com', externalId: 'ada', displayName: 'Ada' },
    );
    expect(updated).toEqual({
      ...user,
      email: 'lovelace@example.com',
      externalId: 'ada',
      displayName: 'Ada',
    });
    expect(await latchkey.api.users.byExternalId('ada')).toEqual(updated);
    expect(await codeOf(latchkey.api.users.update(user.id, { externalId: 'bob' }))).toBe(
      'EXTERNAL_ID_TAKEN',
    );
    expect(await codeOf(latchkey.api.users.update(user.id, { email: 'bob@example.com' }))).toBe(
      'EMAIL_TAKEN',
    );
    expect(await latchkey.api.users.get(user.id)).toEqual(updated);
    expect(await latchkey.api.users.update({ externalId: 'ada' }, { externalId: null })).toEqual({
      ...updated,
      externalId: null,
    });
    expect(await latchkey.api.users.update({ externalId: 'nobody' }, { displayName: 'x' })).toBe(
      null,
    );
  });

  it('tells misuse (a ref of no known shape) from bad data', async () => {
    const { latchkey } = createTestServer();
    await expect(latchkey.api.users.get({} as never)).rejects.toThrow(TypeError);
  });
});

describe('api.sessions.create', () => {
  it('starts a full session the handler accepts, with its cookie and a signin.succeeded event', async () => {
    const server = createTestServer();
    const { latchkey } = server;
    const user = await latchkey.api.users.create({ externalId: 'app-7' });
    const request = new Request(`${ORIGIN}/login`, {
      method: 'POST',
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0' },
    });
    const { session, setCookie } = await latchkey.api.sessions.create(user.id, {
      amr: ['pwd'],
      request,
    });
    expect(session).toMatchObject({ kind: 'full', elevatedUntil: null, locked: false });
    // The one cookie home: HttpOnly, SameSite=Lax, the plain name on http.
    expect(setCookie).toMatch(
      /^latchkey=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/,
    );

    const browser = server.browser();
    const [pair] = setCookie.split(';');
    browser.cookies.set('latchkey', pair!.slice('latchkey='.length));
    const me = await browser.call('GET', '/auth/session');
    expect(me.body.user.id).toBe(user.id);
    const seen = await latchkey.api.sessions.fromRequest(browser.request('GET', '/anything'));
    expect(seen?.user).toMatchObject({ id: user.id, externalId: 'app-7' });

    const [event] = await latchkey.api.audit.list({ userId: user.id, limit: 1 });
    expect(event).toMatchObject({ type: 'signin.succeeded', data: { amr: ['pwd'], by: 'api' } });
    expect(event!.userAgent).toContain('Firefox');
  });

  it('cannot step up or do sensitive things without a passkey', async () => {
    const server = createTestServer();
    const user = await server.latchkey.api.users.create({ externalId: 'app-8' });
    const { setCookie } = await server.latchkey.api.sessions.create(user.id, { amr: ['pwd'] });
    const browser = server.browser();
    browser.cookies.set('latchkey', setCookie.split(';')[0]!.slice('latchkey='.length));
    const res = await browser.call('POST', '/auth/recovery-codes', {});
    expect([res.status, res.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);
  });

  it('enrols the account’s first passkey from that session; the next one needs a step-up', async () => {
    const server = createTestServer();
    const user = await server.latchkey.api.users.create({ externalId: 'app-9' });
    const { setCookie } = await server.latchkey.api.sessions.create(user.id, { amr: ['pwd'] });
    const browser = server.browser();
    browser.cookies.set('latchkey', setCookie.split(';')[0]!.slice('latchkey='.length));
    const first = await browser.signUp({ email: 'someone-else@example.com' });
    expect(first.status).toBe(201);
    expect(first.body.recoveryCodes).toBeUndefined();
    expect(await server.latchkey.api.passkeys.list(user.id)).toHaveLength(1);
    const second = await browser.call('POST', '/auth/passkeys/register-options', {});
    expect([second.status, second.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    expect((await browser.stepUp()).status).toBe(200);
    browser.authenticator = (await import('../testing/index.js')).createTestAuthenticator({
      origin: browser.origin,
    });
    expect((await browser.signUp({})).status).toBe(201);
    expect(await server.latchkey.api.passkeys.list(user.id)).toHaveLength(2);
  });

  it('ends the Latchkey session the request already carried (session fixation)', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp({ email: 'ada@example.com' });
    const before = browser.cookies.get('latchkey')!;
    const user = (await server.latchkey.api.users.get({ email: 'ada@example.com' }))!;
    await server.latchkey.api.sessions.create(user.id, {
      amr: ['pwd'],
      request: browser.request('POST', '/login', {}),
    });
    expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
    expect(before).toBeTruthy();
  });

  it('uses the __Host- cookie on https, and refuses unknown users and bad amr', async () => {
    const server = createTestServer({ origins: ['https://app.example'] });
    const { latchkey } = server;
    const user = await latchkey.api.users.create({});
    const { setCookie } = await latchkey.api.sessions.create(user.id, { amr: ['pwd', 'otp'] });
    expect(setCookie).toMatch(/^__Host-latchkey=.*; Secure$/);
    expect(await codeOf(latchkey.api.sessions.create('nobody', { amr: ['pwd'] }))).toBe(
      'NOT_FOUND',
    );
    for (const amr of [[], ['has space'], Array(9).fill('pwd'), 'pwd' as never]) {
      expect(await codeOf(latchkey.api.sessions.create(user.id, { amr }))).toBe('INVALID_BODY');
    }
  });

  it('gives a locked-tier account no unbound session', async () => {
    const server = createTestServer({ pop: { defaultTier: 'locked' } } as never);
    const user = await server.latchkey.api.users.create({});
    expect(await codeOf(server.latchkey.api.sessions.create(user.id, { amr: ['pwd'] }))).toBe(
      'POP_REQUIRED',
    );
  });
});
