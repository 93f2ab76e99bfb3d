import type { ConnectionInfo } from '../http/request-context.js';

type FetchHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>;

/** The part of Bun's `Server` the adapter uses (`Bun.serve`'s second `fetch` argument). */
export interface BunServerLike {
  requestIP(request: Request): { address: string } | null;
}

/**
 * The connection of a request under `Bun.serve`: the socket peer from
 * `server.requestIP(request)`, for the gate's `check(request, connection)`.
 *
 * @example
 * const decision = await gate.check(request, bunConnection(request, server));
 */
export function bunConnection(request: Request, server: BunServerLike): ConnectionInfo {
  return { remoteAddress: server.requestIP(request)?.address ?? null };
}

/**
 * A `Bun.serve` `fetch` around a Latchkey handler that passes the socket peer, so
 * rate limits and the loopback rules see the caller's address.
 *
 * @example
 * import { toBunHandler } from '@latchkey/server/bun';
 * Bun.serve({ port: 3000, fetch: toBunHandler(latchkey.handler) });
 */
export function toBunHandler(
  handler: FetchHandler,
): (request: Request, server: BunServerLike) => Promise<Response> {
  return (request, server) => handler(request, bunConnection(request, server));
}
