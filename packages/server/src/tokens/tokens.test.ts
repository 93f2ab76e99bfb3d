import { describe, expect, it } from 'vitest';
import {
  createTestServer,
  ORIGIN,
  storedHash,
  type TestBrowser,
  type TestServer,
} from '../../test/harness.js';
import { hasScopes } from './has-scopes.js';
import { tokenIdOf } from './issue-token.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A script's request: a bearer token, no cookies, no Origin. */
async function withBearer(
  server: TestServer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const headers = new Headers({ authorization: `Bearer ${token}` });
  if (body !== undefined) headers.set('content-type', 'application/json');
  const response = await server.latchkey.handler(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { remoteAddress: '198.51.100.9' },
  );
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

async function signedIn(server: TestServer, email = 'ada@example.com'): Promise<TestBrowser> {
  const browser = server.browser();
  const res = await browser.signUp({ email });
  expect(res.status).toBe(201);
  return browser;
}

async function createToken(
  browser: TestBrowser,
  body: { name: string; scopes: string[]; expiresIn?: number; agent?: boolean },
): Promise<{ token: string; info: { id: string; [k: string]: unknown } }> {
  expect((await browser.stepUp()).status).toBe(200);
  const res = await browser.call('POST', '/auth/tokens', body);
  expect(res.status).toBe(201);
  return res.body;
}

describe('personal tokens', () => {
  it('creating one requires a step-up', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const before = await browser.call('POST', '/auth/tokens', { name: 'ci', scopes: ['read'] });
    expect(before.status).toBe(403);
    expect(before.body.error.code).toBe('STEP_UP_REQUIRED');
    expect(
      await server.store.listTokens((await browser.call('GET', '/auth/session')).body.user.id),
    ).toEqual([]);

    expect((await browser.stepUp()).status).toBe(200);
    const after = await browser.call('POST', '/auth/tokens', {
      name: 'ci',
      scopes: ['read', 'write'],
      agent: true,
    });
    expect(after.status).toBe(201);
    expect(after.body.info).toMatchObject({
      name: 'ci',
      scopes: ['read', 'write'],
      agent: true,
      createdAt: new Date(server.clock.now).toISOString(),
      expiresAt: new Date(server.clock.now + 90 * DAY).toISOString(),
      lastUsedAt: null,
    });
  });

  it('shows the token once and stores only its hash', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const { token, info } = await createToken(browser, { name: 'deploy', scopes: ['read'] });
    expect(token).toMatch(/^lk_[A-Za-z0-9_-]{16}_[A-Za-z0-9_-]{43}$/);
    expect(tokenIdOf(token)).toBe(info.id);

    const record = await server.store.getTokenByHash(await storedHash('token', token));
    expect(record?.id).toBe(info.id);
    expect(record?.tokenHash).toBe(await storedHash('token', token));
    expect(JSON.stringify(record)).not.toContain(token.slice(20));
    expect(await server.store.getTokenByHash(token)).toBeNull();

    const list = await browser.call('GET', '/auth/tokens');
    expect(list.body.tokens.map((t: { id: string }) => t.id)).toEqual([info.id]);
    expect(JSON.stringify(list.body)).not.toContain(token.slice(20));
    expect(JSON.stringify(list.body)).not.toContain(record!.tokenHash);
  });

  it('lets a bearer token read GET /auth/session as its user, without a browser session', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const userId = (await browser.call('GET', '/auth/session')).body.user.id;
    const { token } = await createToken(browser, { name: 'whoami', scopes: ['read'] });

    const res = await withBearer(server, token, 'GET', '/auth/session');
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: userId, email: 'ada@example.com' });
    expect(res.body.session).toBeNull();
  });

  it('touches lastUsedAt at most once a minute', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const { token, info } = await createToken(browser, { name: 'cron', scopes: ['read'] });
    const lastUsed = async () =>
      (await server.store.getTokenByHash(await storedHash('token', token)))?.lastUsedAt ?? null;

    const first = server.clock.now;
    await withBearer(server, token, 'GET', '/auth/session');
    expect(await lastUsed()).toBe(first);
    server.clock.advance(30_000);
    await withBearer(server, token, 'GET', '/auth/session');
    expect(await lastUsed()).toBe(first);
    server.clock.advance(30_000);
    await withBearer(server, token, 'GET', '/auth/session');
    expect(await lastUsed()).toBe(first + MINUTE);

    const listed = await browser.call('GET', '/auth/tokens');
    expect(listed.body.tokens[0]).toMatchObject({
      id: info.id,
      lastUsedAt: new Date(first + MINUTE).toISOString(),
    });
  });

  it('stops working the moment it is revoked', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const { token, info } = await createToken(browser, { name: 'laptop', scopes: ['read'] });
    expect((await withBearer(server, token, 'GET', '/auth/session')).status).toBe(200);

    const revoke = await browser.call('DELETE', `/auth/tokens/${info.id}`);
    expect(revoke.status).toBe(200);
    expect(revoke.body).toEqual({ ok: true });

    const after = await withBearer(server, token, 'GET', '/auth/session');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('INVALID_TOKEN');
    expect(after.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((await browser.call('DELETE', `/auth/tokens/${info.id}`)).body.error.code).toBe(
      'NOT_FOUND',
    );
  });

  it('fails once expired, and never outlives tokens.maxTtl', async () => {
    const server = createTestServer({ tokens: { maxTtl: 3600 } });
    const browser = await signedIn(server);
    const short = await createToken(browser, { name: 'short', scopes: ['read'], expiresIn: 60 });
    const long = await createToken(browser, { name: 'long', scopes: ['read'], expiresIn: 86_400 });
    expect(long.info.expiresAt).toBe(new Date(server.clock.now + 3_600_000).toISOString());

    server.clock.advance(59_999);
    expect((await withBearer(server, short.token, 'GET', '/auth/session')).status).toBe(200);
    server.clock.advance(1);
    const expired = await withBearer(server, short.token, 'GET', '/auth/session');
    expect(expired.status).toBe(401);
    expect(expired.body.error).toEqual({
      code: 'INVALID_TOKEN',
      message: 'This token has expired; create a new one',
    });

    server.clock.advance(3_600_000);
    expect((await withBearer(server, long.token, 'GET', '/auth/session')).body.error.code).toBe(
      'INVALID_TOKEN',
    );
    // Expired tokens are no longer listed.
    expect((await browser.call('GET', '/auth/tokens')).body.tokens).toEqual([]);
  });

  it('refuses an unknown scope, and accepts app-defined ones from config', async () => {
    const server = createTestServer({ tokens: { scopes: ['notes:write'] } });
    const browser = await signedIn(server);
    expect((await browser.stepUp()).status).toBe(200);
    const unknown = await browser.call('POST', '/auth/tokens', {
      name: 'x',
      scopes: ['files:delete'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toEqual({
      code: 'INVALID_BODY',
      message: 'scopes: files:delete is not a scope here',
    });
    const known = await browser.call('POST', '/auth/tokens', {
      name: 'notes',
      scopes: ['notes:write', 'notes:write'],
    });
    expect(known.status).toBe(201);
    expect(known.body.info.scopes).toEqual(['notes:write']);
  });

  it('enforces scopes: listing needs read, revoking another token needs admin', async () => {
    const server = createTestServer({ tokens: { scopes: ['notes:write'] } });
    const browser = await signedIn(server);
    const notes = await createToken(browser, { name: 'notes', scopes: ['notes:write'] });
    const writer = await createToken(browser, { name: 'writer', scopes: ['write'] });
    const admin = await createToken(browser, { name: 'admin', scopes: ['admin'] });

    const denied = await withBearer(server, notes.token, 'GET', '/auth/tokens');
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('INSUFFICIENT_SCOPE');
    expect(denied.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="read"',
    );
    const listed = await withBearer(server, writer.token, 'GET', '/auth/tokens');
    expect(listed.status).toBe(200);
    expect(listed.body.tokens.map((t: { name: string }) => t.name).sort()).toEqual([
      'admin',
      'notes',
      'writer',
    ]);

    const notAdmin = await withBearer(
      server,
      writer.token,
      'DELETE',
      `/auth/tokens/${notes.info.id}`,
    );
    expect(notAdmin.body.error.code).toBe('INSUFFICIENT_SCOPE');
    expect((await withBearer(server, notes.token, 'GET', '/auth/session')).status).toBe(200);

    const byAdmin = await withBearer(
      server,
      admin.token,
      'DELETE',
      `/auth/tokens/${notes.info.id}`,
    );
    expect(byAdmin.status).toBe(200);
    expect((await withBearer(server, notes.token, 'GET', '/auth/session')).status).toBe(401);
  });

  it('lets any token revoke itself (logout), and records which token acted', async () => {
    const server = createTestServer({ tokens: { scopes: ['notes:write'] } });
    const browser = await signedIn(server);
    const { token, info } = await createToken(browser, { name: 'cli', scopes: ['notes:write'] });

    const res = await withBearer(server, token, 'DELETE', `/auth/tokens/${info.id}`);
    expect(res.status).toBe(200);
    expect((await withBearer(server, token, 'GET', '/auth/session')).status).toBe(401);

    const events = await server.latchkey.api.audit.list();
    const revoked = events.find((e) => e.type === 'token.revoked');
    expect(revoked).toMatchObject({
      actor: `token:${info.id}`,
      ip: '198.51.100.9',
      data: { tokenId: info.id, self: true },
    });
    const created = events.find((e) => e.type === 'token.created');
    expect(created).toMatchObject({ actor: null, data: { tokenId: info.id, via: 'session' } });
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('never lets a token mint a token, nor revoke one of another user', async () => {
    const server = createTestServer();
    const ada = await signedIn(server, 'ada@example.com');
    const bob = await signedIn(server, 'bob@example.com');
    const adaToken = await createToken(ada, { name: 'ada', scopes: ['admin'] });
    const bobToken = await createToken(bob, { name: 'bob', scopes: ['read'] });

    const mint = await withBearer(server, adaToken.token, 'POST', '/auth/tokens', {
      name: 'more',
      scopes: ['admin'],
    });
    // POST /tokens takes no bearer at all: minting takes a passkey.
    expect(mint.status).toBe(401);
    expect(mint.body.error.code).toBe('UNAUTHENTICATED');

    const cross = await withBearer(
      server,
      adaToken.token,
      'DELETE',
      `/auth/tokens/${bobToken.info.id}`,
    );
    expect(cross.status).toBe(404);
    expect((await withBearer(server, bobToken.token, 'GET', '/auth/session')).status).toBe(200);
    expect((await ada.call('DELETE', `/auth/tokens/${bobToken.info.id}`)).status).toBe(404);
  });

  it('ignores a bearer token on routes that do not take one', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const { token } = await createToken(browser, { name: 'x', scopes: ['admin'] });
    const res = await withBearer(server, token, 'GET', '/auth/sessions');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers a made-up or malformed token with INVALID_TOKEN', async () => {
    const server = createTestServer();
    for (const token of [`lk_AAAAAAAAAAAAAAAA_${'B'.repeat(43)}`, 'nope', 'x'.repeat(512)]) {
      const res = await withBearer(server, token, 'GET', '/auth/session');
      expect([token.length, res.status, res.body.error.code]).toEqual([
        token.length,
        401,
        'INVALID_TOKEN',
      ]);
    }
  });
});

describe('api.tokens', () => {
  it('creates, verifies, lists and revokes without a browser', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const userId = (await browser.call('GET', '/auth/session')).body.user.id;
    const { api } = server.latchkey;

    const { token, info } = await api.tokens.create(userId, {
      name: 'worker',
      scopes: ['write'],
      expiresIn: 600,
      agent: true,
    });
    expect(info).toMatchObject({ name: 'worker', scopes: ['write'], agent: true });
    expect(await api.tokens.verify(token)).toMatchObject({
      user: { id: userId },
      token: { id: info.id },
    });
    expect((await api.tokens.list(userId)).map((t) => t.id)).toEqual([info.id]);
    expect(await api.tokens.revoke(userId, info.id)).toBe(true);
    expect(await api.tokens.revoke(userId, info.id)).toBe(false);
    expect(await api.tokens.verify(token)).toBeNull();

    await expect(api.tokens.create(userId, { name: 'x', scopes: ['nope'] })).rejects.toMatchObject({
      code: 'INVALID_BODY',
    });
    await expect(api.tokens.create(userId, { name: ' ', scopes: ['read'] })).rejects.toBeInstanceOf(
      TypeError,
    );
    await expect(
      api.tokens.create('nobody', { name: 'x', scopes: ['read'] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('hasScopes', () => {
  it('orders the built-in scopes admin > write > read', () => {
    expect(hasScopes({ scopes: ['admin'] }, ['read', 'write', 'admin'])).toBe(true);
    expect(hasScopes({ scopes: ['write'] }, ['read', 'write'])).toBe(true);
    expect(hasScopes({ scopes: ['write'] }, ['admin'])).toBe(false);
    expect(hasScopes({ scopes: ['read'] }, ['write'])).toBe(false);
    expect(hasScopes(['read'], [])).toBe(true);
    expect(hasScopes([], ['read'])).toBe(false);
  });

  it('matches app-defined scopes exactly, and admin does not imply them', () => {
    expect(hasScopes(['notes:write'], ['notes:write'])).toBe(true);
    expect(hasScopes(['notes:write'], ['notes:read'])).toBe(false);
    expect(hasScopes(['admin'], ['notes:write'])).toBe(false);
    expect(hasScopes(['notes:write', 'read'], ['read', 'notes:write'])).toBe(true);
    expect(hasScopes(['notes:write'], ['read'])).toBe(false);
  });
});
