// Tokens for scripts and agents, end to end: the real `latchkey` binary runs the device
// flow against the real demo server, a person approves it in Chromium with a passkey
// (virtual authenticator), and the account page lists and revokes its token. Then a
// handoff carries the session from one origin of the demo to another.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserDevice, touch } from '@latchkey/browser-device';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { normaliseUserCode } from '../web/device/normalise-user-code.js';
import { returnPathFrom, signInPathReturningTo } from '../web/navigation/return-path.js';
import { screenshot } from './harness/artifacts.js';
import { axeViolations } from './harness/axe-check.js';
import { type CliProcess, startCli } from './harness/cli-process.js';
import { demoSuite } from './harness/demo-suite.js';
import { verifyAddress } from './harness/mailbox.js';
import { fetchFromPage, openPage, WAIT, waitForText } from './harness/page-checks.js';
import { signOut } from './harness/sign-out.js';

const EMAIL = 'grace@example.com';
const TOKEN_TEXT = /^lk_[A-Za-z0-9_-]{16}_[A-Za-z0-9_-]{43}$/;
/** `latchkey login` polls every 5 s (the server's RFC 8628 interval), so allow a few polls. */
const CLI_WAIT = 30_000;

const suite = demoSuite('tokens', { handoffPort: 0 });
/** `HOME` of every `latchkey` run: its token file lands in `<home>/.config/latchkey/token`. */
let home: string;
let url: string;
let handoffUrl: string;
let laptop: BrowserDevice;
/** The token made on the account page; the CLI's own login comes later. */
let pageToken = '';
let cliTokenId = '';
/** CLI runs of the current step, for a failing step's report. */
const cliRuns: CliProcess[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'latchkey-e2e-cli-home-'));
  url = suite.url;
  handoffUrl = suite.demo.handoffUrl!;
  laptop = await suite.device('laptop', { presence: false });
});

afterAll(async () => {
  for (const run of cliRuns) run.child.kill('SIGKILL');
  await rm(home, { recursive: true, force: true });
});

beforeEach(() => {
  cliRuns.length = 0;
});

afterEach((context) => {
  if (context.task.result?.state !== 'fail') return;
  for (const run of cliRuns)
    console.error(`latchkey printed:\n${run.stdout()}\n(stderr)\n${run.stderr()}`);
});

/** `latchkey …` in the test's HOME, kept for the failure report. */
function cli(args: readonly string[], env?: Record<string, string>): CliProcess {
  const run = startCli(args, { home, ...(env ? { env } : {}) });
  cliRuns.push(run);
  return run;
}

async function expectNoAxeViolations(page: Page, state: string) {
  expect({ state, violations: await axeViolations(page) }).toEqual({ state, violations: [] });
}

function tokensSection(page: Page) {
  return page.getByRole('region', { name: 'Tokens for scripts and agents' });
}

interface ListedToken {
  id: string;
  name: string;
  scopes: string[];
  agent: boolean;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

async function tokensOnServer(page: Page): Promise<ListedToken[]> {
  const answer = await fetchFromPage<{ tokens: ListedToken[] }>(page, '/auth/tokens');
  expect(answer.status).toBe(200);
  return answer.body.tokens;
}

async function whoami(env?: Record<string, string>) {
  const result = await cli(['whoami', '--json', '--base-url', url], env).finished();
  return { ...result, json: result.code === 0 ? JSON.parse(result.stdout) : null };
}

describe('tokens for scripts and agents, and handoff, in a real browser', () => {
  test('signs up: the account the tokens belong to', async () => {
    const { page } = laptop;
    await openPage(page, `${url}/sign-up`, 'Create an account');
    await page.getByLabel('Email (optional)').fill(EMAIL);
    await touch(laptop, async () => {
      await page.getByRole('button', { name: 'Create account with a passkey' }).click();
      await page.getByRole('heading', { name: 'Your account is ready' }).waitFor({ timeout: WAIT });
    });
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
    // The address joins the account once its verification link is opened.
    await verifyAddress(page, url, EMAIL);
    await openPage(page, `${url}/account`, 'Account security');
    await waitForText(page.getByTestId('signed-in-as'), EMAIL);
    await waitForText(tokensSection(page), 'No tokens yet.');
    await screenshot(page, 'tokens-01-signed-up-no-tokens');
  });

  test('makes a token on Account security after a passkey step-up, and shows it once', async () => {
    const { page } = laptop;
    const section = tokensSection(page);
    await section.getByLabel('Token name').fill('Deploy script');
    await section.getByLabel(/^write:/).check();
    await section.getByLabel('Expires after').selectOption({ label: '7 days' });
    // A fresh sign-up is not elevated: the server answers STEP_UP_REQUIRED and the
    // kit's withStepUp asks for the passkey, then creates the token.
    await touch(laptop, async () => {
      const stepUp = page.waitForRequest(
        (r) => r.method() === 'POST' && r.url().endsWith('/auth/passkeys/verify'),
      );
      await section.getByRole('button', { name: 'Create token' }).click();
      await stepUp;
      await page.getByTestId('new-token').waitFor({ timeout: WAIT });
    });
    pageToken = ((await page.getByTestId('new-token').textContent()) ?? '').trim();
    expect(pageToken).toMatch(TOKEN_TEXT);
    await waitForText(section, 'this is the only time it is shown');

    await laptop.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    await section.getByRole('button', { name: 'Copy token' }).click();
    await waitForText(section.getByRole('status'), 'Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pageToken);
    await expectNoAxeViolations(page, 'a new token, shown once');
    await screenshot(page, 'tokens-02a-new-token-shown-once');

    // The token is real: the CLI signs in with it.
    const who = await whoami({ LATCHKEY_TOKEN: pageToken });
    expect(who.code).toBe(0);
    expect(who.json).toMatchObject({ user: { email: EMAIL }, tokenSource: 'LATCHKEY_TOKEN' });

    // "I have copied it": the text is gone for good; the list has the token, with its choices.
    await section.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByTestId('new-token').count()).toBe(0);
    const [listed] = await tokensOnServer(page);
    expect(listed).toMatchObject({ name: 'Deploy script', scopes: ['write'], agent: false });
    const lifetime = Date.parse(listed!.expiresAt!) - Date.parse(listed!.createdAt);
    expect(lifetime).toBe(7 * 24 * 60 * 60 * 1000);
    const item = section.locator(`li[data-token-id="${listed!.id}"]`);
    await waitForText(item, 'Access: write');
    expect(await item.textContent()).not.toContain('AI agent');
    await screenshot(page, 'tokens-02b-token-listed');
  });

  test('latchkey login: the link, sign-in, who asks, approval with a passkey, the token saved', async () => {
    const { page } = laptop;
    // Signed out, so the approval page must send the person to sign in and back.
    await signOut(laptop);

    const login = cli([
      'login',
      '--base-url',
      url,
      '--no-browser',
      '--name',
      'Build agent',
      '--scopes',
      'read,write',
      '--agent',
    ]);
    const [, link, code] = await login.waitForStderr(
      /open this link in a browser:\s+(\S+)\s+and check that it shows the code\s+([A-Z0-9]{4}-[A-Z0-9]{4})/,
    );
    expect(link).toBe(`${url}/device?user_code=${code}`);
    // It printed the link instead of opening a browser.
    expect(login.stderr()).not.toContain('Opened your browser');

    await openPage(page, link!, 'Approve a device');
    await waitForText(page.locator('main'), 'You are signed out');
    await expectNoAxeViolations(page, '/device signed out');
    await screenshot(page, 'tokens-03a-device-link-signed-out');
    await page.locator('main').getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await laptop.waitForAutofillRequest();
    await touch(laptop, async () => {
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.getByRole('heading', { level: 1, name: 'Approve a device' }).waitFor();
    });
    // Back on the page the link opened, with its code.
    expect(page.url()).toBe(link);
    await page.getByRole('heading', { name: 'Is this request yours?' }).waitFor();
    expect(await page.getByTestId('device-user-code').textContent()).toBe(code);
    const request = page.locator('.device-request');
    await waitForText(request, 'Build agent');
    const shown = (await request.textContent()) ?? '';
    expect(shown).toContain('An AI agent');
    expect(shown).toContain('read: see your account');
    expect(shown).toContain('write: see your account and change things');
    expect(shown).toMatch(/From address(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)/);
    expect(shown).toContain('Code expires');
    await expectNoAxeViolations(page, '/device with a request');
    await screenshot(page, 'tokens-03b-device-request');

    // Approving needs a step-up: this session was opened by a sign-in, not a verification.
    await touch(laptop, async () => {
      const stepUp = page.waitForRequest(
        (r) => r.method() === 'POST' && r.url().endsWith('/auth/passkeys/verify'),
      );
      await page.getByRole('button', { name: 'Approve with your passkey' }).click();
      await stepUp;
      await waitForText(page.getByTestId('device-outcome'), 'Approved: “Build agent” can now act');
    });
    await screenshot(page, 'tokens-03c-device-approved');

    const done = await login.finished(CLI_WAIT);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`Logged in to ${url} as ${EMAIL} (scopes: read write)`);
    const tokenFile = join(home, '.config', 'latchkey', 'token');
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);

    const who = await whoami();
    expect(who.code).toBe(0);
    expect(who.json).toMatchObject({ user: { email: EMAIL }, tokenSource: 'file' });
    cliTokenId = who.json.tokenId;
    expect(cliTokenId).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  test('the CLI’s token is on Account security, and revoking it there ends it at once', async () => {
    const { page } = laptop;
    await openPage(page, `${url}/account`, 'Account security');
    const section = tokensSection(page);
    const item = section.locator(`li[data-token-id="${cliTokenId}"]`);
    await waitForText(item, 'Build agent');
    const listed = (await item.textContent()) ?? '';
    expect(listed).toContain('AI agent');
    expect(listed).toContain('Access: read, write');
    // `whoami` used it a moment ago.
    expect(listed).toContain('last used');
    expect(listed).not.toContain('never used');
    await expectNoAxeViolations(page, '/account with tokens');
    await screenshot(page, 'tokens-04a-cli-token-listed');

    await item.getByRole('button', { name: 'Revoke Build agent' }).click();
    await waitForText(section.getByRole('status'), 'Revoked “Build agent”');
    expect(await item.count()).toBe(0);
    await screenshot(page, 'tokens-04b-cli-token-revoked');

    // Exit code 7: the token was revoked or has expired.
    const refused = await whoami();
    expect(refused.code).toBe(7);
    expect(JSON.parse(refused.stderr)).toMatchObject({
      error: { code: 'INVALID_TOKEN', exitCode: 7 },
    });
    // The other token lives on.
    const other = await whoami({ LATCHKEY_TOKEN: pageToken });
    expect(other.code).toBe(0);
    expect((await tokensOnServer(page)).map((t) => t.name)).toEqual(['Deploy script']);
  });

  test('a denied request stops the CLI with its denied exit code; used and mistyped codes are refused in words', async () => {
    const { page } = laptop;
    const login = cli(['login', '--base-url', url, '--no-browser', '--json', '--name', 'Stranger']);
    const [line] = await login.waitForStderr(/^\{.*"user_code".*\}$/m);
    const prompt = JSON.parse(line!) as { user_code: string; verification_uri_complete: string };
    expect(prompt.verification_uri_complete).toBe(`${url}/device?user_code=${prompt.user_code}`);

    await openPage(page, prompt.verification_uri_complete, 'Approve a device');
    await waitForText(page.locator('.device-request'), 'Stranger');
    await page.getByRole('button', { name: 'Deny' }).click();
    await waitForText(page.getByTestId('device-outcome'), 'Denied: “Stranger” was refused');
    await screenshot(page, 'tokens-05a-device-denied');

    // Exit code 5: the request was denied in the browser.
    const done = await login.finished(CLI_WAIT);
    expect(done.code).toBe(5);
    expect(done.stderr).toContain('"code":"ACCESS_DENIED"');

    // The same link again: that code is spent.
    await openPage(page, prompt.verification_uri_complete, 'Approve a device');
    await waitForText(page.getByTestId('device-error'), 'No device is waiting with that code');
    // A code that cannot be one is refused before it is sent.
    await page.getByLabel('Code', { exact: true }).fill('ABCD');
    await page.getByRole('button', { name: 'Look up' }).click();
    await waitForText(page.getByTestId('device-error'), 'A code has 8 letters and digits');
    await expectNoAxeViolations(page, '/device with an error');
    await screenshot(page, 'tokens-05b-device-code-refused');
  });

  test('hands the session off to another origin, once', async () => {
    const { page } = laptop;
    const otherOrigin = new URL(handoffUrl).host;
    // The same browser profile, a second tab on the other origin: its cookies are its own.
    const there = await laptop.context.newPage();
    try {
      await openPage(there, `${handoffUrl}/account`, 'Account security');
      await waitForText(there.locator('main'), 'You are signed out');
      await screenshot(there, 'tokens-06a-other-origin-signed-out');

      // Watch (never change) the handoff answer, to try its link again later.
      let handoffLink = '';
      await page.route('**/auth/handoff', async (route) => {
        const response = await route.fetch();
        handoffLink = ((await response.json()) as { url: string }).url;
        await route.fulfill({ response });
      });
      await openPage(page, `${url}/handoff`, 'Open elsewhere');
      const button = page.getByRole('button', { name: `Open this account on ${otherOrigin}` });
      await button.waitFor();
      await expectNoAxeViolations(page, '/handoff');
      await screenshot(page, 'tokens-06b-handoff-page');
      await button.click();

      // Landed on the other origin, signed in, with the token gone from the address bar.
      await waitForText(
        page.getByTestId('handoff-landing'),
        'You are signed in on this address too',
      );
      await page.unroute('**/auth/handoff');
      expect(handoffLink).toMatch(
        new RegExp(
          `^${handoffUrl.replace(/\./g, '\\.')}/#latchkey-handoff=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`,
        ),
      );
      expect(page.url()).toBe(`${handoffUrl}/account`);
      await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
      await waitForText(page.getByTestId('signed-in-as'), EMAIL);
      const me = await fetchFromPage<{ user: { email: string } }>(page, '/api/me');
      expect(me).toMatchObject({ status: 200, body: { user: { email: EMAIL } } });
      await screenshot(page, 'tokens-06c-handoff-signed-in-there');
      // The other tab on that origin shares its new cookie.
      await there.reload();
      await waitForText(there.getByTestId('signed-in-as'), EMAIL);

      // The same link a second time opens nothing, and says why.
      await there.goto(handoffLink, { waitUntil: 'domcontentloaded' });
      const refused = there.getByRole('alert');
      await waitForText(refused, 'This sign-in link no longer works');
      await waitForText(refused, 'already used');
      expect(there.url()).toBe(`${handoffUrl}/`);
      await expectNoAxeViolations(there, 'a used handoff link');
      await screenshot(there, 'tokens-06d-handoff-link-used');

      // Nor does the link work on an origin it was not made for.
      await there.goto(`${url}/#latchkey-handoff=${handoffLink.split('=')[1]}`, {
        waitUntil: 'domcontentloaded',
      });
      await waitForText(there.getByRole('alert'), 'for another origin');
    } finally {
      await there.close();
    }
  });
});

// The pages' pure helpers behind the steps above (the demo has no unit-test runner of its own).
describe('the approval page’s helpers', () => {
  test('sign-in returns only to a path of this app, never to another site', () => {
    const back = signInPathReturningTo('/device?user_code=WDJB-MJHT');
    expect(back).toBe('/sign-in?next=%2Fdevice%3Fuser_code%3DWDJB-MJHT');
    expect(returnPathFrom(new URL(back, 'http://localhost').search)).toBe(
      '/device?user_code=WDJB-MJHT',
    );
    for (const next of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'device',
      '',
    ]) {
      expect({ next, back: returnPathFrom(`?next=${encodeURIComponent(next)}`) }).toEqual({
        next,
        back: null,
      });
    }
    expect(returnPathFrom('')).toBeNull();
  });

  test('a typed device code is read as the server writes it, or refused', () => {
    expect(normaliseUserCode(' wdjb mjht ')).toBe('WDJB-MJHT');
    expect(normaliseUserCode('WDJB-MJHT')).toBe('WDJB-MJHT');
    expect(normaliseUserCode('WDJB')).toBeNull();
    expect(normaliseUserCode('WDJB-MJHT-X')).toBeNull();
    expect(normaliseUserCode('WDJB-MJH!')).toBeNull();
  });
});
