import { describe, expect, it } from 'vitest';
import { createTestServer, type TestBrowser, type TestServer } from '../../test/harness.js';
import type { LatchkeyConfig } from '../config/latchkey-config.js';
import type { EmailMessage } from '../email/email-transport.js';
import { memoryTransport } from '../email/memory-transport.js';

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

function setup(fallbacks: LatchkeyConfig['fallbacks'] = { password: true, magicLink: true }) {
  const mailbox = memoryTransport();
  const server = createTestServer({
    email: { from: 'Latchkey Test <no-reply@localhost>', transport: mailbox },
    fallbacks,
  });
  return { server, mailbox };
}

/** A passkey account with an address and recovery codes; the browser stays signed in, stepped up. */
async function account(server: TestServer) {
  const browser = server.browser();
  const res = await browser.signUp({ email: EMAIL });
  expect(res.status).toBe(201);
  // The address joins the account (as its verification link would do).
  const { user: me } = (await browser.call('GET', '/auth/session')).body;
  const user = (await server.store.updateUser(me.id, {
    email: EMAIL,
    emailVerified: true,
  }))!;
  expect((await browser.stepUp()).status).toBe(200);
  return { browser, user, codes: res.body.recoveryCodes as string[] };
}

const put = (browser: TestBrowser, body: Record<string, boolean>) =>
  browser.call('PUT', '/auth/fallbacks', body);

function tokenOf(mail: EmailMessage): string {
  const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error('no link in the email');
  return token;
}

describe('per-account fallback settings', () => {
  it('report every method the deployment allows as on until the account chooses', async () => {
    const { server } = setup({ password: true });
    const { browser } = await account(server);
    const res = await browser.call('GET', '/auth/fallbacks');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      deployment: { recoveryCodes: true, magicLink: false, password: true },
      account: { recoveryCodes: true, magicLink: false, password: true },
      passwordSet: false,
    });
    expect((await server.browser().call('GET', '/auth/fallbacks')).body.error.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('change only after a step-up', async () => {
    const { server } = setup();
    const { browser, user } = await account(server);
    server.clock.advance(60 * 60 * 1000);
    const res = await put(browser, { recoveryCodes: false });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('STEP_UP_REQUIRED');
    expect(await server.store.getAccountFallbacks(user.id)).toBeNull();
    await browser.stepUp();
    const ok = await put(browser, { recoveryCodes: false });
    expect(ok.status).toBe(200);
    expect(ok.body.account).toEqual({ recoveryCodes: false, magicLink: true, password: true });
    const [event] = await server.store.listAudit({ userId: user.id, limit: 1 });
    expect(event?.type).toBe('fallbacks.changed');
  });

  it('cannot turn on what the deployment has off (400 FALLBACK_UNAVAILABLE, nothing written)', async () => {
    const { server } = setup({});
    const { browser, user } = await account(server);
    const res = await put(browser, { recoveryCodes: false, magicLink: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('FALLBACK_UNAVAILABLE');
    expect(await server.store.getAccountFallbacks(user.id)).toBeNull();
    const pw = await put(browser, { password: true });
    expect(pw.body.error.code).toBe('FALLBACK_UNAVAILABLE');
    // Turning off what is off already is fine.
    expect((await put(browser, { password: false })).status).toBe(200);
  });

  it('are honoured by recovery-code sign-in (the code is not used up)', async () => {
    const { server } = setup();
    const { browser, codes } = await account(server);
    expect((await put(browser, { recoveryCodes: false })).status).toBe(200);
    const lost = server.browser();
    const refused = await lost.call('POST', '/auth/recovery', { code: codes[0] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('INVALID_CODE');
    expect((await put(browser, { recoveryCodes: true })).status).toBe(200);
    const res = await lost.call('POST', '/auth/recovery', { code: codes[0] });
    expect(res.status).toBe(200);
    expect(res.body.session.kind).toBe('recovery');
  });

  it('are honoured by sign-in links: none sent, and one sent before does not sign in', async () => {
    const { server, mailbox } = setup();
    const { browser } = await account(server);
    const asker = server.browser();
    const ask = () => asker.call('POST', '/auth/email/link-options', { email: EMAIL });
    expect((await ask()).status).toBe(200);
    await server.latchkey.settled();
    const links = () => mailbox.messages.filter((m) => m.template === 'magicLink');
    expect(links()).toHaveLength(1);

    expect((await put(browser, { magicLink: false })).status).toBe(200);
    const res = await ask();
    expect(res.body).toEqual({ ok: true }); // the same answer
    await server.latchkey.settled();
    expect(links()).toHaveLength(1);
    const open = await asker.call('POST', '/auth/email/verify', { token: tokenOf(links()[0]!) });
    expect(open.status).toBe(400);
    expect(open.body.error.code).toBe('LINK_INVALID');
  });

  it('are honoured by password sign-in: the same answer as a wrong password', async () => {
    const { server } = setup();
    const { browser } = await account(server);
    expect((await browser.call('PUT', '/auth/password', { password: PASSWORD })).status).toBe(200);
    expect((await browser.call('GET', '/auth/fallbacks')).body.passwordSet).toBe(true);
    expect((await put(browser, { password: false })).status).toBe(200);
    const signIn = () =>
      server.browser().call('POST', '/auth/password/sign-in', { email: EMAIL, password: PASSWORD });
    const refused = await signIn();
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await put(browser, { password: true })).status).toBe(200);
    expect((await signIn()).status).toBe(200);
  });
});
