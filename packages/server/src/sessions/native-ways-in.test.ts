import { describe, expect, it } from 'vitest';
import { deviceKey } from '../../test/device-key.js';
import { type Answer, ORIGIN, type TestBrowser, type TestServer } from '../../test/harness.js';
import { NativeApp, nativeServer } from '../../test/native-app.js';
import type { EmailMessage } from '../email/email-transport.js';
import { memoryTransport } from '../email/memory-transport.js';

/** A bearer answer: the token in the header (and the body's session), no cookie at all. */
function expectBearer(res: Answer, app: NativeApp) {
  expect(res.headers.getSetCookie()).toEqual([]);
  expect(app.token).toMatch(/^lks_[A-Za-z0-9_-]{43}$/);
  if (res.body.session) expect(res.body.session.token).toBe(app.token);
}

/** A browser answer: the HttpOnly session cookie, no token anywhere. */
function expectCookie(res: Answer) {
  expect(res.headers.get('latchkey-session-token')).toBeNull();
  expect(res.headers.getSetCookie().some((c) => /^latchkey=.+; HttpOnly/.test(c))).toBe(true);
  if (res.body.session) expect(res.body.session).not.toHaveProperty('token');
}

/** A person with a passkey and recovery codes, signed in on the web. */
async function person(server: TestServer) {
  const browser = server.browser();
  const res = await browser.signUp({ email: 'ada@example.com' });
  expect(res.status).toBe(201);
  return { browser, codes: res.body.recoveryCodes as string[] };
}

describe('native apps: recovery codes', () => {
  it('answers a native app a bearer session and a browser the cookie', async () => {
    const { server, app } = nativeServer();
    const { codes } = await person(server);
    const res = await app.send('POST', '/auth/recovery', { code: codes[0] });
    expect(res.status).toBe(200);
    expectBearer(res, app);
    expect((await app.call('GET', '/auth/session')).body.session.kind).toBe('recovery');

    const lost = server.browser();
    const web = await lost.call('POST', '/auth/recovery', { code: codes[1] });
    expect(web.status).toBe(200);
    expectCookie(web);
  });

  it('refuses the header from a browser page before the code is used', async () => {
    const { server } = nativeServer();
    const { codes } = await person(server);
    const page = server.browser();
    const res = await page.call(
      'POST',
      '/auth/recovery',
      { code: codes[0] },
      { 'latchkey-pre-session': 'new' },
    );
    expect([res.status, res.body.error.code]).toEqual([400, 'INVALID_PARAMS']);
    expect(res.headers.get('latchkey-session-token')).toBeNull();
    // `Sec-Fetch-Site` gives a page away as well, with or without `Origin`.
    const app = new NativeApp(server);
    const fetched = await app.send(
      'POST',
      '/auth/recovery',
      { code: codes[0] },
      { 'sec-fetch-site': 'same-origin' },
    );
    expect(fetched.body.error.code).toBe('INVALID_PARAMS');
    expect(app.token).toBeNull();
    expectCookie(await page.call('POST', '/auth/recovery', { code: codes[0] }));
  });

  it('lets the recovery session enrol the app’s own passkey, rotating the token', async () => {
    const { server, app } = nativeServer();
    const { codes } = await person(server);
    await app.send('POST', '/auth/recovery', { code: codes[0] });
    const recovery = app.token!;
    const asked = await app.call('POST', '/auth/passkeys/register-options', {});
    const response = await app.authenticator.register(asked.body.options);
    const enrolled = await app.call('POST', '/auth/passkeys/register', { response });
    expect(enrolled.status).toBe(201);
    expect(enrolled.headers.getSetCookie()).toEqual([]);
    app.token = enrolled.headers.get('latchkey-session-token');
    expect(app.token).toMatch(/^lks_/);
    expect(app.token).not.toBe(recovery);
    expect((await app.call('GET', '/auth/session')).body.session.kind).toBe('full');
  });
});

describe('native apps: email sign-in links', () => {
  function setup() {
    const mailbox = memoryTransport();
    const { server, app } = nativeServer({
      email: { from: 'Latchkey Test <no-reply@localhost>', transport: mailbox },
      fallbacks: { magicLink: true },
    });
    const tokenOf = (mail: EmailMessage | undefined) =>
      /#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
    const mail = (template: string) =>
      tokenOf(mailbox.messages.findLast((m) => m.template === template));
    const link = () => mail('magicLink');
    /** An account whose address is verified (the sign-up's verification link opened). */
    const account = async () => {
      const browser = server.browser();
      await browser.signUp({ email: 'ada@example.com' });
      await server.latchkey.settled();
      const opened = await browser.call('POST', '/auth/email/verify', {
        token: mail('verifyEmail'),
      });
      expect(opened.body.purpose).toBe('verify');
      await browser.signOut();
    };
    return { server, app, link, account };
  }

  it('binds the link to the app’s pre-session and opens it as a bearer session', async () => {
    const { server, app, link, account } = setup();
    await account();
    const asked = await app.send('POST', '/auth/email/link-options', { email: 'ada@example.com' });
    expect(asked.status).toBe(200);
    expect(asked.headers.getSetCookie()).toEqual([]);
    expect(app.pre).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await server.latchkey.settled();
    const token = link();

    // Another app (no pre-session of its own yet) must confirm, and cannot reuse `new` to skip it.
    const other = new NativeApp(server);
    const elsewhere = await other.call(
      'POST',
      '/auth/email/verify',
      { token },
      { 'latchkey-pre-session': 'x'.repeat(32) },
    );
    expect(elsewhere.body.error.code).toBe('LINK_CONFIRM_REQUIRED');
    const unbound = await other.send('POST', '/auth/email/verify', { token });
    expect(unbound.body.error.code).toBe('INVALID_PARAMS');

    const opened = await app.send('POST', '/auth/email/verify', { token });
    expect(opened.status).toBe(200);
    expect(opened.body.purpose).toBe('sign-in');
    expectBearer(opened, app);
    expect((await app.call('GET', '/auth/session')).body.session.kind).toBe('email');
  });

  it('opens a link asked for on the web with confirm: true, still as a bearer', async () => {
    const { server, app, link, account } = setup();
    await account();
    const browser = server.browser();
    await browser.call('POST', '/auth/email/link-options', { email: 'ada@example.com' });
    await server.latchkey.settled();
    const opened = await app.send('POST', '/auth/email/verify', { token: link(), confirm: true });
    expect(opened.status).toBe(200);
    expectBearer(opened, app);
    // The browser that asked, on its own next link, still gets its cookie.
    await browser.call('POST', '/auth/email/link-options', { email: 'ada@example.com' });
    await server.latchkey.settled();
    expectCookie(await browser.call('POST', '/auth/email/verify', { token: link() }));
  });
});

describe('native apps: pairing', () => {
  async function approve(trusted: TestBrowser, code: string) {
    await trusted.stepUp();
    expect((await trusted.call('POST', '/auth/pairing/approve', { code })).status).toBe(200);
  }

  it('pairs an app by its pre-session and hands it an enrol-only bearer session', async () => {
    const { server, app } = nativeServer();
    const { browser } = await person(server);
    const asked = await app.send('POST', '/auth/pairing', { deviceName: 'Pixel' });
    expect(asked.status).toBe(201);
    expect(asked.headers.getSetCookie()).toEqual([]);
    expect(app.pre).not.toBeNull();
    const status = `/auth/pairing/${asked.body.pairingId}`;
    expect((await app.send('GET', status)).body).toEqual({ status: 'pending' });
    // Someone else's pre-session does not collect it.
    const other = new NativeApp(server);
    const guess = await other.call('GET', status, undefined, {
      'latchkey-pre-session': 'y'.repeat(32),
    });
    expect(guess.body.error.code).toBe('NOT_FOUND');

    await approve(browser, asked.body.code);
    const collected = await app.send('GET', status);
    expect(collected.body).toEqual({ status: 'approved' });
    expectBearer(collected, app);
    expect((await app.call('GET', '/auth/session')).body.session.kind).toBe('enrol');
  });

  it('never hands a browser’s pairing out as a bearer, and never starts one from a page', async () => {
    const { server } = nativeServer();
    const { browser } = await person(server);
    const newcomer = server.browser({ peer: '192.168.1.44' });
    // A page's script cannot start the header path: `Origin` is on every POST.
    const fromPage = await newcomer.call(
      'POST',
      '/auth/pairing',
      {},
      { 'latchkey-pre-session': 'new' },
    );
    expect([fromPage.status, fromPage.body.error.code]).toEqual([400, 'INVALID_PARAMS']);

    const asked = await newcomer.call('POST', '/auth/pairing', {});
    await approve(browser, asked.body.code);
    const status = `/auth/pairing/${asked.body.pairingId}`;
    // A same-origin GET from an old browser carries no `Origin` nor `Sec-Fetch-Site`;
    // a script adding the header to it still collects nothing, the cookie notwithstanding.
    const cookie = [...newcomer.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const script = new NativeApp(server);
    const sneaky = await script.send('GET', status, undefined, {
      cookie,
      'latchkey-pre-session': 'z'.repeat(32),
    });
    expect(sneaky.body.error.code).toBe('NOT_FOUND');
    expect(script.token).toBeNull();
    const collected = await newcomer.call('GET', status);
    expect(collected.body).toEqual({ status: 'approved' });
    expectCookie(collected);
  });
});

describe('native apps: handoff', () => {
  it('hands an app’s session to the website, and the website’s to the app', async () => {
    const { server, app } = nativeServer();
    await app.signUp();
    // App → web: the app makes the link, the browser opens it and gets its cookie.
    const made = await app.call('POST', '/auth/handoff', { audience: ORIGIN });
    expect(made.status).toBe(200);
    const browser = server.browser();
    const web = await browser.call('POST', '/auth/handoff/exchange', { token: made.body.token });
    expect(web.status).toBe(200);
    expectCookie(web);

    // Web → app: the signed-in website makes a link the app opens (an App Link).
    const link = await browser.call('POST', '/auth/handoff', { audience: ORIGIN });
    const other = new NativeApp(server);
    const opened = await other.send('POST', '/auth/handoff/exchange', { token: link.body.token });
    expect(opened.status).toBe(200);
    expectBearer(opened, other);
    expect((await other.call('GET', '/auth/session')).body.user.email).toBe('ada@example.com');
  });
});

describe('native apps: locked sessions', () => {
  async function lockedApp() {
    const { server, app } = nativeServer({ pop: { maxAge: 60 } });
    await app.signUp();
    app.token = null;
    app.pre = null;
    const key = await deviceKey();
    const options = await app.options('/auth/passkeys/auth-options');
    const response = await app.authenticator.authenticate(options);
    const res = await app.finish('/auth/passkeys/authenticate', { response, popKey: key.popKey });
    expect(res.body.session.locked).toBe(true);
    return { server, app, key };
  }

  it('refuses a copied bearer token without the request proof, and takes it with one', async () => {
    const { server, app, key } = await lockedApp();
    const thief = new NativeApp(server);
    thief.token = app.token;
    const bare = await thief.call('GET', '/auth/passkeys');
    expect([bare.status, bare.body.error.code]).toEqual([401, 'POP_REQUIRED']);
    expect((await thief.call('GET', '/auth/session')).body.user).toBeNull();

    const proof = await key.proof('GET', '/auth/passkeys', server.clock.now);
    const signed = await app.call('GET', '/auth/passkeys', undefined, proof);
    expect(signed.status).toBe(200);
    // One proof, one request: the thief cannot replay what it saw.
    const replayed = await thief.call('GET', '/auth/passkeys', undefined, proof);
    expect(replayed.body.error.code).toBe('POP_INVALID');
    const forged = await thief.call(
      'GET',
      '/auth/passkeys',
      undefined,
      await (await deviceKey()).proof('GET', '/auth/passkeys', server.clock.now),
    );
    expect(forged.body.error.code).toBe('POP_INVALID');
  });

  it('gives a bearer no page-load grace at the gate: the periodic proof is for cookies', async () => {
    const { server, app, key } = await lockedApp();
    const gate = server.latchkey.gate({ loopbackBypass: false, originGrace: false });
    const page = (headers: Record<string, string> = {}) =>
      new Request(`${ORIGIN}/dashboard`, {
        headers: { accept: 'text/html', authorization: `Bearer ${app.token}`, ...headers },
      });
    // The session proved a moment ago (at sign-in), yet a copied token asking for HTML is refused.
    const copied = await gate.check(page());
    expect(copied.ok).toBe(false);
    if (!copied.ok) expect(((await copied.response.json()) as any).error.code).toBe('POP_REQUIRED');
    const proven = await gate.check(page(await key.proof('GET', '/dashboard', server.clock.now)));
    expect(proven.ok && proven.via).toBe('session');
  });

  it('binds a recovery session to the app’s key too', async () => {
    const { server, app } = nativeServer();
    const { codes } = await person(server);
    const key = await deviceKey();
    const res = await app.send('POST', '/auth/recovery', { code: codes[0], popKey: key.popKey });
    expect(res.body.session.locked).toBe(true);
    const bare = await app.call('GET', '/auth/session');
    expect(bare.body.user).toBeNull();
    const proof = await key.proof('GET', '/auth/session', server.clock.now);
    expect((await app.call('GET', '/auth/session', undefined, proof)).body.session.kind).toBe(
      'recovery',
    );
  });
});
