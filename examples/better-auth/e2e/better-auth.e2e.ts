// The recipe end to end: people sign up and in with Better Auth's email and
// password, add a passkey through Latchkey's `identify` hook, then sign in with
// the passkey alone. Real PostgreSQL (DATABASE_URL) and Chromium with a
// virtual authenticator.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BrowserDevice, launchDevice } from '@latchkey/browser-device';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.js';

const DATABASE_URL = process.env.DATABASE_URL;
const WAIT = 15_000;
const EMAIL = 'grace@example.com';
const PASSWORD = 'correct horse battery staple';
const BETTER_AUTH_COOKIE = 'better-auth.session_token';

if (!DATABASE_URL) {
  console.log('better-auth e2e skipped: set DATABASE_URL to a PostgreSQL it may use');
}

describe.skipIf(!DATABASE_URL)('passkeys beside Better Auth email and password', () => {
  const suffix = randomBytes(6).toString('hex');
  const authSchema = `better_auth_e2e_${suffix}`;
  const latchkeySchema = `latchkey_e2e_${suffix}`;
  let pool: pg.Pool;
  let server: Server;
  let url: string;
  let device: BrowserDevice;
  let built: ReturnType<typeof createApp>;
  let userId: string;
  let passwordSession: Awaited<ReturnType<BrowserDevice['context']['cookies']>>[number];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${authSchema}`);
    await admin.end();
    // Better Auth's tables go where the pool's search_path points: a fresh schema.
    pool = new pg.Pool({
      connectionString: DATABASE_URL,
      connectionTimeoutMillis: 10_000,
      options: `-c search_path=${authSchema}`,
    });
    // A free port first: the origin both allow must be the one browsers use.
    const probe = (await import('node:net')).createServer();
    await new Promise<void>((resolve) => probe.listen(0, resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    url = `http://localhost:${port}`;
    built = createApp({
      pool,
      origin: url,
      latchkeySchema,
      authSecret: randomBytes(32).toString('base64url'),
      latchkeySecret: randomBytes(32).toString('base64url'),
    });
    await built.migrate();
    server = built.app.listen(port);
    await once(server, 'listening');
    device = await launchDevice('better-auth');
  });

  afterAll(async () => {
    await device?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
    await built?.latchkey.close();
    if (pool) {
      await pool.query(`DROP SCHEMA IF EXISTS ${authSchema} CASCADE`);
      await pool.query(`DROP SCHEMA IF EXISTS ${latchkeySchema} CASCADE`);
      await pool.end();
    }
  });

  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    console.error(`browser log:\n  ${device?.log.join('\n  ')}`);
  });

  const who = () => device.page.getByTestId('who');
  const status = () => device.page.getByRole('status');
  /** `register-options` from the page, with whatever cookies the browser holds. */
  const registerOptions = () =>
    device.page.evaluate(async () => {
      const response = await fetch('/auth/passkeys/register-options', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return { status: response.status, body: await response.json() };
    });

  test('with no Better Auth session, register-options is refused', async () => {
    const { page } = device;
    await page.goto(url);
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe('Signed out');
    expect(await registerOptions()).toMatchObject({
      status: 403,
      body: { error: { code: 'SIGN_UP_CLOSED' } },
    });
  });

  test('signs up with Better Auth email and password', async () => {
    const { page } = device;
    await page.getByLabel('Name (to sign up)').fill('Grace');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect
      .poll(() => who().textContent(), { timeout: WAIT })
      .toMatch(/^Signed in as grace@example\.com \(Better Auth user \S+, by password\)$/);
    const { internalAdapter } = await built.auth.$context;
    const found = await internalAdapter.findUserByEmail(EMAIL);
    expect(found?.user.name).toBe('Grace');
    userId = found!.user.id;
    expect(await who().textContent()).toContain(`Better Auth user ${userId},`);
  });

  test('adds a passkey for the Better Auth user (Latchkey creates its user on first use)', async () => {
    const { page } = device;
    expect(await built.latchkey.api.users.byExternalId(userId)).toBeNull();
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => status().textContent(), { timeout: WAIT }).toBe('Passkey added');
    const user = await built.latchkey.api.users.byExternalId(userId);
    expect(user).toMatchObject({ email: EMAIL, displayName: 'Grace', externalId: userId });
    expect(await built.latchkey.api.passkeys.list(user!.id)).toHaveLength(1);
    expect(await device.credentials()).toHaveLength(1);
    // Better Auth's session opened no Latchkey session.
    const cookies = await page.context().cookies(url);
    expect(cookies.map((c) => c.name).sort()).toEqual([BETTER_AUTH_COOKIE, 'latchkey-pre']);
    passwordSession = cookies.find((c) => c.name === BETTER_AUTH_COOKIE)!;
  });

  test('signs out of Better Auth; its old session cookie no longer enrols a passkey', async () => {
    const { page } = device;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe('Signed out');
    const cookies = await page.context().cookies(url);
    expect(cookies.some((c) => c.name === BETTER_AUTH_COOKIE)).toBe(false);
    // The cookie is still signed, but Better Auth ended its session: identify says null.
    await page.context().addCookies([passwordSession]);
    expect(await registerOptions()).toMatchObject({
      status: 403,
      body: { error: { code: 'SIGN_UP_CLOSED' } },
    });
    await page.context().clearCookies({ name: BETTER_AUTH_COOKIE });
    const user = await built.latchkey.api.users.byExternalId(userId);
    expect(await built.latchkey.api.passkeys.list(user!.id)).toHaveLength(1);
  });

  test('signs in with the passkey alone, and the app sees the same Better Auth user', async () => {
    const { page } = device;
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect
      .poll(() => who().textContent(), { timeout: WAIT })
      .toBe(`Signed in as ${EMAIL} (Better Auth user ${userId}, by passkey)`);
    const cookies = await page.context().cookies(url);
    expect(cookies.some((c) => c.name === BETTER_AUTH_COOKIE)).toBe(false);
    expect(cookies.some((c) => c.name === 'latchkey')).toBe(true);
  });

  test('signing out ends the passkey session too', async () => {
    const { page } = device;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe('Signed out');
    const user = await built.latchkey.api.users.byExternalId(userId);
    expect(await built.latchkey.api.sessions.list(user!.id)).toEqual([]);
  });
});
