import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { honoGate, latchkeyHono } from './hono.js';
import { nodeGate, toNodeListener, toNodeMiddleware } from './node.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('node adapter', () => {
  it('serves the handler over node:http with the socket peer and every Set-Cookie', async () => {
    const peers: (string | null | undefined)[] = [];
    const test = createTestServer({ origins: ['http://127.0.0.1'], rateLimit: false });
    const handler: typeof test.latchkey.handler = (request, connection) => {
      peers.push(connection?.remoteAddress);
      return test.latchkey.handler(request, connection);
    };
    const url = await listen(createServer(toNodeListener(handler)));
    const res = await fetch(`${url}/auth/passkeys/auth-options`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers.getSetCookie()[0]).toMatch(/^latchkey-pre=/);
    expect(peers[0]).toBe('127.0.0.1');
  });

  it('passes requests outside Latchkey to the next Express/Connect middleware', async () => {
    const test = createTestServer({ rateLimit: false });
    const middleware = toNodeMiddleware(test.latchkey.handler);
    const url = await listen(
      createServer((req, res) => {
        void middleware(req, res, () => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('the host app');
        });
      }),
    );
    expect(await (await fetch(`${url}/dashboard`)).text()).toBe('the host app');
    const session = await fetch(`${url}/auth/session`, {
      headers: { origin: 'http://localhost:3000' },
    });
    expect(((await session.json()) as any).user).toBeNull();
  });

  it('streams a large body into the handler’s 413', async () => {
    const test = createTestServer({ rateLimit: false });
    const url = await listen(createServer(toNodeListener(test.latchkey.handler)));
    const res = await fetch(`${url}/auth/passkeys/auth-options`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify({ email: 'x'.repeat(100_000) }),
    });
    expect(res.status).toBe(413);
  });
});

describe('hono adapter', () => {
  it('answers Latchkey routes and passes the rest on', async () => {
    const test = createTestServer({ rateLimit: false });
    const app = new Hono();
    app.use(latchkeyHono(test.latchkey.handler));
    app.get('/hello', (c) => c.text('hi'));
    expect(await (await app.request('/hello')).text()).toBe('hi');
    const res = await app.request('http://localhost:3000/auth/session');
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).rp.id).toBe('localhost');
  });
});

describe('gate middleware', () => {
  it('Hono: refuses without a session, passes with one and tells the route who it is', async () => {
    const test = createTestServer({ rateLimit: false });
    const owner = test.browser();
    await owner.signUp({ email: 'ada@example.com' });
    const app = new Hono();
    app.use(latchkeyHono(test.latchkey.handler));
    app.use('/api/*', honoGate(test.latchkey.gate({ loopbackBypass: false })));
    app.get('/api/me', (c) =>
      c.json({
        via: (c.get('latchkey' as never) as any).via,
        email: (c.get('latchkey' as never) as any).user.email,
      }),
    );
    const anonymous = await app.request('http://localhost:3000/api/me');
    expect(anonymous.status).toBe(401);
    const signedIn = await app.request('http://localhost:3000/api/me', {
      headers: { cookie: `latchkey=${owner.cookies.get('latchkey')}` },
    });
    expect(await signedIn.json()).toEqual({ via: 'session', email: 'ada@example.com' });
  });

  it('Express/Connect: answers what the gate refuses, sets req.latchkey and keeps the body for the app', async () => {
    const test = createTestServer({ rateLimit: false, origins: ['http://localhost:3000'] });
    const owner = test.browser();
    await owner.signUp({ email: 'ada@example.com' });
    const gate = nodeGate(test.latchkey.gate({ loopbackBypass: false }));
    const url = await listen(
      createServer((req, res) => {
        void gate(req as any, res, () => {
          let body = '';
          req.on('data', (chunk) => {
            body += chunk;
          });
          req.on('end', () => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ email: (req as any).latchkey.user.email, body }));
          });
        });
      }),
    );
    const refused = await fetch(`${url}/api/notes`, { method: 'POST', body: 'x' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).error.code).toBe('UNAUTHENTICATED');
    const passed = await fetch(`${url}/api/notes`, {
      method: 'POST',
      headers: {
        cookie: `latchkey=${owner.cookies.get('latchkey')}`,
        origin: 'http://localhost:3000',
      },
      body: 'hello',
    });
    expect(await passed.json()).toEqual({ email: 'ada@example.com', body: 'hello' });
  });
});
