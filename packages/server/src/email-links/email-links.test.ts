import { describe, expect, it } from 'vitest';
import {
  createTestServer,
  storedHash,
  type TestBrowser,
  type TestServer,
} from '../../test/harness.js';
import type { LatchkeyConfig } from '../config/latchkey-config.js';
import type { EmailMessage, EmailTransport } from '../email/email-transport.js';
import { memoryTransport } from '../email/memory-transport.js';

const EMAIL = 'ada@example.com';

function setup(config: Partial<LatchkeyConfig> = {}, transport?: EmailTransport) {
  const mailbox = memoryTransport();
  const errors: unknown[] = [];
  const server = createTestServer({
    email: { from: 'Latchkey Test <no-reply@localhost>', transport: transport ?? mailbox },
    fallbacks: { magicLink: true },
    logger: (message, error) => errors.push([message, error]),
    ...config,
  });
  return { server, mailbox, errors };
}

type Mailbox = ReturnType<typeof memoryTransport>;

/** Signs up with `email` and opens the verification link, which gives the account its address. */
async function signUp(server: TestServer, mailbox: Mailbox, email = EMAIL): Promise<void> {
  const browser = server.browser();
  expect((await browser.signUp({ email })).status).toBe(201);
  await server.latchkey.settled();
  const mail = mailbox.messages.findLast((m) => m.template === 'verifyEmail' && m.to === email);
  expect((await verify(browser, tokenOf(mail!))).body.purpose).toBe('verify');
  await browser.signOut();
}

async function askLink(server: TestServer, browser: TestBrowser, email = EMAIL) {
  const res = await browser.call('POST', '/auth/email/link-options', { email });
  await server.latchkey.settled();
  return res;
}

const signInLinks = (mailbox: ReturnType<typeof memoryTransport>, to = EMAIL) =>
  mailbox.messages.filter((m) => m.template === 'magicLink' && m.to === to);

function tokenOf(mail: EmailMessage): string {
  const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error('no link in the email');
  return token;
}

const verify = (browser: TestBrowser, token: string, extra: Record<string, unknown> = {}) =>
  browser.call('POST', '/auth/email/verify', { token, ...extra });

describe('email sign-in links', () => {
  it('are off by default: the routes answer 404 ROUTE_NOT_FOUND', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const ask = await browser.call('POST', '/auth/email/link-options', { email: EMAIL });
    expect(ask.status).toBe(404);
    expect(ask.body.error.code).toBe('ROUTE_NOT_FOUND');
    const open = await verify(browser, 'a'.repeat(43));
    expect(open.body.error.code).toBe('ROUTE_NOT_FOUND');
    // With email but without fallbacks.magicLink: no sign-in links either.
    const { server: noLinks } = setup({ fallbacks: {} });
    const res = await noLinks.browser().call('POST', '/auth/email/link-options', { email: EMAIL });
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('sign in once, in an email session that must add a passkey before anything else', async () => {
    const { server, mailbox, errors } = setup();
    await signUp(server, mailbox);
    const browser = server.browser();
    const ask = await askLink(server, browser);
    expect(ask.status).toBe(200);
    expect(ask.body).toEqual({ ok: true });
    const [mail] = signInLinks(mailbox);
    expect(mail?.from).toBe('Latchkey Test <no-reply@localhost>');
    expect(mail?.subject).toBe('Your sign-in link for Latchkey Test');
    expect(mail?.html).toContain(
      `href="http://localhost:3000/auth/email-link#token=${tokenOf(mail!)}"`,
    );
    // 256 bits of randomness, base64url.
    expect(tokenOf(mail!)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const open = await verify(browser, tokenOf(mail!));
    expect(open.status).toBe(200);
    expect(open.body.purpose).toBe('sign-in');
    expect(open.body.session.kind).toBe('email');
    expect(open.body.user).toMatchObject({ email: EMAIL, emailVerified: true });

    // The recovery rule: nothing but adding a passkey (and signing out).
    expect((await browser.call('GET', '/auth/passkeys')).body.error.code).toBe(
      'ENROLMENT_REQUIRED',
    );
    expect((await browser.call('GET', '/auth/sessions')).body.error.code).toBe(
      'ENROLMENT_REQUIRED',
    );
    expect((await browser.call('POST', '/auth/tokens', { name: 'x' })).body.error.code).toBe(
      'ENROLMENT_REQUIRED',
    );
    const gate = await server.latchkey.api.sessions.fromRequest(browser.request('GET', '/app'));
    expect(gate).toBeNull();

    // Adding a passkey needs no step-up here, and makes the session full.
    expect((await browser.signUp({}, 'This laptop')).status).toBe(201);
    expect((await browser.call('GET', '/auth/session')).body.session.kind).toBe('full');
    expect((await browser.call('GET', '/auth/passkeys')).body.passkeys).toHaveLength(2);

    // Used: the same link again does nothing.
    const again = await verify(server.browser(), tokenOf(mail!), { confirm: true });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('LINK_INVALID');
    expect(errors).toEqual([]);
  });

  it('stores only a peppered hash of the token', async () => {
    const { server, mailbox } = setup();
    await signUp(server, mailbox);
    await askLink(server, server.browser());
    const token = tokenOf(signInLinks(mailbox)[0]!);
    const now = server.clock.now;
    expect(await server.store.getEmailLink(token, now)).toBeNull();
    const link = await server.store.getEmailLink(await storedHash('link', token), now);
    expect(link).toMatchObject({ purpose: 'sign-in', email: EMAIL });
    expect(link!.expiresAt - link!.createdAt).toBe(15 * 60_000);
    expect(JSON.stringify(link)).not.toContain(token);
  });

  it('opens exactly one session when two requests race with one link', async () => {
    const { server, mailbox } = setup();
    await signUp(server, mailbox);
    const browser = server.browser();
    await askLink(server, browser);
    const token = tokenOf(signInLinks(mailbox)[0]!);
    const results = await Promise.all(Array.from({ length: 6 }, () => verify(browser, token)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.body.error?.code === 'LINK_INVALID')).toHaveLength(5);
    const user = (await server.store.getUserByEmail(EMAIL))!;
    const sessions = await server.store.listSessions(user.id);
    expect(sessions.filter((s) => s.kind === 'email')).toHaveLength(1);
  });

  it('expire after 15 minutes', async () => {
    const { server, mailbox } = setup();
    await signUp(server, mailbox);
    const browser = server.browser();
    await askLink(server, browser);
    server.clock.advance(15 * 60_000 - 1);
    await askLink(server, browser);
    const [first, second] = signInLinks(mailbox);
    // The second link still has its whole quarter hour; the first has a millisecond.
    server.clock.advance(1);
    const late = await verify(browser, tokenOf(first!));
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('LINK_INVALID');
    const fresh = await verify(browser, tokenOf(second!));
    expect(fresh.status).toBe(200);
  });

  it('are bound to the browser that asked: another browser must confirm', async () => {
    const { server, mailbox } = setup();
    await signUp(server, mailbox);
    const asker = server.browser();
    await askLink(server, asker);
    const token = tokenOf(signInLinks(mailbox)[0]!);

    const phone = server.browser({ peer: '198.51.100.9' });
    const refused = await verify(phone, token);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('LINK_CONFIRM_REQUIRED');
    expect(refused.headers.getSetCookie()).toEqual([]);
    // Not used up by the refusal: the person confirms.
    const confirmed = await verify(phone, token, { confirm: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.session.kind).toBe('email');
    // And it is gone for the browser that asked.
    expect((await verify(asker, token)).body.error.code).toBe('LINK_INVALID');
  });

  it('answer the same bytes for a known and an unknown address, and mail only the known one', async () => {
    const { server, mailbox } = setup();
    await signUp(server, mailbox);
    const known = await askLink(server, server.browser());
    const unknown = await askLink(server, server.browser(), 'nobody@example.com');
    expect(unknown.status).toBe(known.status);
    expect(JSON.stringify(unknown.body)).toBe(JSON.stringify(known.body));
    const shape = (headers: Headers) =>
      [...headers].map(([k, v]) => `${k}: ${v.replace(/=[A-Za-z0-9_-]{32}/, '=<random>')}`);
    expect(shape(unknown.headers)).toEqual(shape(known.headers));
    expect(signInLinks(mailbox)).toHaveLength(1);
    expect(mailbox.messages.filter((m) => m.to === 'nobody@example.com')).toEqual([]);
  });

  it('answer before any mail work: a stalled mail server does not hold the answer', async () => {
    const mailbox = memoryTransport();
    let stalled: Promise<void> | null = null;
    const { server } = setup(
      {},
      {
        async send(message) {
          if (stalled) await stalled;
          await mailbox.send(message);
        },
      },
    );
    await signUp(server, mailbox);
    let release!: () => void;
    stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const res = await server.browser().call('POST', '/auth/email/link-options', { email: EMAIL });
    expect(res.status).toBe(200);
    expect(signInLinks(mailbox)).toEqual([]);
    release();
    await server.latchkey.settled();
    expect(signInLinks(mailbox)).toHaveLength(1);
  });

  it('are throttled per address and per IP', async () => {
    const { server, mailbox } = setup({ rateLimit: { perIp: 5 } });
    await signUp(server, mailbox);
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await askLink(server, server.browser({ peer: `198.51.100.${i}` })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3]!.body.error.code).toBe('RATE_LIMITED');
    expect(answers[3]!.headers.get('retry-after')).toBeTruthy();
    expect(signInLinks(mailbox)).toHaveLength(3);
    // An unknown address is counted the same (no enumeration by the limit).
    const other = [];
    for (let i = 0; i < 4; i++)
      other.push(
        await askLink(server, server.browser({ peer: `198.51.100.${i}` }), 'x@example.com'),
      );
    expect(other.map((a) => a.status)).toEqual([200, 200, 200, 429]);

    const ip = server.browser({ peer: '192.0.2.50' });
    const perIp = [];
    for (let i = 0; i < 6; i++) perIp.push((await askLink(server, ip, `n${i}@example.com`)).status);
    expect(perIp).toEqual([200, 200, 200, 200, 200, 429]);
    // A minute later the window has passed.
    server.clock.advance(60_000);
    expect((await askLink(server, ip, 'later@example.com')).status).toBe(200);
  });

  it('send at most 10 emails an hour to one address, however many IPs ask', async () => {
    const { server, mailbox } = setup();
    await signUp(server, mailbox);
    const statuses: number[] = [];
    for (let minute = 0; minute < 5; minute++) {
      for (let i = 0; i < 3; i++) {
        const browser = server.browser({ peer: `198.51.${minute}.${i}` });
        statuses.push((await askLink(server, browser)).status);
      }
      server.clock.advance(61_000);
    }
    // The sign-up's verification email was the first of the hour's ten.
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    expect(statuses.slice(9).every((s) => s === 429)).toBe(true);
    expect(signInLinks(mailbox)).toHaveLength(9);
    server.clock.advance(3600_000);
    expect((await askLink(server, server.browser({ peer: '203.0.113.99' }))).status).toBe(200);
  });

  it('refuse junk and unknown tokens with one code', async () => {
    const { server } = setup();
    const browser = server.browser();
    const junk = await verify(browser, 'short');
    expect(junk.body.error.code).toBe('INVALID_BODY');
    const unknown = await verify(browser, 'A'.repeat(43), { confirm: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('LINK_INVALID');
  });

  it('leave nothing half done: a locked account without a device key keeps its link', async () => {
    const { server, mailbox } = setup();
    await signUp(server, mailbox);
    const user = (await server.store.getUserByEmail(EMAIL))!;
    await server.store.updateUser(user.id, { tier: 'locked' });
    const browser = server.browser();
    await askLink(server, browser);
    const token = tokenOf(signInLinks(mailbox)[0]!);
    const refused = await verify(browser, token);
    expect(refused.body.error.code).toBe('POP_REQUIRED');
    expect(refused.headers.getSetCookie().filter((c) => !/Max-Age=0/.test(c))).toEqual([]);
    expect(await server.store.listSessions(user.id)).toEqual([]);
    const link = await server.store.getEmailLink(await storedHash('link', token), server.clock.now);
    expect(link).not.toBeNull();
  });

  it('do not sign in once the deployment turns them off', async () => {
    const mailbox = memoryTransport();
    const email = { from: 'a@localhost', transport: mailbox };
    const store = (await import('../stores/memory/memory-store.js')).memoryStore();
    const on = createTestServer({ email, fallbacks: { magicLink: true } }, store);
    await signUp(on, mailbox);
    await askLink(on, on.browser());
    const off = createTestServer({ email }, store);
    const res = await verify(off.browser(), tokenOf(signInLinks(mailbox)[0]!), { confirm: true });
    expect(res.body.error.code).toBe('LINK_INVALID');
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('email sign-in links: timing', () => {
  it('known and unknown addresses take the same time to answer (medians over 200 interleaved asks)', async () => {
    const { server, mailbox } = setup({ rateLimit: false });
    await signUp(server, mailbox);
    const browser = server.browser();
    const ask = async (email: string) => {
      const request = browser.request('POST', '/auth/email/link-options', { email });
      const start = performance.now();
      const response = await server.latchkey.handler(request, { remoteAddress: '203.0.113.7' });
      await response.arrayBuffer();
      const took = performance.now() - start;
      expect(response.status).toBe(200);
      // The mail work runs after the answer; let it finish outside the measure.
      await server.latchkey.settled();
      return took;
    };
    for (let i = 0; i < 20; i++) {
      await ask(EMAIL);
      await ask(`warm-${i}@example.com`);
    }
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 200; i++) {
      const other = `nobody-${i}@example.com`;
      if (i % 2) {
        known.push(await ask(EMAIL));
        unknown.push(await ask(other));
      } else {
        unknown.push(await ask(other));
        known.push(await ask(EMAIL));
      }
    }
    const a = median(known);
    const b = median(unknown);
    expect(Math.abs(a - b), `known ${a.toFixed(3)} ms, unknown ${b.toFixed(3)} ms`).toBeLessThan(
      0.3 * Math.min(a, b) + 0.1,
    );
  }, 60_000);
});
