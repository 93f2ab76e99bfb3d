import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import type { GateOptions } from './create-gate.js';
import { isLoopbackRequest } from './is-loopback-request.js';

const app = async () => new Response('the app', { status: 200 });

function setup(options: GateOptions = {}, config = {}) {
  const server = createTestServer({
    origins: ['http://localhost:3000', 'http://127.0.0.1:3000', 'https://box.alice.ts.net'],
    ...config,
  });
  const gated = server.latchkey.gate(options).protect(app);
  const call = (url: string, init: { peer?: string; headers?: Record<string, string> } = {}) =>
    gated(new Request(url, { headers: init.headers }), {
      remoteAddress: init.peer ?? '203.0.113.7',
    });
  return { server, call };
}

async function enrolled(
  server: ReturnType<typeof setup>['server'],
  origin = 'http://localhost:3000',
) {
  const browser = server.browser({ origin });
  await browser.signUp({ email: `owner-${new URL(origin).hostname}@example.com` });
  return browser;
}

describe('the gate', () => {
  it('lets the machine itself in: loopback peer, loopback Host, no proxy headers', async () => {
    const { server, call } = setup();
    await enrolled(server);
    for (const [url, peer] of [
      ['http://localhost:3000/api', '127.0.0.1'],
      ['http://127.0.0.1:3000/api', '127.0.0.1'],
      ['http://[::1]:3000/api', '::1'],
      ['http://localhost:3000/api', '::ffff:127.0.0.1'],
    ] as const) {
      const res = await call(url, { peer });
      expect([url, res.status]).toEqual([url, 200]);
    }
  });

  it('refuses the bypass to 127.0.0.1 with X-Forwarded-For (a tunnel on the same machine)', async () => {
    const { server, call } = setup();
    await enrolled(server);
    const res = await call('http://localhost:3000/api', {
      peer: '127.0.0.1',
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('UNAUTHENTICATED');
    for (const header of [
      'forwarded',
      'x-forwarded-host',
      'x-real-ip',
      'cf-connecting-ip',
      'via',
    ]) {
      const r = await call('http://localhost:3000/api', {
        peer: '127.0.0.1',
        headers: { [header]: 'x' },
      });
      expect([header, r.status]).toEqual([header, 401]);
    }
  });

  it('refuses the bypass to a loopback socket with a non-loopback Host (DNS rebinding, a proxy)', async () => {
    const { server, call } = setup({ originGrace: false });
    await enrolled(server);
    const rebound = await call('http://evil.example:3000/api', { peer: '127.0.0.1' });
    expect(rebound.status).toBe(401);
    const tailnet = await call('https://box.alice.ts.net/api', { peer: '127.0.0.1' });
    expect(tailnet.status).toBe(401);
  });

  it('refuses the bypass from a LAN peer even with a loopback Host', async () => {
    const { server, call } = setup();
    await enrolled(server);
    expect((await call('http://localhost:3000/api', { peer: '192.168.1.20' })).status).toBe(401);
    expect(isLoopbackRequest(new Request('http://localhost/'), null)).toBe(false);
  });

  it('can turn the bypass off', async () => {
    const { server, call } = setup({ loopbackBypass: false });
    await enrolled(server);
    expect((await call('http://localhost:3000/api', { peer: '127.0.0.1' })).status).toBe(401);
  });

  it('opens each RP ID while it has no passkey, with a header saying so, and closes it at the first enrolment', async () => {
    const { server, call } = setup();
    const first = await call('http://localhost:3000/api');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-latchkey-grace')).toBe('localhost');
    await enrolled(server);
    expect((await call('http://localhost:3000/api')).status).toBe(401);
    // The tailnet origin has its own RP ID and is still in grace; enrolling there
    // does not reopen loopback, and loopback's passkey does not close it.
    const tailnet = await call('https://box.alice.ts.net/api');
    expect([tailnet.status, tailnet.headers.get('x-latchkey-grace')]).toEqual([
      200,
      'alice.ts.net',
    ]);
    await enrolled(server, 'https://box.alice.ts.net');
    expect((await call('https://box.alice.ts.net/api')).status).toBe(401);
    expect((await call('http://localhost:3000/api')).status).toBe(401);
  });

  it('gives no grace to an origin that is not configured', async () => {
    const { call } = setup();
    expect((await call('http://evil.example/api')).status).toBe(401);
  });

  it('can turn grace off', async () => {
    const { call } = setup({ originGrace: false });
    expect((await call('http://localhost:3000/api')).status).toBe(401);
  });

  it('passes a signed-in session and tells who it is', async () => {
    const { server } = setup();
    const browser = await enrolled(server);
    const decision = await server.latchkey
      .gate()
      .check(browser.request('GET', '/api'), { remoteAddress: '203.0.113.7' });
    expect(decision.ok && decision.via).toBe('session');
    expect(decision.ok && decision.user?.email).toBe('owner-localhost@example.com');
  });

  it('refuses a recovery session until it enrols', async () => {
    const { server, call } = setup();
    const owner = server.browser();
    const codes = (await owner.signUp({ email: 'owner@example.com' })).body.recoveryCodes;
    const lost = server.browser();
    await lost.call('POST', '/auth/recovery', { code: codes[0] });
    const res = await call('http://localhost:3000/api', {
      headers: { cookie: `latchkey=${lost.cookies.get('latchkey')}` },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe('ENROLMENT_REQUIRED');
  });

  it('fails at once for a revoked session', async () => {
    const { server, call } = setup();
    const browser = await enrolled(server);
    const cookie = `latchkey=${browser.cookies.get('latchkey')}`;
    expect((await call('http://localhost:3000/api', { headers: { cookie } })).status).toBe(200);
    const user = (await server.store.getUserByEmail('owner-localhost@example.com'))!;
    await server.latchkey.api.sessions.revokeAll(user.id);
    expect((await call('http://localhost:3000/api', { headers: { cookie } })).status).toBe(401);
  });

  it('is off with requireAuth: false (development mode)', async () => {
    const { server, call } = setup({ requireAuth: false });
    await enrolled(server);
    expect((await call('http://localhost:3000/api')).status).toBe(200);
  });

  it('keeps public paths, the base path and .well-known open', async () => {
    const { server, call } = setup({ publicPaths: ['/health', /^\/assets\/.*\.css$/] });
    await enrolled(server);
    expect((await call('http://localhost:3000/health')).status).toBe(200);
    expect((await call('http://localhost:3000/health/deep')).status).toBe(200);
    expect((await call('http://localhost:3000/healthz')).status).toBe(401);
    expect((await call('http://localhost:3000/assets/app.css')).status).toBe(200);
    expect((await call('http://localhost:3000/auth/session')).status).toBe(200);
    expect((await call('http://localhost:3000/.well-known/jwks.json')).status).toBe(200);
  });

  it('redirects page loads to the sign-in page when asked, and answers APIs with 401 JSON', async () => {
    const { server, call } = setup({ signInPath: '/sign-in' });
    await enrolled(server);
    const page = await call('http://localhost:3000/settings?tab=2', {
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/sign-in?next=%2Fsettings%3Ftab%3D2');
    const api = await call('http://localhost:3000/api/x', {
      headers: { accept: 'application/json' },
    });
    expect([api.status, api.headers.get('content-type')]).toEqual([
      401,
      'application/json; charset=utf-8',
    ]);
  });

  it('refuses a request from a foreign page (Origin) with 403', async () => {
    const { server, call } = setup();
    const browser = await enrolled(server);
    const res = await call('http://localhost:3000/api', {
      headers: {
        cookie: `latchkey=${browser.cookies.get('latchkey')}`,
        origin: 'https://evil.example',
      },
    });
    expect(res.status).toBe(403);
  });

  it('accepts bearer tokens and enforces the scopes a route asks for', async () => {
    const server = createTestServer({ origins: ['http://localhost:3000'] });
    await enrolled(server);
    const user = (await server.store.getUserByEmail('owner-localhost@example.com'))!;
    const { token } = await server.latchkey.api.tokens.create(user.id, {
      name: 'CI',
      scopes: ['read'],
    });
    const call = (options: GateOptions, auth: string) =>
      server.latchkey.gate(options).protect(app)(
        new Request('http://localhost:3000/api', { headers: { authorization: auth } }),
        { remoteAddress: '203.0.113.7' },
      );

    expect((await call({ scopes: ['read'] }, `Bearer ${token}`)).status).toBe(200);
    const decision = await server.latchkey
      .gate()
      .check(
        new Request('http://localhost:3000/api', { headers: { authorization: `Bearer ${token}` } }),
      );
    expect(decision.ok && decision.via).toBe('token');
    expect(decision.ok && decision.token?.scopes).toEqual(['read']);

    const write = await call({ scopes: ['write'] }, `Bearer ${token}`);
    expect([write.status, ((await write.json()) as any).error.code]).toEqual([
      403,
      'INSUFFICIENT_SCOPE',
    ]);
    const forged = await call({}, `Bearer ${token.slice(0, -2)}xx`);
    expect([forged.status, ((await forged.json()) as any).error.code]).toEqual([
      401,
      'INVALID_TOKEN',
    ]);
    expect((await call({ bearer: false }, `Bearer ${token}`)).status).toBe(401);

    const id = (await server.latchkey.api.tokens.list(user.id))[0]!.id;
    await server.latchkey.api.tokens.revoke(user.id, id);
    expect((await call({ scopes: ['read'] }, `Bearer ${token}`)).status).toBe(401);
  });

  it('checks its options', () => {
    const { server } = setup();
    expect(() => server.latchkey.gate({ signInPath: 'https://evil.example' })).toThrow(TypeError);
    expect(() => server.latchkey.gate({ publicPaths: '/x' as never })).toThrow(TypeError);
  });
});
