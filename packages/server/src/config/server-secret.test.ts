import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { base64urlEncode } from '@latchkey/core';
import { decodeJwt, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createTestServer,
  ORIGIN,
  storedHash,
  TEST_SECRET,
  type TestBrowser,
} from '../../test/harness.js';
import { createLatchkey } from '../create-latchkey.js';
import { normaliseCode, sha256 } from '../internal/crypto.js';
import { HANDOFF_TYP } from '../jwt/signing-keys.js';
import { memoryStore } from '../stores/memory/memory-store.js';
import { pgliteStore } from '../stores/pglite/pglite-store.js';
import { resolveServerSecret, secretFromFile } from './server-secret.js';

const TUNNEL = 'https://alice-box.tunnel.example';
const API = 'https://api.example';

// One in-memory PostgreSQL for the file: each test gets its own schema, and reads
// the tables directly, as someone holding a copy of the database would.
let db: PGlite;
let schemas = 0;
beforeAll(async () => {
  db = await PGlite.create();
}, 60_000);
afterAll(async () => {
  await db.close();
});

function freshStore() {
  const schema = `secret_test_${++schemas}`;
  return { store: pgliteStore({ db, schema }), schema };
}

async function rows<T>(sql: string): Promise<T[]> {
  return (await db.query<T>(sql)).rows;
}

/** Signs up with an email, steps up, makes a token: everything a store copy could hold. */
async function account(browser: TestBrowser) {
  const signUp = await browser.signUp({ email: 'ada@example.com' });
  expect(signUp.status).toBe(201);
  expect((await browser.stepUp()).status).toBe(200);
  const token = await browser.call('POST', '/auth/tokens', { name: 'ci', scopes: ['read'] });
  expect(token.status).toBe(201);
  return {
    cookie: browser.cookies.get('latchkey')!,
    codes: signUp.body.recoveryCodes as string[],
    token: token.body.token as string,
  };
}

/** What an attacker with a copy of the store makes of its signing keys: a private key, or nothing. */
async function keysFromCopy(schema: string) {
  const found = await rows<{ kid: string; alg: string; private_jwk: string }>(
    `SELECT kid, alg, private_jwk FROM ${schema}.signing_keys`,
  );
  const usable = [];
  for (const row of found) {
    try {
      usable.push({
        kid: row.kid,
        alg: row.alg,
        key: await importJWK(JSON.parse(row.private_jwk) as JWK, row.alg),
      });
    } catch {
      // sealed: not JSON, not a key
    }
  }
  return { found: found.length, usable };
}

describe('the server secret', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('finding F: a copy of the store forges no handoff and no JWT', async () => {
    const { store, schema } = freshStore();
    const local = createTestServer({ origins: [ORIGIN, TUNNEL] }, store);
    const tunnel = createTestServer({ origins: [TUNNEL, ORIGIN] }, store);
    const browser = local.browser();
    expect((await browser.signUp({ email: 'ada@example.com' })).status).toBe(201);
    // A real handoff and a real JWT, so the store holds a signing key.
    expect((await browser.call('POST', '/auth/handoff', { audience: TUNNEL })).status).toBe(200);
    expect((await browser.call('POST', '/auth/jwt', { audience: API })).status).toBe(200);

    const copy = await keysFromCopy(schema);
    expect(copy.found).toBe(1);
    const [session] = await rows<{ id: string; user_id: string; secret_hash: string }>(
      `SELECT id, user_id, secret_hash FROM ${schema}.sessions`,
    );
    const now = Math.floor(local.clock.now / 1000);
    const attempts: number[] = [];
    for (const { kid, alg, key } of copy.usable) {
      // Every binding the attacker can write from the copy: the session id, its stored hash.
      for (const claims of [{ sid: session!.id }, { sbind: session!.secret_hash }]) {
        const forged = await new SignJWT(claims)
          .setProtectedHeader({ alg, kid, typ: HANDOFF_TYP })
          .setSubject(session!.user_id)
          .setAudience(TUNNEL)
          .setIssuedAt(now)
          .setExpirationTime(now + 60)
          .setJti(base64urlEncode(crypto.getRandomValues(new Uint8Array(16))))
          .sign(key);
        const res = await tunnel
          .browser({ origin: TUNNEL })
          .call('POST', '/auth/handoff/exchange', { token: forged });
        attempts.push(res.status);
        const access = await new SignJWT({ sid: session!.id })
          .setProtectedHeader({ alg, kid, typ: 'JWT' })
          .setSubject(session!.user_id)
          .setAudience(API)
          .setIssuedAt(now)
          .setExpirationTime(now + 60)
          .setJti('forged')
          .sign(key);
        const verified = await local.latchkey.api.jwt
          .verify(access, { audience: API })
          .then(() => 200)
          .catch(() => 401);
        attempts.push(verified);
      }
    }
    // The key is sealed: the copy yields no key to sign with, so nothing was forged.
    expect(copy.usable).toEqual([]);
    expect(attempts).toEqual([]);
  });

  it('finding F: a handoff names its source session by a MAC of its secret, not by its id', async () => {
    const { store, schema } = freshStore();
    const local = createTestServer({ origins: [ORIGIN, TUNNEL] }, store);
    const tunnel = createTestServer({ origins: [TUNNEL, ORIGIN] }, store);
    const browser = local.browser();
    expect((await browser.signUp({ email: 'ada@example.com' })).status).toBe(201);
    const [session] = await rows<{ id: string; secret_hash: string }>(
      `SELECT id, secret_hash FROM ${schema}.sessions`,
    );
    const first = (await browser.call('POST', '/auth/handoff', { audience: TUNNEL })).body.token;
    const claims = decodeJwt(first);
    expect(Object.values(claims)).not.toContain(session!.id);
    expect(Object.values(claims)).not.toContain(session!.secret_hash);
    expect(claims.sbind).toEqual(expect.any(String));

    // A new secret for the source session (a step-up rotates it) cancels the link.
    expect((await browser.stepUp()).status).toBe(200);
    const there = tunnel.browser({ origin: TUNNEL });
    const stale = await there.call('POST', '/auth/handoff/exchange', { token: first });
    expect(stale.body.error.code).toBe('HANDOFF_INVALID');
    const fresh = (await browser.call('POST', '/auth/handoff', { audience: TUNNEL })).body.token;
    expect((await there.call('POST', '/auth/handoff/exchange', { token: fresh })).status).toBe(200);
  });

  it('finding F: a copy of the store holds no hash that signs in or that an offline search matches', async () => {
    const { store, schema } = freshStore();
    const server = createTestServer({}, store);
    const { cookie, codes, token } = await account(server.browser());

    const stored = {
      sessions: (
        await rows<{ secret_hash: string }>(`SELECT secret_hash FROM ${schema}.sessions`)
      ).map((r) => r.secret_hash),
      tokens: (await rows<{ token_hash: string }>(`SELECT token_hash FROM ${schema}.tokens`)).map(
        (r) => r.token_hash,
      ),
      codes: (
        await rows<{ code_hash: string }>(`SELECT code_hash FROM ${schema}.recovery_codes`)
      ).map((r) => r.code_hash),
    };
    expect(stored.codes).toHaveLength(10);
    // An offline search hashes guesses the way the server did: a guess that is
    // right (here, the real secret) must still not match what the copy holds.
    expect(stored.sessions).not.toContain(await sha256(cookie));
    expect(stored.tokens).not.toContain(await sha256(token));
    for (const code of codes)
      expect(stored.codes).not.toContain(await sha256(`recovery:${normaliseCode(code)}`));
    // What the server does store is keyed by the secret.
    expect(stored.sessions).toContain(await storedHash('session', cookie));
    expect(stored.tokens).toContain(await storedHash('token', token));

    // And nothing in the copy works as a credential itself.
    const stranger = server.browser({ peer: '198.51.100.9' });
    for (const hash of stored.sessions) {
      const res = await stranger.call('GET', '/auth/session', undefined, {
        cookie: `latchkey=${hash}`,
      });
      expect(res.body.user ?? null).toBeNull();
    }
    for (const hash of stored.tokens) {
      const res = await stranger.call('GET', '/auth/session', undefined, {
        authorization: `Bearer ${hash}`,
      });
      expect(res.status).toBe(401);
    }
    for (const hash of stored.codes.slice(0, 3)) {
      const recovery = await stranger.call('POST', '/auth/recovery', { code: hash });
      // Refused as a wrong code, or (a hash is longer than any code) as a malformed body.
      expect(['INVALID_CODE', 'INVALID_BODY']).toContain(recovery.body.error.code);
    }
  });

  it('finding F: rows hashed before the secret existed still sign in, and sessions are re-hashed on use', async () => {
    const { store, schema } = freshStore();
    const server = createTestServer({}, store);
    const browser = server.browser();
    const { cookie, codes, token } = await account(browser);
    // Rewrite the rows the way an older version stored them: plain SHA-256.
    await db.query(`UPDATE ${schema}.sessions SET secret_hash = $1`, [await sha256(cookie)]);
    await db.query(`UPDATE ${schema}.tokens SET token_hash = $1`, [await sha256(token)]);
    await db.query(`UPDATE ${schema}.recovery_codes SET code_hash = $1 WHERE code_hash = $2`, [
      await sha256(`recovery:${normaliseCode(codes[0]!)}`),
      await storedHash('recovery', normaliseCode(codes[0]!)),
    ]);

    const session = await browser.call('GET', '/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe('ada@example.com');
    const [row] = await rows<{ secret_hash: string }>(`SELECT secret_hash FROM ${schema}.sessions`);
    expect(row!.secret_hash).toBe(await storedHash('session', cookie));

    const bearer = await server
      .browser({ peer: '198.51.100.9' })
      .call('GET', '/auth/session', undefined, { authorization: `Bearer ${token}`, cookie: '' });
    expect(bearer.status).toBe(200);
    const recovered = await server.browser().call('POST', '/auth/recovery', { code: codes[0] });
    expect(recovered.status).toBe(200);
    expect(recovered.body.session.kind).toBe('recovery');
  });

  it('finding F: a rotated secret list keeps sessions, tokens, codes and signing keys working', async () => {
    const { store } = freshStore();
    const before = createTestServer({}, store);
    const browser = before.browser();
    const { codes, token } = await account(browser);
    expect((await browser.call('POST', '/auth/jwt', { audience: API })).status).toBe(200);

    const next = 'a-new-server-secret-of-at-least-32-characters';
    const rotated = createTestServer({ secret: [next, TEST_SECRET] }, store);
    browser.latchkey = rotated.latchkey;
    expect((await browser.call('GET', '/auth/session')).status).toBe(200);
    expect((await browser.call('POST', '/auth/jwt', { audience: API })).status).toBe(200);
    const bearer = await rotated
      .browser()
      .call('GET', '/auth/session', undefined, { authorization: `Bearer ${token}` });
    expect(bearer.status).toBe(200);
    expect(
      (await rotated.browser().call('POST', '/auth/recovery', { code: codes[0] })).status,
    ).toBe(200);

    // Once the old secret is dropped, the session (re-hashed on its last use) still works…
    const only = createTestServer({ secret: next }, store);
    browser.latchkey = only.latchkey;
    expect((await browser.call('GET', '/auth/session')).status).toBe(200);
    // …and a key sealed under the dropped secret no longer opens: rotate the JWT keys first.
    const userId = (await browser.call('GET', '/auth/session')).body.user.id;
    await expect(only.latchkey.api.jwt.sign({ userId, audience: API })).rejects.toThrow(
      /no configured server secret opens/,
    );
  });

  it('finding F: the embedded store generates its secret once, mode 0600, and keeps it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-secret-'));
    try {
      const dataDir = join(dir, 'data');
      const config = { rpName: 'Secret test', origins: [ORIGIN], logger: () => {} };
      const first = createLatchkey({ ...config, store: pgliteStore({ dataDir }) });
      // Opening PGlite (initdb) can outlast requestTimeout on a busy machine.
      await first.ready();
      const browser = createTestServer().browser();
      browser.latchkey = first;
      expect((await browser.signUp()).status).toBe(201);
      await first.close();

      const file = join(dataDir, 'secret');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const secret = (await readFile(file, 'utf8')).trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);

      // A restart reads the same secret: the session still opens.
      const second = createLatchkey({ ...config, store: pgliteStore({ dataDir }) });
      await second.ready();
      browser.latchkey = second;
      expect((await browser.call('GET', '/auth/session')).status).toBe(200);
      await second.close();
      expect((await readFile(file, 'utf8')).trim()).toBe(secret);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('finding F: a secret file others can read is narrowed to 0600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-secret-'));
    try {
      const file = join(dir, 'secret');
      await writeFile(file, `${'s'.repeat(40)}\n`);
      await chmod(file, 0o644);
      expect(await secretFromFile(file, 'unused-candidate-unused-candidate-0123')).toBe(
        's'.repeat(40),
      );
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finding F: production refuses to start without a secret unless the store is the embedded one', () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('LATCHKEY_SECRET', '');
    const config = { rpName: 'Prod', origins: ['https://app.example'], store: memoryStore() };
    expect(() => createLatchkey(config)).toThrow(TypeError);
    expect(() => createLatchkey(config)).toThrow(/config\.secret is required in production/);
    // The embedded store on a folder keeps a generated one there, in production too.
    expect(resolveServerSecret({}, pgliteStore({ dataDir: '/srv/app/data' }))).toEqual({
      kind: 'file',
      path: '/srv/app/data/secret',
    });
    // A secret from the environment (a list rotates), or in the config, lets it start.
    vi.stubEnv('LATCHKEY_SECRET', `${'n'.repeat(40)},${'o'.repeat(40)}`);
    expect(resolveServerSecret({}, memoryStore())).toEqual({
      kind: 'given',
      secrets: ['n'.repeat(40), 'o'.repeat(40)],
    });
    expect(() => createLatchkey(config)).not.toThrow();
    expect(() => createLatchkey({ ...config, secret: 'too-short' })).toThrow(
      /at least 32 characters/,
    );
    // The embedded store keeps its generated secret in its own folder.
    vi.stubEnv('LATCHKEY_SECRET', '');
    expect(resolveServerSecret({}, null)).toEqual({ kind: 'file', path: './.latchkey/secret' });
  });

  it('warns once at start, outside production, when the secret is kept in the store', () => {
    vi.stubEnv('NODE_ENV', 'development');
    vi.stubEnv('LATCHKEY_SECRET', '');
    const logger = vi.fn();
    createLatchkey({ rpName: 'Dev', origins: [ORIGIN], store: memoryStore(), logger });
    expect(logger).toHaveBeenCalledTimes(1);
    expect(logger.mock.calls[0]![0]).toMatch(/no server secret/);
  });
});
