import { once } from 'node:events';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { honoGate, latchkeyHono } from './hono.js';
import { nodeGate, toNodeListener, toNodeMiddleware, toRequest } from './node.js';

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
        via: c.get('latchkey').via,
        email: c.get('latchkey').user?.email,
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

type Next = (error?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => unknown;

/**
 * What Express's `app.use(prefix, fn)` does to a request (express/lib/router):
 * match the prefix by whole segments on the raw path, keep the full URL in
 * `req.originalUrl`, strip the prefix from `req.url` while `fn` runs.
 */
function mount(prefix: string, middleware: Middleware): Middleware {
  return (req, res, next) => {
    const url = req.url ?? '/';
    if (url !== prefix && !url.startsWith(`${prefix}/`) && !url.startsWith(`${prefix}?`)) {
      return next();
    }
    const r = req as IncomingMessage & { originalUrl?: string };
    r.originalUrl ??= url;
    req.url = url.slice(prefix.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    return middleware(req, res, (error) => {
      req.url = url;
      next(error);
    });
  };
}

/** A node:http app: each middleware in turn, then `final`. */
function app(
  middlewares: Middleware[],
  final: (req: IncomingMessage, res: ServerResponse) => void,
) {
  return createServer((req, res) => {
    const run = (i: number): void => {
      const middleware = middlewares[i];
      if (!middleware) {
        final(req, res);
        return;
      }
      void middleware(req, res, (error) => {
        if (error) {
          res.writeHead(500);
          res.end(String(error));
        } else run(i + 1);
      });
    };
    run(0);
  });
}

/** A raw HTTP/1.1 request: the target goes out exactly as given (fetch would normalise it). */
function rawGet(url: string, path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('node adapter: what the gate judges is what the app routes (finding J)', () => {
  async function protectedApp() {
    const test = createTestServer({ rateLimit: false });
    await test.browser().signUp({ email: 'ada@example.com' });
    const gate = nodeGate(test.latchkey.gate({ loopbackBypass: false, originGrace: false }));
    const url = await listen(
      app([mount('/api', gate as Middleware)], (req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`the app served ${req.url}`);
      }),
    );
    return url;
  }

  it('finding J: a gate mounted under /api judges /api/auth/x by its full path, not as the public /auth/x', async () => {
    const url = await protectedApp();
    const res = await rawGet(url, '/api/auth/x');
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe('UNAUTHENTICATED');
  });

  it('finding J: a target starting with // is a path on this host, never a host named in it', async () => {
    const test = createTestServer({ rateLimit: false });
    await test.browser().signUp({ email: 'ada@example.com' });
    const gate = nodeGate(test.latchkey.gate({ loopbackBypass: false, originGrace: false }));
    const url = await listen(
      app([gate as Middleware], (_req, res) => {
        res.writeHead(200);
        res.end('the app');
      }),
    );
    const res = await rawGet(url, '//evil/auth/x');
    expect(res.status).toBe(401);

    const seen: string[] = [];
    const handlerUrl = await listen(
      createServer(
        toNodeListener(async (request, connection) => {
          seen.push(request.url);
          return test.latchkey.handler(request, connection);
        }),
      ),
    );
    await rawGet(handlerUrl, '//evil/auth/session', { host: 'localhost:3000' });
    expect(seen).toEqual(['http://localhost:3000//evil/auth/session']);
  });

  it('finding J: dot segments, %2e and backslashes, which the app and the URL parser read differently, get a 400', async () => {
    const url = await protectedApp();
    for (const path of [
      '/api/../auth/x',
      '/api/%2e%2E/auth/x',
      '/api/.%2e/auth/x',
      '/api/x\\..\\..\\auth',
    ]) {
      const res = await rawGet(url, path);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body).error.code, path).toBe('INVALID_PARAMS');
    }
  });

  it('refuses a Host header that would carry part of the path (no prefix smuggled into the URL)', async () => {
    const url = await protectedApp();
    const res = await rawGet(url, '/api/notes', { host: 'localhost/auth' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('INVALID_PARAMS');
  });
});

describe('node adapter: bodies', () => {
  it('uses the body express.json() already parsed (req.body set, stream read) instead of a 500', async () => {
    const test = createTestServer({ rateLimit: false });
    const jsonParser: Middleware = (req, _res, next) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        (req as IncomingMessage & { body?: unknown }).body = JSON.parse(
          Buffer.concat(chunks).toString('utf8'),
        );
        next();
      });
    };
    const url = await listen(
      app([jsonParser, toNodeMiddleware(test.latchkey.handler)], (_req, res) => {
        res.writeHead(404);
        res.end();
      }),
    );
    const res = await fetch(`${url}/auth/passkeys/register-options`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'http://localhost:3000',
        host: 'localhost:3000',
      },
      body: JSON.stringify({ email: 'ada@example.com', displayName: 'Ada' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).options.user.name).toBe('ada@example.com');
  });

  it('cuts a streamed body without Content-Length off at the limit with a 413, and keeps serving', async () => {
    const test = createTestServer({ rateLimit: false });
    const url = await listen(createServer(toNodeListener(test.latchkey.handler)));
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 16) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${url}/auth/passkeys/auth-options`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');
    const again = await fetch(`${url}/auth/session`);
    expect(again.status).toBe(200);
  });

  it('writes JSON answers with a Content-Length and toRequest gives a real Request', async () => {
    const test = createTestServer({ rateLimit: false });
    const url = await listen(createServer(toNodeListener(test.latchkey.handler)));
    const res = await rawGet(url, '/auth/session');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).user).toBeNull();
    const head = await new Promise<IncomingMessage>((resolve) => {
      const { hostname, port } = new URL(url);
      httpRequest({ hostname, port, path: '/auth/session' }, resolve).end();
    });
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    head.resume();

    let copied: Request | undefined;
    const copyUrl = await listen(
      createServer((req, res) => {
        copied = new Request(toRequest(req));
        res.end();
      }),
    );
    await rawGet(copyUrl, '/auth/session?x=1', { host: 'localhost:3000' });
    expect(copied?.url).toBe('http://localhost:3000/auth/session?x=1');
  });

  it('answers every other Request member from a full Request made on first use', async () => {
    const seen: unknown[] = [];
    const url = await listen(
      createServer(
        toNodeListener(async (request) => {
          seen.push(request instanceof Request, request.signal instanceof AbortSignal);
          seen.push(await request.clone().text(), request.headers.get('x-test'));
          return new Response('streamed', { headers: { 'content-type': 'text/plain' } });
        }),
      ),
    );
    const res = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'x-test': 'yes' },
      body: 'hi',
    });
    expect(await res.text()).toBe('streamed');
    expect(seen).toEqual([true, true, 'hi', 'yes']);
  });
});
