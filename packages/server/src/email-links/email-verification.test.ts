import { describe, expect, it } from 'vitest';
import { createTestServer, type TestBrowser, type TestServer } from '../../test/harness.js';
import type { EmailMessage } from '../email/email-transport.js';
import { memoryTransport } from '../email/memory-transport.js';
import { memoryStore } from '../stores/memory/memory-store.js';

const EMAIL = 'ada@example.com';

function setup(store = memoryStore()) {
  const mailbox = memoryTransport();
  const errors: unknown[] = [];
  const server = createTestServer(
    {
      email: { from: 'Latchkey Test <no-reply@localhost>', transport: mailbox },
      fallbacks: { magicLink: true },
      logger: (message, error) => errors.push([message, error]),
    },
    store,
  );
  return { server, mailbox, errors };
}

function tokenOf(mail: EmailMessage | undefined): string {
  const token = mail && /#token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error('no link in the email');
  return token;
}

const verify = (browser: TestBrowser, token: string, extra: Record<string, unknown> = {}) =>
  browser.call('POST', '/auth/email/verify', { token, ...extra });

async function signUp(server: TestServer, browser: TestBrowser, email = EMAIL) {
  const res = await browser.signUp({ email });
  await server.latchkey.settled();
  return res;
}

const userIdOf = async (browser: TestBrowser) =>
  (await browser.call('GET', '/auth/session')).body.user.id as string;

describe('email verification at sign-up', () => {
  it('sends a link that gives the account its address, verified, and signs no one in', async () => {
    const { server, mailbox, errors } = setup();
    const browser = server.browser();
    expect((await signUp(server, browser)).status).toBe(201);
    const before = (await browser.call('GET', '/auth/session')).body.user;
    expect(before).toMatchObject({ email: null, emailVerified: false });
    expect(await server.store.getUserByEmail(EMAIL)).toBeNull();

    const mails = mailbox.messages.filter((m) => m.to === EMAIL);
    expect(mails.map((m) => m.template)).toEqual(['verifyEmail']);
    expect(mails[0]!.subject).toBe('Confirm your email for Latchkey Test');
    expect(mails[0]!.html).toContain('Confirm my email');

    // Opened anywhere (a phone's mail app): it signs no one in, so it needs no confirmation.
    const phone = server.browser({ peer: '198.51.100.2' });
    const opened = await verify(phone, tokenOf(mails[0]));
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({
      purpose: 'verify',
      session: null,
      user: { id: before.id, email: EMAIL, emailVerified: true },
    });
    expect(opened.headers.getSetCookie()).toEqual([]);
    expect((await phone.call('GET', '/auth/session')).body.user).toBeNull();
    expect((await server.store.getUserByEmail(EMAIL))?.id).toBe(before.id);

    const again = await verify(phone, tokenOf(mails[0]));
    expect(again.body.error.code).toBe('LINK_INVALID');
    expect(errors).toEqual([]);
  });

  it('answers a sign-up with a taken address like any other, tells the owner, and never gives the address away', async () => {
    const { server, mailbox, errors } = setup();
    const owner = server.browser();
    await signUp(server, owner);
    await verify(owner, tokenOf(mailbox.messages[0]));
    const ownerId = await userIdOf(owner);

    const fresh = server.browser({ peer: '198.51.100.3' });
    const other = server.browser({ peer: '198.51.100.4' });
    const freshOptions = await fresh.call('POST', '/auth/passkeys/register-options', {
      email: 'grace@example.com',
    });
    const takenOptions = await other.call('POST', '/auth/passkeys/register-options', {
      email: EMAIL,
    });
    expect(takenOptions.status).toBe(freshOptions.status);
    expect(Object.keys(takenOptions.body.options).sort()).toEqual(
      Object.keys(freshOptions.body.options).sort(),
    );

    const a = await signUp(server, fresh, 'grace@example.com');
    const b = await signUp(server, other, EMAIL);
    const shape = (res: typeof a) => ({
      status: res.status,
      keys: Object.keys(res.body).sort(),
      codes: res.body.recoveryCodes.length,
      cookies: res.headers.getSetCookie().map((c) => c.replace(/=[^;]*/, '=<value>')),
    });
    expect(shape(b)).toEqual(shape(a));
    expect((await other.call('GET', '/auth/session')).body.user).toMatchObject({
      email: null,
      emailVerified: false,
    });

    // The owner hears of it; the newcomer gets no link to claim the address.
    const toOwner = mailbox.messages.filter((m) => m.to === EMAIL).map((m) => m.template);
    expect(toOwner).toEqual(['verifyEmail', 'signUpAttempt']);
    const attempt = mailbox.messages.find((m) => m.template === 'signUpAttempt')!;
    expect(attempt.text).toContain('sign in instead');
    expect(attempt.text).toContain('http://localhost:3000/');
    expect((await server.store.getUserByEmail(EMAIL))?.id).toBe(ownerId);
    expect(errors).toEqual([]);
  });

  it('tells an address’s owner of sign-up attempts at most 10 times an hour', async () => {
    const { server, mailbox } = setup();
    const owner = server.browser();
    await signUp(server, owner);
    await verify(owner, tokenOf(mailbox.messages[0]));
    for (let i = 0; i < 12; i++) {
      const res = await signUp(server, server.browser({ peer: `198.51.100.${i}` }));
      expect(res.status).toBe(201);
    }
    // The verification email was the first of the hour's ten.
    expect(mailbox.messages.filter((m) => m.template === 'signUpAttempt')).toHaveLength(9);
  });

  it('gives a contested address to the first account whose link is opened', async () => {
    const { server, mailbox } = setup();
    const first = server.browser({ peer: '198.51.100.5' });
    const second = server.browser({ peer: '198.51.100.6' });
    await signUp(server, first);
    await signUp(server, second);
    const [linkA, linkB] = mailbox.messages.filter((m) => m.template === 'verifyEmail');
    expect((await verify(second, tokenOf(linkB))).body.user.email).toBe(EMAIL);
    const late = await verify(first, tokenOf(linkA));
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('LINK_INVALID');
    expect((await first.call('GET', '/auth/session')).body.user.email).toBeNull();
    expect((await server.store.getUserByEmail(EMAIL))?.id).toBe(await userIdOf(second));
  });

  it('marks an older account verified on its first sign-in by link', async () => {
    const store = memoryStore();
    // Made before email was set up: the address is on the account, not verified.
    const before = createTestServer({}, store);
    const browser = before.browser();
    await browser.signUp({ email: EMAIL });
    expect((await browser.call('GET', '/auth/session')).body.user).toMatchObject({
      email: EMAIL,
      emailVerified: false,
    });
    await browser.signOut();

    const { server, mailbox } = setup(store);
    const asker = server.browser();
    await asker.call('POST', '/auth/email/link-options', { email: EMAIL });
    await server.latchkey.settled();
    const link = mailbox.messages.find((m) => m.template === 'magicLink');
    const res = await verify(asker, tokenOf(link));
    expect(res.body.user).toMatchObject({ email: EMAIL, emailVerified: true });
    expect((await store.getUserByEmail(EMAIL))?.emailVerified).toBe(true);
  });
});
