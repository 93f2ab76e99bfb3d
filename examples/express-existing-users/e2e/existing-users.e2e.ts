// The recipe end to end: an Express app with its own users and password
// sign-in in PostgreSQL adds passkeys through Latchkey's `identify` hook.
// Real PostgreSQL (DATABASE_URL) and Chromium with a virtual authenticator.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BrowserDevice, launchDevice } from '@latchkey/browser-device';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.js';
import type { AppUser } from '../src/app-users.js';

const DATABASE_URL = process.env.DATABASE_URL;
const WAIT = 15_000;
const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

if (!DATABASE_URL) {
  console.log('express-existing-users e2e skipped: set DATABASE_URL to a PostgreSQL it may use');
}

describe.skipIf(!DATABASE_URL)('Express app with its own users', () => {
  const suffix = randomBytes(6).toString('hex');
  const appSchema = `app_e2e_${suffix}`;
  const latchkeySchema = `latchkey_e2e_${suffix}`;
  let pool: pg.Pool;
  let server: Server;
  let url: string;
  let device: BrowserDevice;
  let built: ReturnType<typeof createApp>;
  let ada: AppUser;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, connectionTimeoutMillis: 10_000 });
    // A free port first: the origin Latchkey allows must be the one browsers use.
    const probe = (await import('node:net')).createServer();
    await new Promise<void>((resolve) => probe.listen(0, resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    url = `http://localhost:${port}`;
    built = createApp({
      pool,
      origin: url,
      appSchema,
      latchkeySchema,
      secret: randomBytes(32).toString('base64url'),
    });
    await built.migrate();
    ada = await built.users.create(EMAIL, 'Ada', PASSWORD);
    server = built.app.listen(port);
    await once(server, 'listening');
    device = await launchDevice('express');
  });

  afterAll(async () => {
    await device?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
    await built?.latchkey.close();
    if (pool) {
      await pool.query(`DROP SCHEMA IF EXISTS ${appSchema} CASCADE`);
      await pool.query(`DROP SCHEMA IF EXISTS ${latchkeySchema} CASCADE`);
      await pool.end();
    }
  });

  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    console.error(`browser log:\n  ${device?.log.join('\n  ')}`);
  });

  const who = () => device.page.getByTestId('who');

  test('refuses a wrong password, then signs in with the app’s own password', async () => {
    const { page } = device;
    await page.goto(url);
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe('Signed out');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor({ timeout: WAIT });
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect
      .poll(() => who().textContent(), { timeout: WAIT })
      .toBe(`Signed in as ${EMAIL} (app user ${ada.id}, by password)`);
  });

  test('adds a passkey for the signed-in app user (Latchkey creates its user on first use)', async () => {
    const { page } = device;
    expect(await built.latchkey.api.users.byExternalId(String(ada.id))).toBeNull();
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: WAIT })
      .toBe('Passkey added');
    const user = await built.latchkey.api.users.byExternalId(String(ada.id));
    expect(user).toMatchObject({ email: EMAIL, displayName: 'Ada' });
    expect(await built.latchkey.api.passkeys.list(user!.id)).toHaveLength(1);
    // The app's password session opened no Latchkey session.
    const cookies = await page.context().cookies(url);
    expect(cookies.map((c) => c.name).sort()).toEqual(['app_session', 'latchkey-pre']);
  });

  test('signs out of the app', async () => {
    const { page } = device;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe('Signed out');
    const cookies = await page.context().cookies(url);
    expect(cookies.some((c) => c.name === 'app_session')).toBe(false);
  });

  test('signs in with the passkey, and the app sees its own user', async () => {
    const { page } = device;
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect
      .poll(() => who().textContent(), { timeout: WAIT })
      .toBe(`Signed in as ${EMAIL} (app user ${ada.id}, by passkey)`);
    const cookies = await page.context().cookies(url);
    expect(cookies.some((c) => c.name === 'app_session')).toBe(false);
    expect(cookies.some((c) => c.name === 'latchkey')).toBe(true);
  });

  test('signing out ends the passkey session too', async () => {
    const { page } = device;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe('Signed out');
    const user = await built.latchkey.api.users.byExternalId(String(ada.id));
    expect(await built.latchkey.api.sessions.list(user!.id)).toEqual([]);
  });
});
