import { describe, expect, it } from 'vitest';
import { createTestServer, ORIGIN, type TestBrowser } from '../../test/harness.js';
import { memoryStore } from '../stores/memory/memory-store.js';

const TUNNEL = 'https://alice-box.tunnel.example';

/** Two instances (a loopback one and a tunnel one) sharing one store, as a self-hosted tool runs. */
async function twoOrigins() {
  const store = memoryStore();
  const local = createTestServer({ origins: [ORIGIN, TUNNEL] }, store);
  const tunnel = createTestServer({ origins: [TUNNEL, ORIGIN] }, store);
  const browser = local.browser();
  expect((await browser.signUp({ email: 'ada@example.com' })).status).toBe(201);
  const there = tunnel.browser({ origin: TUNNEL });
  return { store, local, tunnel, browser, there };
}

async function handoff(browser: TestBrowser, audience = TUNNEL) {
  const res = await browser.call('POST', '/auth/handoff', { audience });
  expect(res.status).toBe(200);
  return res.body as { token: string; url: string; expiresAt: string };
}

describe('handoff to another origin', () => {
  it('trades a 60-second token for a session on the target origin', async () => {
    const { local, browser, there } = await twoOrigins();
    const me = (await browser.call('GET', '/auth/session')).body.user;
    const answer = await handoff(browser);
    expect(answer.url).toBe(`${TUNNEL}/#latchkey-handoff=${answer.token}`);
    expect(answer.expiresAt).toBe(new Date(local.clock.now + 60_000).toISOString());

    const res = await there.call('POST', '/auth/handoff/exchange', { token: answer.token });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual(me);
    expect(res.body.session.kind).toBe('full');
    // Its own cookie, for the https origin: __Host- and Secure.
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-latchkey='));
    expect(cookie).toMatch(/; Secure/);
    const session = await there.call('GET', '/auth/session');
    expect(session.body.user.id).toBe(me.id);

    const events = await local.latchkey.api.audit.list();
    expect(events.find((e) => e.type === 'handoff.issued')?.data).toMatchObject({
      audience: TUNNEL,
    });
    expect(events.find((e) => e.type === 'handoff.exchanged')?.data).toMatchObject({
      origin: TUNNEL,
    });
  });

  it('works once: a second use fails', async () => {
    const { browser, there, tunnel } = await twoOrigins();
    const { token } = await handoff(browser);
    expect((await there.call('POST', '/auth/handoff/exchange', { token })).status).toBe(200);
    const again = tunnel.browser({ origin: TUNNEL });
    const res = await again.call('POST', '/auth/handoff/exchange', { token });
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      code: 'HANDOFF_INVALID',
      message: 'This handoff link was already used',
    });
    expect(again.cookies.size).toBe(0);
  });

  it('gives exactly one session to concurrent uses of one token', async () => {
    const { browser, tunnel } = await twoOrigins();
    const { token } = await handoff(browser);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        tunnel.browser({ origin: TUNNEL }).call('POST', '/auth/handoff/exchange', { token }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
  });

  it('fails after 60 seconds', async () => {
    const { browser, there, tunnel } = await twoOrigins();
    const { token } = await handoff(browser);
    tunnel.clock.advance(60_001);
    const res = await there.call('POST', '/auth/handoff/exchange', { token });
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      code: 'HANDOFF_INVALID',
      message: 'This handoff link has expired',
    });
  });

  it('fails on any origin but its audience', async () => {
    const { browser, local } = await twoOrigins();
    const { token } = await handoff(browser);
    const elsewhere = local.browser();
    const res = await elsewhere.call('POST', '/auth/handoff/exchange', { token });
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      code: 'HANDOFF_INVALID',
      message: 'This handoff link is for another origin',
    });
  });

  it('refuses an audience the deployment does not serve', async () => {
    const { browser } = await twoOrigins();
    const res = await browser.call('POST', '/auth/handoff', { audience: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('does not accept an access JWT or garbage in place of a handoff token', async () => {
    const { browser, there } = await twoOrigins();
    const jwt = (await browser.call('POST', '/auth/jwt', { audience: TUNNEL })).body.token;
    const res = await there.call('POST', '/auth/handoff/exchange', { token: jwt });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('HANDOFF_INVALID');
    const junk = await there.call('POST', '/auth/handoff/exchange', { token: 'x'.repeat(40) });
    expect(junk.body.error.code).toBe('HANDOFF_INVALID');
  });

  it('is cancelled when the session that made it ends first', async () => {
    const { browser, there } = await twoOrigins();
    const { token } = await handoff(browser);
    expect((await browser.signOut()).status).toBe(200);
    const res = await there.call('POST', '/auth/handoff/exchange', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('The session that made this link has ended');
  });

  it('binds a locked account’s new session to the target browser’s device key', async () => {
    const { store, browser, there } = await twoOrigins();
    const user = (await store.getUserByEmail('ada@example.com'))!;
    await store.updateUser(user.id, { tier: 'locked' });
    // A script in the page could ask for a link and open it on its own device:
    // minting one for a locked account needs a fresh passkey confirmation.
    const unconfirmed = await browser.call('POST', '/auth/handoff', { audience: TUNNEL });
    expect([unconfirmed.status, unconfirmed.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    await browser.stepUp();
    const answer = await handoff(browser);
    const without = await there.call('POST', '/auth/handoff/exchange', { token: answer.token });
    expect([without.status, without.body.error.code]).toEqual([401, 'POP_REQUIRED']);
    // Refused before the link was used up: the page can retry with its key.
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
    ]);
    const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const popKey = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
    const res = await there.call('POST', '/auth/handoff/exchange', { token: answer.token, popKey });
    expect(res.status).toBe(200);
    expect(res.body.session.locked).toBe(true);
  });

  it('needs a browser session to issue one', async () => {
    const { local, browser } = await twoOrigins();
    const anonymous = local.browser();
    const res = await anonymous.call('POST', '/auth/handoff', { audience: TUNNEL });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');

    await browser.stepUp();
    const { token } = (
      await browser.call('POST', '/auth/tokens', { name: 'cli', scopes: ['admin'] })
    ).body;
    expect(token).toMatch(/^lk_/);
    const viaToken = await local.latchkey.handler(
      new Request(`${ORIGIN}/auth/handoff`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ audience: TUNNEL }),
      }),
    );
    expect(viaToken.status).toBe(401);
  });
  it('finding E: never silently replaces this browser’s session of another user', async () => {
    const { store, tunnel, browser, there } = await twoOrigins();
    // The victim, Bob, is signed in on the tunnel origin in this browser.
    const bob = tunnel.browser({ origin: TUNNEL });
    expect((await bob.signUp({ email: 'bob@example.com' })).status).toBe(201);
    for (const [name, value] of bob.cookies) there.cookies.set(name, value);
    const bobId = (await there.call('GET', '/auth/session')).body.user.id;
    // Ada (the attacker here) mints a link and gets Bob to open it.
    const { token } = await handoff(browser);

    const refused = await there.call('POST', '/auth/handoff/exchange', { token });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'SESSION_CONFLICT']);
    expect((await there.call('GET', '/auth/session')).body.user.id).toBe(bobId);
    expect((await store.listSessions(bobId)).length).toBe(1);

    // The landing page names the account without using the link up…
    const preview = await there.call('POST', '/auth/handoff/preview', { token });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      user: { email: 'ada@example.com' },
      conflict: true,
    });
    expect((await there.call('GET', '/auth/session')).body.user.id).toBe(bobId);

    // …and only after the person chose "Continue as ada@example.com" sends `replace`.
    const replaced = await there.call('POST', '/auth/handoff/exchange', { token, replace: true });
    expect(replaced.status).toBe(200);
    expect(replaced.body.user.email).toBe('ada@example.com');
    expect((await store.listSessions(bobId)).length).toBe(0);
    const events = await tunnel.latchkey.api.audit.list();
    expect(events.find((e) => e.type === 'handoff.exchanged')?.data).toMatchObject({
      replaced: true,
    });
  });

  it('finding E: a browser with no session, or one of the same user, exchanges directly', async () => {
    const { browser, there } = await twoOrigins();
    const first = await handoff(browser);
    const preview = await there.call('POST', '/auth/handoff/preview', { token: first.token });
    expect(preview.body).toMatchObject({ user: { email: 'ada@example.com' }, conflict: false });
    expect(
      (await there.call('POST', '/auth/handoff/exchange', { token: first.token })).status,
    ).toBe(200);
    // Signed in there as Ada already: a second link of Ada's is no conflict.
    const second = await handoff(browser);
    expect(
      (await there.call('POST', '/auth/handoff/preview', { token: second.token })).body.conflict,
    ).toBe(false);
    expect(
      (await there.call('POST', '/auth/handoff/exchange', { token: second.token })).status,
    ).toBe(200);
    // A preview checks the link like an exchange does, and never uses it up.
    const bad = await there.call('POST', '/auth/handoff/preview', { token: 'x'.repeat(40) });
    expect([bad.status, bad.body.error.code]).toEqual([401, 'HANDOFF_INVALID']);
    const used = await there.call('POST', '/auth/handoff/preview', { token: first.token });
    expect(used.status).toBe(200);
  });

  it('finding L: a handed-off session ends when its source would have', async () => {
    const { local, tunnel, browser } = await twoOrigins();
    const day = 24 * 3600_000;
    const sourceEnds = Date.parse(
      (await browser.call('GET', '/auth/session')).body.session.expiresAt,
    );
    // Twenty days in (kept alive by use), bounce to the tunnel and back again.
    for (let i = 0; i < 20; i++) {
      local.clock.advance(day);
      tunnel.clock.advance(day);
      expect((await browser.call('GET', '/auth/session')).body.user).not.toBeNull();
    }
    const there = tunnel.browser({ origin: TUNNEL });
    const out = await there.call('POST', '/auth/handoff/exchange', {
      token: (await handoff(browser)).token,
    });
    expect(out.status).toBe(200);
    expect(Date.parse(out.body.session.expiresAt)).toBe(sourceEnds);
    const cookie = out.headers.getSetCookie().find((c) => c.startsWith('__Host-latchkey='));
    expect(cookie).toContain(`Max-Age=${Math.floor((sourceEnds - tunnel.clock.now) / 1000)}`);

    const back = local.browser();
    const res = await back.call('POST', '/auth/handoff/exchange', {
      token: (await handoff(there, ORIGIN)).token,
    });
    expect(Date.parse(res.body.session.expiresAt)).toBe(sourceEnds);
    // Past the first session's end, every copy has ended.
    local.clock.advance(sourceEnds - local.clock.now);
    tunnel.clock.advance(sourceEnds - tunnel.clock.now);
    expect((await back.call('GET', '/auth/session')).body.user).toBeNull();
    expect((await there.call('GET', '/auth/session')).body.user).toBeNull();
  });
});
