import { describe, expect, it } from 'vitest';
import { createTestServer, storedHash } from '../../test/harness.js';

const DAY = 86_400_000;

describe('sessions', () => {
  it('sets an HttpOnly SameSite=Lax cookie, plain on http', async () => {
    const browser = createTestServer().browser();
    const res = await browser.signUp();
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('latchkey='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('uses the __Host- prefix and Secure on https', async () => {
    const server = createTestServer({ origins: ['https://app.example'] });
    const browser = server.browser({ origin: 'https://app.example' });
    const res = await browser.signUp();
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-latchkey='))!;
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/Path=\/;/);
    expect(cookie).not.toMatch(/Domain=/);
  });

  it('stores only the hash of the session id', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp();
    const secret = browser.cookies.get('latchkey')!;
    expect(await server.store.getSessionBySecretHash(secret)).toBeNull();
    const record = await server.store.getSessionBySecretHash(await storedHash('session', secret));
    expect(record).not.toBeNull();
    expect(JSON.stringify(record)).not.toContain(secret);
  });

  it('ends at the absolute expiry even when used every day', async () => {
    const server = createTestServer({ session: { ttl: 3 * 86_400, idleTtl: 2 * 86_400 } });
    const browser = server.browser();
    await browser.signUp();
    for (let day = 0; day < 2; day++) {
      server.clock.advance(DAY);
      expect((await browser.call('GET', '/auth/session')).body.user).not.toBeNull();
    }
    server.clock.advance(DAY);
    expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
  });

  it('ends after the idle timeout', async () => {
    const server = createTestServer({ session: { idleTtl: 3600 } });
    const browser = server.browser();
    await browser.signUp();
    server.clock.advance(3_599_000);
    expect((await browser.call('GET', '/auth/session')).body.user).not.toBeNull();
    server.clock.advance(3_599_000);
    expect((await browser.call('GET', '/auth/session')).body.user).not.toBeNull();
    server.clock.advance(3_600_001);
    expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
  });

  it('rotates the id on sign-in: the old cookie stops working', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp();
    const before = browser.cookies.get('latchkey')!;
    await browser.signIn();
    const after = browser.cookies.get('latchkey')!;
    expect(after).not.toBe(before);
    const stale = await browser.call('GET', '/auth/session', undefined, {
      cookie: `latchkey=${before}`,
    });
    expect(stale.body.user).toBeNull();
  });

  it('rotates the id on elevation', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp();
    const before = browser.cookies.get('latchkey')!;
    const res = await browser.stepUp();
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.elevatedUntil)).toBe(server.clock.now + 300_000);
    expect(browser.cookies.get('latchkey')).not.toBe(before);
    const stale = await browser.call('GET', '/auth/session', undefined, {
      cookie: `latchkey=${before}`,
    });
    expect(stale.body.user).toBeNull();
  });

  it('lists the sessions with device, ip and the current one marked', async () => {
    const server = createTestServer();
    const laptop = server.browser();
    await laptop.signUp({ email: 'ada@example.com' });
    const phone = server.browser({
      authenticator: laptop.authenticator,
      peer: '198.51.100.4',
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    });
    await phone.signIn({ email: 'ada@example.com' });
    const list = (await laptop.call('GET', '/auth/sessions')).body.sessions;
    expect(list).toHaveLength(2);
    expect(list.find((s: { current: boolean }) => s.current).device).toMatchObject({
      browser: 'Chrome',
      os: 'macOS',
    });
    expect(list.find((s: { current: boolean }) => !s.current)).toMatchObject({
      ip: '198.51.100.4',
      device: { os: 'iOS' },
    });
  });

  it('revokes another session at once, and not a session of someone else', async () => {
    const server = createTestServer();
    const laptop = server.browser();
    await laptop.signUp({ email: 'ada@example.com' });
    const phone = server.browser({ authenticator: laptop.authenticator });
    await phone.signIn({ email: 'ada@example.com' });
    const phoneId = (await phone.call('GET', '/auth/session')).body.session.id;

    const stranger = server.browser();
    await stranger.signUp();
    expect((await stranger.call('DELETE', `/auth/sessions/${phoneId}`)).body.error.code).toBe(
      'NOT_FOUND',
    );

    expect((await laptop.call('DELETE', `/auth/sessions/${phoneId}`)).status).toBe(200);
    expect((await phone.call('GET', '/auth/session')).body.user).toBeNull();
    expect((await phone.call('GET', '/auth/passkeys')).body.error.code).toBe('UNAUTHENTICATED');
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp();
    const secret = browser.cookies.get('latchkey')!;
    const res = await browser.signOut();
    expect(res.status).toBe(200);
    expect(
      res.headers.getSetCookie().some((c) => c.startsWith('latchkey=;') && c.includes('Max-Age=0')),
    ).toBe(true);
    expect(
      await server.store.getSessionBySecretHash(await storedHash('session', secret)),
    ).toBeNull();
    expect((await browser.signOut()).body.error.code).toBe('UNAUTHENTICATED');
  });

  it('finds the session of a request for the host app', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp({ email: 'ada@example.com' });
    const found = await server.latchkey.api.sessions.fromRequest(
      browser.request('GET', '/anything'),
    );
    expect(found?.user.email).toBe('ada@example.com');
    expect(
      await server.latchkey.api.sessions.fromRequest(new Request('http://localhost:3000/')),
    ).toBeNull();
  });
});
