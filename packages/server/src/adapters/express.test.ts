import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, TestBrowser, type TestServer } from '../../test/harness.js';
import { nodeGate, toNodeMiddleware } from './node.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TestBrowser that talks to a real Express server over HTTP (Host kept as the origin's). */
class HttpBrowser extends TestBrowser {
  constructor(
    readonly base: string,
    from: TestBrowser,
  ) {
    super(from.latchkey, from.authenticator, from.origin, from.peer, from.userAgent);
  }

  protected override async deliver(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const body = request.body ? await request.text() : undefined;
    return fetch(`${this.base}${url.pathname}${url.search}`, {
      method: request.method,
      headers: { ...Object.fromEntries(request.headers), host: url.host },
      ...(body === undefined ? {} : { body }),
    });
  }
}

async function serve(test: TestServer, app: express.Express): Promise<HttpBrowser> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return new HttpBrowser(base, test.browser());
}

describe('express 5', () => {
  it('signs up and signs in after app.use(express.json()): the middleware reads req.body, no 500', async () => {
    const test = createTestServer({ rateLimit: false });
    const app = express();
    app.use(express.json());
    app.use(toNodeMiddleware(test.latchkey.handler));
    app.post('/echo', (req, res) => {
      res.json({ echoed: req.body });
    });
    const browser = await serve(test, app);

    const signedUp = await browser.signUp({ email: 'ada@example.com', displayName: 'Ada' });
    expect(signedUp.status).toBe(201);
    expect((await browser.signOut()).status).toBe(200);
    const signedIn = await browser.signIn();
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.email).toBe('ada@example.com');

    const malformed = await browser.call('POST', '/auth/passkeys/auth-options', { email: 7 });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('INVALID_BODY');
    // Routes Latchkey does not own reach the app, with express.json()'s body.
    const echo = await browser.call('POST', '/echo', { a: 1 });
    expect(echo.body).toEqual({ echoed: { a: 1 } });
  });

  it("answers under app.use('/auth', …) by the full path (req.originalUrl), not a 404", async () => {
    const test = createTestServer({ rateLimit: false });
    const app = express();
    app.use(express.json());
    app.use('/auth', toNodeMiddleware(test.latchkey.handler));
    app.use((_req, res) => {
      res.status(404).json({ from: 'the app' });
    });
    const browser = await serve(test, app);

    expect((await browser.signUp({ email: 'ada@example.com' })).status).toBe(201);
    const session = await browser.call('GET', '/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe('ada@example.com');
    expect((await browser.call('GET', '/auth/nothing-here')).body).toEqual({ from: 'the app' });
  });

  it("nodeGate under app.use('/api', …) judges the full path, sets req.latchkey and keeps req.body", async () => {
    const test = createTestServer({ rateLimit: false });
    const app = express();
    app.use(express.json());
    app.use(toNodeMiddleware(test.latchkey.handler));
    app.use('/api', nodeGate(test.latchkey.gate({ loopbackBypass: false })));
    app.post('/api/notes', (req, res) => {
      res.json({ via: req.latchkey?.via, email: req.latchkey?.user?.email, note: req.body });
    });
    const browser = await serve(test, app);
    await browser.signUp({ email: 'ada@example.com' });

    const anonymous = await browser.call('POST', '/api/notes', { text: 'hi' }, { cookie: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    const signedIn = await browser.call('POST', '/api/notes', { text: 'hi' });
    expect(signedIn.body).toEqual({
      via: 'session',
      email: 'ada@example.com',
      note: { text: 'hi' },
    });
  });
});
