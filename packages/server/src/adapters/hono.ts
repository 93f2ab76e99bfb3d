import type { Context, MiddlewareHandler } from 'hono';
import type { Gate, GateAccess } from '../gate/create-gate.js';
import type { ConnectionInfo } from '../http/request-context.js';

type FetchHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>;

/** The socket peer on @hono/node-server (`c.env.incoming`), Bun and Deno (`c.env.remoteAddr`…). */
function remoteAddress(c: Context): string | null {
  const env = c.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        requestIP?: (r: Request) => { address?: string } | null;
      }
    | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.requestIP?.(c.req.raw)?.address ?? null;
}

/**
 * Hono middleware: answers Latchkey's routes and passes everything else on.
 *
 * @example
 * const app = new Hono();
 * app.use(latchkeyHono(latchkey.handler));
 */
export function latchkeyHono(handler: FetchHandler): MiddlewareHandler {
  return async (c, next) => {
    const response = await handler(c.req.raw, { remoteAddress: remoteAddress(c) });
    if (response.status === 404) {
      const body = (await response.clone().json()) as { error?: { code?: string } };
      if (body.error?.code === 'ROUTE_NOT_FOUND') return next();
    }
    return response;
  };
}

/**
 * The Hono variables `honoGate` sets: `latchkey` is who passed the gate.
 * Importing this module types `c.get('latchkey')` for every Hono app too.
 *
 * @example
 * const app = new Hono<LatchkeyHonoEnv>();
 */
export interface LatchkeyHonoEnv {
  Variables: { latchkey: GateAccess };
}

declare module 'hono' {
  interface ContextVariableMap {
    /** Who passed `honoGate`: `{ via, user, session, token }`. */
    latchkey: GateAccess;
  }
}

/**
 * Hono middleware for `latchkey.gate(options)`: refuses what the gate refuses and
 * puts who passed (`{ via, user, session, token }`) in `c.get('latchkey')`.
 *
 * @example
 * app.use('/api/*', honoGate(latchkey.gate({ scopes: ['read'] })));
 * app.get('/api/me', (c) => c.json(c.get('latchkey').user));
 */
export function honoGate(gate: Gate): MiddlewareHandler<LatchkeyHonoEnv> {
  return async (c, next) => {
    const decision = await gate.check(c.req.raw, { remoteAddress: remoteAddress(c) });
    if (!decision.ok) return decision.response;
    const { ok: _ok, headers, ...access } = decision;
    c.set('latchkey', access);
    await next();
    for (const [k, v] of headers) c.header(k, v);
  };
}
