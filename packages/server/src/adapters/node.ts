import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Gate, GateDecision } from '../gate/create-gate.js';
import type { ConnectionInfo } from '../http/request-context.js';

type FetchHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>;

/**
 * Turns a `node:http` request into a `Request`. The URL's origin comes from the
 * Host header and the socket (forwarded headers are the handler's concern, and
 * only with `trustProxy`).
 */
export function toRequest(req: IncomingMessage, options: { body?: boolean } = {}): Request {
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  const url = new URL(
    req.url ?? '/',
    `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`,
  );
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const hasBody = options.body !== false && req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    // Node's fetch needs this for streamed request bodies.
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/** Writes a `Response` to a `node:http` response, keeping every Set-Cookie. */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') continue;
    headers[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
      res.write(chunk);
  }
  res.end();
}

/**
 * A `node:http` request listener around a Latchkey handler.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { toNodeListener } from '@latchkey/server/node';
 * createServer(toNodeListener(latchkey.handler)).listen(3000);
 */
export function toNodeListener(handler: FetchHandler) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const response = await handler(toRequest(req), {
        remoteAddress: req.socket.remoteAddress ?? null,
      });
      await writeResponse(response, res);
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"INTERNAL_ERROR","message":"Something went wrong on our side"}}');
    }
  };
}

/**
 * Express / Connect middleware: answers Latchkey's routes and calls `next()` for
 * everything else (the handler's `ROUTE_NOT_FOUND`).
 *
 * @example
 * app.use(toNodeMiddleware(latchkey.handler));
 */
export function toNodeMiddleware(handler: FetchHandler) {
  return async (
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): Promise<void> => {
    try {
      const response = await handler(toRequest(req), {
        remoteAddress: req.socket.remoteAddress ?? null,
      });
      if (response.status === 404) {
        const body = (await response.clone().json()) as { error?: { code?: string } };
        if (body.error?.code === 'ROUTE_NOT_FOUND') return next();
      }
      await writeResponse(response, res);
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Express / Connect middleware for `latchkey.gate(options)`: answers what the
 * gate refuses, and sets `req.latchkey` (`{ via, user, session, token }`) for
 * what passes.
 *
 * @example
 * app.use('/api', nodeGate(latchkey.gate()));
 * app.get('/api/me', (req, res) => res.json(req.latchkey.user));
 */
export function nodeGate(gate: Gate) {
  return async (
    req: IncomingMessage & {
      latchkey?: Omit<Extract<GateDecision, { ok: true }>, 'ok' | 'headers'>;
    },
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): Promise<void> => {
    try {
      // The gate reads the method, URL and headers only: the body stays for the app.
      const decision = await gate.check(toRequest(req, { body: false }), {
        remoteAddress: req.socket.remoteAddress ?? null,
      });
      if (!decision.ok) return writeResponse(decision.response, res);
      const { ok: _ok, headers, ...access } = decision;
      req.latchkey = access;
      for (const [k, v] of headers) res.setHeader(k, v);
      next();
    } catch (error) {
      next(error);
    }
  };
}
