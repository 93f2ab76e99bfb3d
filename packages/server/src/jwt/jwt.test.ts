import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, ORIGIN, type TestBrowser, type TestServer } from '../../test/harness.js';
import { toNodeListener } from '../adapters/node.js';
import { memoryStore } from '../stores/memory/memory-store.js';
import { verifyLatchkeyJwt } from './verify-latchkey-jwt.js';

const API = 'https://api.example';

async function signedIn(server: TestServer): Promise<TestBrowser> {
  const browser = server.browser();
  expect((await browser.signUp({ email: 'ada@example.com' })).status).toBe(201);
  return browser;
}

async function jwks(server: TestServer): Promise<{ keys: JWK[] }> {
  const res = await server.browser().call('GET', '/.well-known/jwks.json');
  expect(res.status).toBe(200);
  return res.body;
}

async function issue(browser: TestBrowser, audience = API): Promise<string> {
  const res = await browser.call('POST', '/auth/jwt', { audience });
  expect(res.status).toBe(200);
  return res.body.token;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(server: TestServer): Promise<string> {
  const http = createServer(toNodeListener(server.latchkey.handler));
  servers.push(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

describe('JWTs for other services', () => {
  it('signs EdDSA JWTs with minimal claims that verify against the JWKS (keys)', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const session = (await browser.call('GET', '/auth/session')).body;
    const res = await browser.call('POST', '/auth/jwt', { audience: API });
    expect(res.status).toBe(200);
    // Default lifetime: 15 minutes, the window a revoked session's JWT still verifies.
    expect(res.body.expiresAt).toBe(new Date(server.clock.now + 900_000).toISOString());

    const header = decodeProtectedHeader(res.body.token);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'JWT' });
    const claims = await verifyLatchkeyJwt(res.body.token, {
      keys: await jwks(server),
      audience: API,
      currentDate: new Date(server.clock.now),
    });
    const iat = Math.floor(server.clock.now / 1000);
    expect(claims).toEqual({
      sub: session.user.id,
      sid: session.session.id,
      aud: API,
      iat,
      exp: iat + 900,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
  });

  it('lives 15 minutes by default and is refreshed only through a live session', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const first = await issue(browser);
    const keys = await jwks(server);
    // Within its 15 minutes, a fresh one comes from the same session (the refresh).
    server.clock.advance(14 * 60_000);
    const refreshed = await issue(browser);
    server.clock.advance(2 * 60_000);
    const at = new Date(server.clock.now);
    await expect(
      verifyLatchkeyJwt(first, { keys, audience: API, currentDate: at }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await verifyLatchkeyJwt(refreshed, { keys, audience: API, currentDate: at });

    // Signed out: no refresh. What was issued still verifies until its exp, at most
    // `jwt.ttl` seconds: the revocation window a verifier of signatures alone accepts.
    expect((await browser.signOut()).status).toBe(200);
    expect((await browser.call('POST', '/auth/jwt', { audience: API })).status).toBe(401);
    await verifyLatchkeyJwt(refreshed, { keys, audience: API, currentDate: at });
    server.clock.advance(14 * 60_000);
    await expect(
      verifyLatchkeyJwt(refreshed, {
        keys,
        audience: API,
        currentDate: new Date(server.clock.now),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('verifies against a JWKS URL served over HTTP', async () => {
    const server = createTestServer();
    const base = await listen(server);
    const token = await issue(await signedIn(server));
    const claims = await verifyLatchkeyJwt(token, {
      jwksUrl: `${base}/.well-known/jwks.json`,
      audience: [API, 'https://other.example'],
      currentDate: new Date(server.clock.now),
    });
    expect(claims.aud).toBe(API);

    const wrong = verifyLatchkeyJwt(token, {
      jwksUrl: `${base}/.well-known/jwks.json`,
      audience: 'https://evil.example',
      currentDate: new Date(server.clock.now),
    });
    await expect(wrong).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      message: 'The JWT was issued for another audience',
    });
  });

  it('refuses a wrong audience, an expired, a tampered or a handoff token', async () => {
    const server = createTestServer();
    const browser = await signedIn(server);
    const keys = await jwks(server);
    const token = await issue(browser);
    const at = (ms: number) => new Date(ms);

    await expect(
      verifyLatchkeyJwt(token, {
        keys,
        audience: 'https://b.example',
        currentDate: at(server.clock.now),
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      details: { reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
    });
    await expect(
      verifyLatchkeyJwt(token, {
        keys,
        audience: API,
        currentDate: at(server.clock.now + 86_406_000),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN', message: 'The JWT has expired' });

    const [h, p, s] = token.split('.');
    const flipped = `${s!.slice(0, -2)}${s!.endsWith('AA') ? 'BA' : 'AA'}`;
    await expect(
      verifyLatchkeyJwt(`${h}.${p}.${flipped}`, {
        keys,
        audience: API,
        currentDate: at(server.clock.now),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });

    const handoff = await browser.call('POST', '/auth/handoff', { audience: ORIGIN });
    await expect(
      verifyLatchkeyJwt(handoff.body.token, {
        keys,
        audience: ORIGIN,
        currentDate: at(server.clock.now),
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      details: { reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
    });
  });

  it('signs ES256 when configured', async () => {
    const server = createTestServer({ jwt: { alg: 'ES256', ttl: 600 } });
    const browser = await signedIn(server);
    const res = await browser.call('POST', '/auth/jwt', { audience: API });
    expect(decodeProtectedHeader(res.body.token).alg).toBe('ES256');
    expect(res.body.expiresAt).toBe(new Date(server.clock.now + 600_000).toISOString());
    const { keys } = await jwks(server);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    await verifyLatchkeyJwt(res.body.token, {
      keys,
      audience: API,
      currentDate: new Date(server.clock.now),
    });
  });

  it('publishes only public keys, cacheable and readable from any origin', async () => {
    const server = createTestServer();
    const res = await server.browser().call('GET', '/.well-known/jwks.json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(key.d).toBeUndefined();
    const [stored] = await server.store.listSigningKeys();
    expect(stored?.kid).toBe(key.kid);
    // The private half is sealed under the server secret, never stored in the clear.
    expect(stored!.privateJwk).toMatch(/^lk-sealed\.v1\./);
    expect(stored!.privateJwk).not.toContain('"d"');
  });

  it('gives a token with read a JWT that carries its scopes and never outlives it', async () => {
    const server = createTestServer({ tokens: { scopes: ['notes:write'] }, jwt: { ttl: 86_400 } });
    const browser = await signedIn(server);
    await browser.stepUp();
    const reader = (
      await browser.call('POST', '/auth/tokens', { name: 'r', scopes: ['write'], expiresIn: 3600 })
    ).body;
    const notes = (
      await browser.call('POST', '/auth/tokens', { name: 'n', scopes: ['notes:write'] })
    ).body;
    const call = (token: string) =>
      server.latchkey.handler(
        new Request(`${ORIGIN}/auth/jwt`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ audience: API }),
        }),
      );

    const ok = await call(reader.token);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { token: string; expiresAt: string };
    expect(body.expiresAt).toBe(new Date(server.clock.now + 3_600_000).toISOString());
    const claims = await verifyLatchkeyJwt(body.token, {
      keys: await jwks(server),
      audience: API,
      currentDate: new Date(server.clock.now),
    });
    expect(claims).toMatchObject({ sid: `token:${reader.info.id}`, scope: 'write' });

    const refused = await call(notes.token);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'INSUFFICIENT_SCOPE',
    );
  });

  it('makes one key on first use that every instance sharing the store converges on', async () => {
    const store = memoryStore();
    const a = createTestServer({}, store);
    const b = createTestServer({}, store);
    const browser = await signedIn(a);
    const onB = b.browser();
    for (const [k, v] of browser.cookies) onB.cookies.set(k, v);

    // Both instances start at once and each signs before any key exists.
    const [fromA, fromB] = await Promise.all([issue(browser), issue(onB)]);
    const stored = await store.listSigningKeys();
    expect(stored.length).toBeGreaterThanOrEqual(1);
    const published = await jwks(a);
    expect((await jwks(b)).keys.map((k) => k.kid).sort()).toEqual(
      published.keys.map((k) => k.kid).sort(),
    );
    for (const token of [fromA, fromB]) {
      await verifyLatchkeyJwt(token, {
        keys: published,
        audience: API,
        currentDate: new Date(a.clock.now),
      });
    }

    // Once each has re-read the key list, both sign with the same (oldest) key.
    a.clock.advance(61_000);
    b.clock.advance(61_000);
    const kidA = decodeProtectedHeader(await issue(browser)).kid;
    const kidB = decodeProtectedHeader(await issue(onB)).kid;
    expect(kidA).toBe(kidB);
    const oldest = [...stored].sort(
      (x, y) => x.createdAt - y.createdAt || (x.kid < y.kid ? -1 : 1),
    )[0];
    expect(kidA).toBe(oldest?.kid);
  });

  it('rotates with overlap: old tokens verify until the old key retires', async () => {
    const server = createTestServer({ jwt: { ttl: 86_400 } });
    const browser = await signedIn(server);
    const before = await issue(browser);
    const oldKid = decodeProtectedHeader(before).kid;

    const rotation = await server.latchkey.api.jwt.rotate({ overlap: 3600 });
    expect(rotation.retiring).toEqual([{ kid: oldKid, retiresAt: server.clock.now + 3_600_000 }]);
    expect(rotation.kid).not.toBe(oldKid);

    const after = await issue(browser);
    expect(decodeProtectedHeader(after).kid).toBe(rotation.kid);
    const during = await jwks(server);
    expect(during.keys.map((k) => k.kid).sort()).toEqual([oldKid, rotation.kid].sort());
    for (const token of [before, after]) {
      await verifyLatchkeyJwt(token, {
        keys: during,
        audience: API,
        currentDate: new Date(server.clock.now),
      });
    }

    server.clock.advance(3_600_001);
    const retired = await jwks(server);
    expect(retired.keys.map((k) => k.kid)).toEqual([rotation.kid]);
    const at = new Date(server.clock.now);
    await expect(
      verifyLatchkeyJwt(before, { keys: retired, audience: API, currentDate: at }),
    ).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      details: { reason: 'ERR_JWKS_NO_MATCHING_KEY' },
    });
    await verifyLatchkeyJwt(after, { keys: retired, audience: API, currentDate: at });
    await expect(server.latchkey.api.jwt.verify(before, { audience: API })).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
  });

  it('signs and verifies from the host app (api.jwt)', async () => {
    const server = createTestServer();
    const { token, expiresAt } = await server.latchkey.api.jwt.sign({
      userId: 'user-1',
      audience: API,
      sessionId: 'sess-1',
      ttl: 120,
    });
    expect(expiresAt.getTime()).toBe(Math.floor(server.clock.now / 1000) * 1000 + 120_000);
    expect(await server.latchkey.api.jwt.verify(token, { audience: API })).toMatchObject({
      sub: 'user-1',
      sid: 'sess-1',
    });
    await expect(
      server.latchkey.api.jwt.verify(token, { audience: 'https://else.example' }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    server.clock.advance(121_000);
    await expect(server.latchkey.api.jwt.verify(token, { audience: API })).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      message: 'The JWT has expired',
    });
  });
});

describe('verifyLatchkeyJwt misuse and failures', () => {
  it('throws TypeError without exactly one key source or without an audience', async () => {
    await expect(verifyLatchkeyJwt('a.b.c', { audience: API })).rejects.toBeInstanceOf(TypeError);
    await expect(
      verifyLatchkeyJwt('a.b.c', { keys: { keys: [] }, jwksUrl: 'http://x', audience: API }),
    ).rejects.toBeInstanceOf(TypeError);
    await expect(
      verifyLatchkeyJwt('a.b.c', { keys: { keys: [] }, audience: '' }),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it('answers NETWORK_ERROR when the JWKS cannot be fetched', async () => {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    await new Promise((resolve) => http.close(resolve));
    const server = createTestServer();
    const token = await issue(await signedIn(server));
    await expect(
      verifyLatchkeyJwt(token, {
        jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        audience: API,
      }),
    ).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });
});
