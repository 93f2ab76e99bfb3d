import type { Session, User } from '@latchkey/core';
// With the extension: these subpaths have no `exports` map, and Node's ESM resolver wants a file.
import { headers } from 'next/headers.js';
import { NextResponse } from 'next/server.js';
import type { LatchkeyApi } from '../api/create-api.js';
import type { Gate } from '../gate/create-gate.js';
import type { ConnectionInfo } from '../http/request-context.js';

type FetchHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>;

/** A Next.js route handler: Next passes the request (and route params, which Latchkey does not need). */
export type NextRouteHandler = (request: Request) => Promise<Response>;

/** The route handlers `toNextHandler` gives, one per method Latchkey's routes use. */
export interface NextRouteHandlers {
  GET: NextRouteHandler;
  POST: NextRouteHandler;
  PUT: NextRouteHandler;
  PATCH: NextRouteHandler;
  DELETE: NextRouteHandler;
}

/**
 * Next.js does not hand a route handler or proxy the socket peer, so Latchkey
 * sees none: per-address rate limits and the loopback bypass need `trustProxy`
 * behind a proxy that sets `X-Forwarded-For` (Vercel, a load balancer). `next
 * start` alone keeps an `X-Forwarded-For` the client sent, so never trust it there.
 */
const NO_PEER: ConnectionInfo = { remoteAddress: null };

/**
 * Next.js App Router handlers for Latchkey's routes. Export them from
 * `app/auth/[...latchkey]/route.ts` (the base path) and from
 * `app/.well-known/webauthn/route.ts` (and `jwks.json`, when JWTs are used).
 *
 * @example
 * // app/auth/[...latchkey]/route.ts
 * import { toNextHandler } from '@latchkey/server/next';
 * import { latchkey } from '@/lib/latchkey';
 * export const { GET, POST, PUT, PATCH, DELETE } = toNextHandler(latchkey);
 */
export function toNextHandler(latchkey: { handler: FetchHandler }): NextRouteHandlers {
  if (typeof latchkey?.handler !== 'function') {
    throw new TypeError('toNextHandler: pass the server from createLatchkey');
  }
  // Only the request: Next's second argument (`{ params }`) is not a ConnectionInfo.
  const handle: NextRouteHandler = (request) => latchkey.handler(request, NO_PEER);
  return { GET: handle, POST: handle, PUT: handle, PATCH: handle, DELETE: handle };
}

/**
 * The signed-in user and session of the request being rendered, or null: for
 * server components, server actions and route handlers. It reads the request's
 * headers through `next/headers` and asks `latchkey.api.sessions.fromRequest`,
 * so the rules are the handler's own (a locked session needs a request proof,
 * which a page load never carries: it reads as signed out).
 *
 * @example
 * // app/page.tsx (a server component)
 * import { getSession } from '@latchkey/server/next';
 * const signedIn = await getSession(latchkey);
 * return <p>{signedIn ? `Hello ${signedIn.user.displayName}` : 'Signed out'}</p>;
 */
export async function getSession(latchkey: {
  api: Pick<LatchkeyApi, 'sessions'>;
}): Promise<{ user: User; session: Session } | null> {
  const incoming = await headers();
  // The URL's path only matters to a request proof, which a page load never carries.
  const request = new Request('http://localhost/', { headers: new Headers(incoming) });
  return latchkey.api.sessions.fromRequest(request);
}

/**
 * A Next.js proxy (`proxy.ts`; `middleware.ts` before Next 16) for
 * `latchkey.gate(options)`: answers what the gate refuses (a 401, or with
 * `signInPath` a redirect for page loads) and lets the rest through with the
 * gate's headers. Pages then read the user with `getSession`.
 *
 * @example
 * // proxy.ts
 * import { nextGate } from '@latchkey/server/next';
 * import { latchkey } from '@/lib/latchkey';
 * export const proxy = nextGate(latchkey.gate({ signInPath: '/sign-in' }));
 * export const config = { matcher: ['/dashboard/:path*'] };
 */
export function nextGate(gate: Gate): (request: Request) => Promise<Response> {
  return async (request) => {
    const decision = await gate.check(request, NO_PEER);
    if (!decision.ok) {
      // Next reads a proxy's Location as an absolute URL; the gate's is a path on this site.
      const location = decision.response.headers.get('location');
      if (location === null) return decision.response;
      return NextResponse.redirect(new URL(location, request.url), decision.response.status);
    }
    return NextResponse.next({ headers: decision.headers });
  };
}
