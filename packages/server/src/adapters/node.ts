import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLatchkeyError } from '@latchkey/core';
import type { Gate, GateAccess, GateDecision } from '../gate/create-gate.js';
import type { ConnectionInfo } from '../http/request-context.js';
import { ANSWER, type Answer, errorResponse, settledBody } from '../http/responses.js';
import { toLightRequest } from './node-request.js';
import { writeAnswer, writeResponse } from './node-response.js';

export type { NodeRequestLike } from './node-request.js';
export { requestUrl, toRequest } from './node-request.js';
export { writeResponse } from './node-response.js';

type FetchHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>;
type AnswerFunction = (request: Request, connection?: ConnectionInfo) => Promise<Answer>;

/**
 * Latchkey's own handler answers JSON without making a `Response` when asked
 * through `ANSWER`; any other fetch handler is called as it is.
 */
function answerFunction(handler: FetchHandler): AnswerFunction {
  const own = (handler as FetchHandler & { [ANSWER]?: AnswerFunction })[ANSWER];
  return typeof own === 'function' ? own : handler;
}

declare global {
  // Express's own request type (`@types/express`), so `req.latchkey` type-checks in its routes.
  namespace Express {
    interface Request {
      /** Who `nodeGate` let through: `{ via, user, session, token }`. */
      latchkey?: GateAccess;
    }
  }
}

const INTERNAL_ERROR =
  '{"error":{"code":"INTERNAL_ERROR","message":"Something went wrong on our side"}}';

/** A request the adapter cannot turn into a URL (bad Host or target) gets its 400. */
async function answerError(error: unknown, res: ServerResponse): Promise<boolean> {
  if (!isLatchkeyError(error) || res.headersSent) return false;
  await writeResponse(errorResponse(error), res);
  return true;
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
  const answer = answerFunction(handler);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const result = await answer(toLightRequest(req), {
        remoteAddress: req.socket.remoteAddress ?? null,
      });
      await writeAnswer(result, res);
    } catch (error) {
      if (await answerError(error, res).catch(() => false)) return;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(INTERNAL_ERROR);
    }
  };
}

/**
 * Express / Connect middleware: answers Latchkey's routes and calls `next()` for
 * everything else (the handler's `ROUTE_NOT_FOUND`). Mounted under a prefix, it
 * sees the full path (`req.originalUrl`); after `express.json()` it reads
 * `req.body`.
 *
 * @example
 * app.use(toNodeMiddleware(latchkey.handler));
 */
export function toNodeMiddleware(handler: FetchHandler) {
  const answer = answerFunction(handler);
  return async (
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): Promise<void> => {
    let request: Request;
    try {
      request = toLightRequest(req);
    } catch {
      // No Latchkey route has a malformed target or Host: the app decides.
      return next();
    }
    try {
      const result = await answer(request, {
        remoteAddress: req.socket.remoteAddress ?? null,
      });
      if (result.status === 404) {
        const text = result instanceof Response ? settledBody(result) : result.text;
        const body = (
          text === undefined ? await (result as Response).clone().json() : JSON.parse(text)
        ) as { error?: { code?: string } };
        if (body.error?.code === 'ROUTE_NOT_FOUND') return next();
      }
      await writeAnswer(result, res);
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Express / Connect middleware for `latchkey.gate(options)`: answers what the
 * gate refuses, and sets `req.latchkey` (`{ via, user, session, token }`) for
 * what passes. It judges the full path, mount prefix included
 * (`req.originalUrl`).
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
      const decision = await gate.check(toLightRequest(req, { body: false }), {
        remoteAddress: req.socket.remoteAddress ?? null,
      });
      if (!decision.ok) return writeResponse(decision.response, res);
      const { ok: _ok, headers, ...access } = decision;
      req.latchkey = access;
      for (const [k, v] of headers) res.setHeader(k, v);
      next();
    } catch (error) {
      if (await answerError(error, res).catch(() => false)) return;
      next(error);
    }
  };
}
