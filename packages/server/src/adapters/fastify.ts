import { isLatchkeyError, type RouteDefinition, routes } from '@latchkey/core';
import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
} from 'fastify';
import type { Gate, GateAccess } from '../gate/create-gate.js';
import type { ConnectionInfo } from '../http/request-context.js';
import { errorResponse } from '../http/responses.js';
import { toLightRequest } from './node-request.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who `fastifyGate` let through: `{ via, user, session, token }`. */
    latchkey?: GateAccess;
  }
}

type FetchHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>;

export interface LatchkeyFastifyOptions {
  /** The server from `createLatchkey` (or anything with its `handler`). */
  latchkey: { handler: FetchHandler };
  /** The `basePath` given to `createLatchkey`. Default `/auth`. */
  basePath?: string;
}

/** A request as Latchkey reads it; a malformed Host or target throws `INVALID_PARAMS`. */
function toLatchkeyRequest(request: FastifyRequest, body: boolean): Request {
  return toLightRequest(request.raw, { body });
}

function peer(request: FastifyRequest): ConnectionInfo {
  // The socket peer, never `request.ip`: forwarded headers are Latchkey's call (`trustProxy`).
  return { remoteAddress: request.raw.socket.remoteAddress ?? null };
}

/**
 * A Fastify plugin that registers Latchkey's routes (every path of the route
 * table under `basePath`, and `/.well-known/jwks.json` and `/webauthn`).
 *
 * Inside the plugin the body is left unread: Latchkey reads it from the socket
 * with its own size cap and schema, so a bad body gets Latchkey's 4xx with a
 * code (`INVALID_BODY`, `PAYLOAD_TOO_LARGE`), not Fastify's. The app's own
 * routes keep Fastify's parsers.
 *
 * @example
 * import Fastify from 'fastify';
 * import { latchkeyFastify } from '@latchkey/server/fastify';
 * const app = Fastify();
 * await app.register(latchkeyFastify, { latchkey });
 */
export const latchkeyFastify: FastifyPluginAsync<LatchkeyFastifyOptions> = async (
  instance,
  options,
) => {
  const { latchkey, basePath = '/auth' } = options;
  if (typeof latchkey?.handler !== 'function') {
    throw new TypeError('latchkeyFastify: pass { latchkey } from createLatchkey');
  }
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    let webRequest: Request;
    try {
      webRequest = toLatchkeyRequest(request, true);
    } catch (error) {
      if (isLatchkeyError(error)) return reply.send(errorResponse(error));
      throw error;
    }
    return reply.send(await latchkey.handler(webRequest, peer(request)));
  };
  const paths = new Set(
    (Object.values(routes) as RouteDefinition[]).map(
      (route) => (route.absolute ? '' : basePath) + route.path,
    ),
  );
  // Every method: Latchkey answers a wrong one with 405 METHOD_NOT_ALLOWED and `Allow`.
  for (const url of paths) instance.all(url, handle);
};

/**
 * A Fastify `onRequest` hook for `latchkey.gate(options)`: answers what the gate
 * refuses, and sets `request.latchkey` (`{ via, user, session, token }`) for what
 * passes. The gate reads the method, URL and headers only: the body stays for
 * the route.
 *
 * @example
 * app.addHook('onRequest', fastifyGate(latchkey.gate()));
 * app.get('/api/me', (request) => request.latchkey?.user);
 */
export function fastifyGate(gate: Gate): onRequestHookHandler {
  return async (request, reply) => {
    let decision: Awaited<ReturnType<Gate['check']>>;
    try {
      decision = await gate.check(toLatchkeyRequest(request, false), peer(request));
    } catch (error) {
      if (isLatchkeyError(error)) return reply.send(errorResponse(error));
      throw error;
    }
    if (!decision.ok) return reply.send(decision.response);
    const { ok: _ok, headers, ...access } = decision;
    request.latchkey = access;
    for (const [name, value] of headers) reply.header(name, value);
  };
}
