import type { AuditEvent } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { deviceKey } from '../../test/device-key.js';
import { createTestServer, type TestBrowser, type TestServer } from '../../test/harness.js';
import type { LatchkeyConfig } from '../config/latchkey-config.js';
import { COMMON_PASSWORDS } from './common-passwords.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-rules.js';

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

function setup(config: Partial<LatchkeyConfig> = {}) {
  const events: AuditEvent[] = [];
  const server = createTestServer({
    fallbacks: { password: true },
    hooks: { onEvent: (event) => void events.push(event) },
    ...config,
  });
  return { server, events };
}

/** Signs up with a passkey and `email`, steps up and sets `password`; the browser stays signed in. */
async function account(server: TestServer, password = PASSWORD, email = EMAIL) {
  const browser = server.browser();
  expect((await browser.signUp({ email })).status).toBe(201);
  expect((await browser.stepUp()).status).toBe(200);
  const set = await setPassword(browser, password);
  expect(set.status).toBe(200);
  const user = (await server.store.getUserByEmail(email))!;
  return { browser, user };
}

const setPassword = (browser: TestBrowser, password: string) =>
  browser.call('PUT', '/auth/password', { password });

const signIn = (browser: TestBrowser, email: string, password: string, extra = {}) =>
  browser.call('POST', '/auth/password/sign-in', { email, password, ...extra });

describe('passwords', () => {
  it('are off by default: the routes answer 404 ROUTE_NOT_FOUND', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp({ email: EMAIL });
    await browser.stepUp();
    for (const res of [
      await setPassword(browser, PASSWORD),
      await browser.call('DELETE', '/auth/password'),
      await signIn(server.browser(), EMAIL, PASSWORD),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('follow NIST SP 800-63B: 8 to 128 characters after NFKC, no composition rules, no common ones', async () => {
    const { server } = setup({ rateLimit: false });
    const browser = server.browser();
    await browser.signUp({ email: EMAIL });
    await browser.stepUp();
    const reason = async (password: string) => {
      const res = await setPassword(browser, password);
      return res.status === 200 ? 'ok' : `${res.status} ${res.body.error.code}`;
    };
    const chars = (n: number) => 'k7'.repeat(n).slice(0, n);
    expect(await reason(chars(PASSWORD_MIN_LENGTH - 1))).toBe('400 PASSWORD_TOO_SHORT');
    expect(await reason(chars(PASSWORD_MIN_LENGTH))).toBe('ok');
    expect(await reason(chars(PASSWORD_MAX_LENGTH))).toBe('ok');
    expect(await reason(chars(PASSWORD_MAX_LENGTH + 1))).toBe('400 PASSWORD_TOO_LONG');
    // Characters, not UTF-16 units: seven keys are 14 units but 7 characters.
    expect(await reason('🔑'.repeat(7))).toBe('400 PASSWORD_TOO_SHORT');
    expect(await reason('🔑'.repeat(8))).toBe('ok');
    // No composition rules: all lower case, or all digits, is fine when not common.
    expect(await reason('lowercase only words')).toBe('ok');
    expect(await reason('90210475')).toBe('ok');
    // Common ones, whatever the case.
    expect(await reason('Password1')).toBe('400 PASSWORD_TOO_COMMON');
    expect(await reason('QWERTYUIOP')).toBe('400 PASSWORD_TOO_COMMON');
    // Full-width letters are NFKC-normalised before the checks: 'ｐａｓｓｗｏｒｄ' is 'password'.
    expect(await reason('ｐａｓｓｗｏｒｄ')).toBe('400 PASSWORD_TOO_COMMON');
  });

  it('keeps the list of common passwords to what the length rule lets through, lower-cased', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThan(300);
    for (const entry of COMMON_PASSWORDS) {
      expect(entry.length).toBeGreaterThanOrEqual(PASSWORD_MIN_LENGTH);
      expect(entry).toBe(entry.toLowerCase());
    }
  });

  it('are set only after a step-up', async () => {
    const { server } = setup();
    const browser = server.browser();
    await browser.signUp({ email: EMAIL });
    server.clock.advance(60 * 60 * 1000); // the sign-up's own elevation, if any, is long gone
    const res = await setPassword(browser, PASSWORD);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('STEP_UP_REQUIRED');
    const user = (await server.store.getUserByEmail(EMAIL))!;
    expect(await server.store.getPassword(user.id)).toBeNull();
    const remove = await browser.call('DELETE', '/auth/password');
    expect(remove.body.error.code).toBe('STEP_UP_REQUIRED');
    expect((await browser.stepUp()).status).toBe(200);
    expect((await setPassword(browser, PASSWORD)).status).toBe(200);
  });

  it('are stored only as an argon2id hash (OWASP parameters, a salt of their own)', async () => {
    const { server, events } = setup();
    const { user } = await account(server);
    const { user: other } = await account(server, PASSWORD, 'grace@example.com');
    const record = await server.store.getPassword(user.id);
    expect(record?.hash).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    expect(record?.hash).not.toContain(PASSWORD);
    // The same password, another salt, another hash.
    expect((await server.store.getPassword(other.id))?.hash).not.toBe(record?.hash);
    const audit = await server.store.listAudit({ userId: user.id, limit: 50 });
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('record password.changed in the audit trail and the hook: set, changed, removed', async () => {
    const { server, events } = setup();
    const { browser, user } = await account(server);
    expect((await setPassword(browser, 'another good passphrase')).status).toBe(200);
    expect((await browser.call('DELETE', '/auth/password')).status).toBe(200);
    expect(await server.store.getPassword(user.id)).toBeNull();
    // Removing none writes nothing.
    expect((await browser.call('DELETE', '/auth/password')).status).toBe(200);
    const changes = (await server.store.listAudit({ userId: user.id, limit: 50 }))
      .filter((e) => e.type === 'password.changed')
      .map((e) => e.data.action);
    expect(changes).toEqual(['removed', 'changed', 'set']);
    expect(events.filter((e) => e.type === 'password.changed').map((e) => e.data.action)).toEqual([
      'set',
      'changed',
      'removed',
    ]);
    // The old password no longer signs in.
    const res = await signIn(server.browser(), EMAIL, PASSWORD);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('leave the stored password as it was when a new one is refused', async () => {
    const { server } = setup();
    const { browser, user } = await account(server);
    const before = await server.store.getPassword(user.id);
    expect((await setPassword(browser, 'password')).status).toBe(400);
    expect((await setPassword(browser, 'short')).status).toBe(400);
    expect(await server.store.getPassword(user.id)).toEqual(before);
  });
});

describe('password sign-in', () => {
  it('opens a password session: amr pwd, full for everyday routes, never elevated', async () => {
    const { server, events } = setup();
    const { user } = await account(server);
    const browser = server.browser({ peer: '198.51.100.9' });
    // NFKC on sign-in too: the full-width form of the same password signs in.
    const res = await signIn(browser, EMAIL.toUpperCase(), PASSWORD.replace('c', 'ｃ'));
    expect(res.status).toBe(200);
    expect(res.body.session.kind).toBe('password');
    expect(res.body.user.id).toBe(user.id);
    const signedIn = events.findLast((e) => e.type === 'signin.succeeded');
    expect(signedIn?.data).toEqual({ amr: ['pwd'], by: 'password' });

    // A full session for everyday routes, and for the host app's gate.
    expect((await browser.call('GET', '/auth/passkeys')).status).toBe(200);
    const found = await server.latchkey.api.sessions.fromRequest(browser.request('GET', '/app'));
    expect(found?.session.kind).toBe('password');

    // It cannot step up, so nothing elevated, and no second passkey.
    const options = await browser.call('POST', '/auth/passkeys/verify-options', {});
    expect(options.status).toBe(403);
    expect(options.body.error.code).toBe('FORBIDDEN');
    const verify = await browser.call('POST', '/auth/passkeys/verify', { response: {} });
    expect(verify.status).toBe(400); // the body is checked first; a real one is refused below
    expect((await setPassword(browser, 'a new good passphrase')).body.error.code).toBe(
      'STEP_UP_REQUIRED',
    );
    expect((await browser.call('POST', '/auth/recovery-codes', {})).body.error.code).toBe(
      'STEP_UP_REQUIRED',
    );
    const add = await browser.call('POST', '/auth/passkeys/register-options', {});
    expect(add.status).toBe(403);
    expect(add.body.error.code).toBe('STEP_UP_REQUIRED');
    expect((await server.store.listCredentials(user.id)).length).toBe(1);
  });

  it('never counts a password session as elevated, whatever the store says', async () => {
    const { server } = setup();
    const { user } = await account(server);
    const browser = server.browser();
    expect((await signIn(browser, EMAIL, PASSWORD)).status).toBe(200);
    const [session] = (await server.store.listSessions(user.id)).filter(
      (s) => s.kind === 'password',
    );
    // Even an elevation written to the record (by a bug, or a future path) does not count.
    await server.store.updateSession(session!.id, { elevatedUntil: server.clock.now + 60_000 });
    const res = await setPassword(browser, 'a new good passphrase');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('STEP_UP_REQUIRED');
    const add = await browser.call('POST', '/auth/passkeys/register-options', {});
    expect(add.body.error.code).toBe('STEP_UP_REQUIRED');
  });

  it('gives the same answer for an unknown address and a wrong password, in about the same time', async () => {
    const { server } = setup({ rateLimit: false });
    await account(server);
    const browser = server.browser();
    const unknown = await signIn(browser, 'nobody@example.com', PASSWORD);
    const wrong = await signIn(browser, EMAIL, 'not the password at all');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.headers.get('set-cookie')).toBeNull();

    const time = async (email: string) => {
      const started = performance.now();
      await signIn(browser, email, 'not the password at all');
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const unknownTimes: number[] = [];
    const wrongTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      unknownTimes.push(await time(`nobody${i}@example.com`));
      wrongTimes.push(await time(EMAIL));
    }
    // Both verify one argon2id hash (a dummy one for the unknown address).
    const ratio = median(unknownTimes) / median(wrongTimes);
    // Without the dummy hash the unknown address answers ~100 times faster.
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });

  it('is throttled per account (across IPs) and per IP (across accounts)', async () => {
    const { server } = setup({ rateLimit: { window: 60, perIp: 8, perAccount: 10 } });
    await account(server);
    // Per account: five attempts per window, from any number of addresses.
    for (let i = 0; i < 5; i++) {
      const res = await signIn(
        server.browser({ peer: `198.51.100.${i}` }),
        EMAIL,
        'wrong guess number',
      );
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    const blocked = await signIn(server.browser({ peer: '198.51.100.77' }), EMAIL, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    server.clock.advance(61_000);
    expect((await signIn(server.browser({ peer: '198.51.100.78' }), EMAIL, PASSWORD)).status).toBe(
      200,
    );

    // Per IP: one address spraying many accounts.
    const sprayer = server.browser({ peer: '192.0.2.50' });
    for (let i = 0; i < 8; i++) {
      const res = await signIn(sprayer, `user${i}@example.com`, 'wrong guess number');
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    const res = await signIn(sprayer, 'user9@example.com', 'wrong guess number');
    expect(res.body.error.code).toBe('RATE_LIMITED');
  });

  it('ends password sessions when the password changes', async () => {
    const { server } = setup();
    const { browser: owner } = await account(server);
    const browser = server.browser();
    expect((await signIn(browser, EMAIL, PASSWORD)).status).toBe(200);
    expect((await browser.call('GET', '/auth/passkeys')).status).toBe(200);
    expect((await setPassword(owner, 'a brand new passphrase')).status).toBe(200);
    expect((await browser.call('GET', '/auth/passkeys')).body.error.code).toBe('UNAUTHENTICATED');
    // The owner's passkey session stays.
    expect((await owner.call('GET', '/auth/passkeys')).status).toBe(200);
  });

  it('asks a locked account for its device key, only once the password is right', async () => {
    const { server } = setup();
    const { user } = await account(server);
    await server.store.updateUser(user.id, { tier: 'locked' });
    const browser = server.browser();
    expect((await signIn(browser, EMAIL, 'a wrong passphrase')).body.error.code).toBe(
      'INVALID_CREDENTIALS',
    );
    const res = await signIn(browser, EMAIL, PASSWORD);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('POP_REQUIRED');
    expect(await server.store.listSessions(user.id)).toHaveLength(1); // the owner's only
    const key = await deviceKey();
    const bound = await signIn(browser, EMAIL, PASSWORD, { popKey: key.popKey });
    expect(bound.status).toBe(200);
    const stored = (await server.store.listSessions(user.id)).find((s) => s.kind === 'password');
    expect(JSON.parse(stored!.popKey!)).toEqual(key.popKey);
  });
});
