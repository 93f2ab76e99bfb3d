// The Next.js example end to end: `next start` on the built app (route handlers,
// getSession in server components, the gate in proxy.ts, PGlite in a fresh
// folder) and Chromium with a virtual authenticator.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserDevice, launchDevice, touch } from '@latchkey/browser-device';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type NextProcess, startNext } from './next-process.js';

const EMAIL = 'ada@example.com';
const WAIT = 15_000;

let dataDir: string;
let app: NextProcess | undefined;
let device: BrowserDevice;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'latchkey-next-data-'));
  app = await startNext({ dataDir });
  device = await launchDevice('next');
  // The authenticator answers only inside `touch()`: the sign-in page's autofill
  // request then waits, as it would for a person who has not opened the list.
  await device.setPresence(false);
});

afterAll(async () => {
  await device?.close();
  await app?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

afterEach((context) => {
  if (context.task.result?.state !== 'fail') return;
  console.error(`browser log:\n  ${device.log.join('\n  ')}`);
  console.error(`next start printed:\n${app?.output()}`);
});

function who() {
  return device.page.getByTestId('who');
}

describe('Next.js example', () => {
  test('the gate sends a signed-out page load to the sign-in page', async () => {
    const { page } = device;
    await page.goto(`${app!.url}/dashboard`);
    await page.waitForURL(/\/sign-in\?next=%2Fdashboard$/, { timeout: WAIT });
    const api = await page.request.get(`${app!.url}/dashboard`, {
      headers: { accept: 'application/json' },
    });
    expect(api.status()).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });

  test('answers /.well-known/webauthn from Latchkey, not from Next’s 404 page', async () => {
    const res = await device.page.request.get(`${app!.url}/.well-known/webauthn`);
    // No related origins configured: Latchkey's JSON answer says so.
    expect(res.status()).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
  });

  test('signs up with a passkey and lands on the dashboard, rendered with the session', async () => {
    const { page } = device;
    await page.goto(`${app!.url}/sign-up`);
    await page.getByLabel('Email').fill(EMAIL);
    await touch(device, async () => {
      await page.getByRole('button', { name: 'Create account with a passkey' }).click();
      await page.waitForURL(/\/dashboard$/, { timeout: WAIT });
    });
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe(`Signed in as ${EMAIL}`);
  });

  test('signs out: the server component renders the signed-out home page', async () => {
    const { page } = device;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(new RegExp(`^${app!.url}/$`), { timeout: WAIT });
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe('Signed out');
    const cookies = await page.context().cookies(app!.url);
    expect(cookies.some((c) => c.name === 'latchkey')).toBe(false);
  });

  test('signs in with no email (a discoverable passkey) and gets past the gate', async () => {
    const { page } = device;
    await page.goto(`${app!.url}/dashboard`);
    await page.waitForURL(/\/sign-in\?next=%2Fdashboard$/, { timeout: WAIT });
    await expect.poll(() => page.getByLabel('Email').inputValue()).toBe('');
    await device.waitForAutofillRequest();
    await touch(device, async () => {
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.waitForURL(/\/dashboard$/, { timeout: WAIT });
    });
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe(`Signed in as ${EMAIL}`);
    await page.goto(app!.url);
    await expect.poll(() => who().textContent(), { timeout: WAIT }).toBe(`Signed in as ${EMAIL}`);
  });
});
