import type { ConnectionInfo } from '../http/request-context.js';

type FetchHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>;

/** The part of `Deno.ServeHandlerInfo` the adapter uses: a TCP peer has a `hostname`. */
export interface DenoServeInfoLike {
  remoteAddr: { hostname?: string } | { path?: string } | object;
}

/**
 * The connection of a request under `Deno.serve`: the socket peer from
 * `info.remoteAddr` (none over a Unix socket), for the gate's `check`.
 *
 * @example
 * Deno.serve(async (request, info) => {
 *   const decision = await gate.check(request, denoConnection(info));
 *   return decision.ok ? app(request) : decision.response;
 * });
 */
export function denoConnection(info: DenoServeInfoLike | undefined): ConnectionInfo {
  const addr = info?.remoteAddr as { hostname?: unknown } | undefined;
  return { remoteAddress: typeof addr?.hostname === 'string' ? addr.hostname : null };
}

/**
 * A `Deno.serve` handler around a Latchkey handler that passes the socket peer,
 * so rate limits and the loopback rules see the caller's address.
 *
 * @example
 * import { toDenoHandler } from '@latchkey/server/deno';
 * Deno.serve({ port: 3000 }, toDenoHandler(latchkey.handler));
 */
export function toDenoHandler(
  handler: FetchHandler,
): (request: Request, info: DenoServeInfoLike) => Promise<Response> {
  return (request, info) => handler(request, denoConnection(info));
}
