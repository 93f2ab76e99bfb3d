import { LatchkeyError, type RouteName } from '@latchkey/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { clientAddress, requestOrigin } from './client-address.js';
import { parseCookies } from './cookies.js';
import type { ConnectionInfo, RequestContext } from './request-context.js';
import { urlOf } from './request-url.js';

/**
 * The caller's web origin: the `Origin` header when a browser sent one (it must
 * be allowed), else the request's own origin when allowed, else the first
 * configured one. It decides the RP ID and whether cookies are `__Host-`/Secure.
 */
export function callerOrigin(request: Request, url: URL, config: ResolvedConfig): string {
  const header = request.headers.get('origin');
  if (header !== null && header !== 'null') {
    if (!config.webOrigins.has(header)) {
      throw new LatchkeyError(
        'ORIGIN_NOT_ALLOWED',
        `Origin ${header.slice(0, 100)} is not allowed`,
      );
    }
    return header;
  }
  const derived = requestOrigin(request, url, config.trustProxy);
  if (config.webOrigins.has(derived)) return derived;
  return config.webOrigins.values().next().value ?? 'http://localhost';
}

/** Builds the context of one request, for a route or (with `route: null`) for the gate. */
export function buildContext(
  request: Request,
  connection: ConnectionInfo | undefined,
  config: ResolvedConfig,
  route: RouteName | null,
  params: Record<string, string> = {},
): RequestContext {
  const url = urlOf(request);
  const origin = callerOrigin(request, url, config);
  const peer = connection?.remoteAddress ?? null;
  return {
    request,
    url,
    route: route as RouteName,
    params,
    body: undefined,
    origin,
    rpId: config.rpIdFor(origin),
    ip: clientAddress(request, peer, config.clientIp),
    userAgent: request.headers.get('user-agent'),
    peer,
    cookies: parseCookies(request.headers.get('cookie')),
    secure: origin.startsWith('https:'),
    now: config.now(),
    session: null,
    user: null,
    token: null,
    appSession: false,
    sessionCarrier: 'cookie',
    setCookies: [],
    headers: new Headers(),
  };
}
