import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, TestBrowser, type TestServer } from '../../test/harness.js';
import { fastifyGate, latchkeyFastify } from './fastify.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A TestBrowser whose every request goes through `fastify.inject`, cookies and all. */
class InjectBrowser extends TestBrowser {
  constructor(
    readonly app: FastifyInstance,
    from: TestBrowser,
  ) {
    super(from.latchkey, from.authenticator, from.origin, from.peer, from.userAgent);
  }

  protected override async deliver(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const res = await this.app.inject({
      method: request.method as 'GET',
      url: url.pathname + url.search,
      headers: { ...Object.fromEntries(request.headers), host: url.host },
      remoteAddress: this.peer,
      ...(body ? { payload: body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v !== undefined) headers.append(name, String(v));
      }
    }
    return new Response(res.rawPayload.length ? res.rawPayload : null, {
      status: res.statusCode,
      headers,
    });
  }
}

async function fastifyApp(
  test: TestServer,
): Promise<{ app: FastifyInstance; browser: InjectBrowser }> {
  const app = Fastify();
  apps.push(app);
  await app.register(latchkeyFastify, { latchkey: test.latchkey });
  // The app's own route keeps Fastify's JSON parser.
  app.post('/echo', async (request) => ({ echoed: request.body }));
  await app.register(async (api) => {
    api.addHook('onRequest', fastifyGate(test.latchkey.gate({ loopbackBypass: false })));
    api.post('/api/notes', async (request) => ({
      via: request.latchkey?.via,
      email: request.latchkey?.user?.email,
      note: request.body,
    }));
  });
  await app.ready();
  return { app, browser: new InjectBrowser(app, test.browser()) };
}

describe('fastify plugin', () => {
  it('signs up with a passkey, reads the session and signs out, all through fastify.inject', async () => {
    const test = createTestServer({ rateLimit: false });
    const { browser } = await fastifyApp(test);

    const signedUp = await browser.signUp({ email: 'ada@example.com', displayName: 'Ada' });
    expect(signedUp.status).toBe(201);
    expect(signedUp.body.recoveryCodes).toHaveLength(10);
    expect(browser.cookies.has('latchkey')).toBe(true);

    const session = await browser.call('GET', '/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe('ada@example.com');

    expect((await browser.signOut()).status).toBe(200);
    expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
    const signedIn = await browser.signIn();
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.email).toBe('ada@example.com');
  });

  it('answers a bad body with Latchkey’s own code, and leaves Fastify’s parser to the app’s routes', async () => {
    const test = createTestServer({ rateLimit: false });
    const { app, browser } = await fastifyApp(test);

    const malformed = await browser.call('POST', '/auth/passkeys/register-options', '{"email":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('INVALID_JSON');
    const large = await browser.call('POST', '/auth/passkeys/auth-options', {
      email: 'x'.repeat(100_000),
    });
    expect(large.status).toBe(413);
    expect(large.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const echo = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(echo.json()).toEqual({ echoed: { a: 1 } });
  });

  it('answers a wrong method with 405 and Allow, and well-known paths from the root', async () => {
    const test = createTestServer({ rateLimit: false });
    const { app } = await fastifyApp(test);
    const wrong = await app.inject({ method: 'DELETE', url: '/auth/session' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.json().error.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrong.headers.allow).toBe('GET');
    const jwks = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwks.statusCode).toBe(200);
    expect(Array.isArray(jwks.json().keys)).toBe(true);
  });

  it('gate: refuses a route without a session, passes with one and tells the route who it is', async () => {
    const test = createTestServer({ rateLimit: false });
    const { browser } = await fastifyApp(test);
    await browser.signUp({ email: 'ada@example.com' });

    const anonymous = await browser.call('POST', '/api/notes', { text: 'hi' }, { cookie: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');

    const signedIn = await browser.call('POST', '/api/notes', { text: 'hi' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual({
      via: 'session',
      email: 'ada@example.com',
      note: { text: 'hi' },
    });
  });

  it('refuses to start without a Latchkey', async () => {
    const app = Fastify();
    apps.push(app);
    await expect(app.register(latchkeyFastify, {} as never)).rejects.toThrow(TypeError);
  });
});
