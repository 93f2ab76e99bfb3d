import type { Session, User } from '@latchkey/core';
import { LatchkeyError } from '@latchkey/core';
import { buildContext } from '../http/build-context.js';
import type { ConnectionInfo } from '../http/request-context.js';
import { toErrorResponse } from '../http/responses.js';
import { firstEnrolmentGrace } from '../identity/first-enrolment-grace.js';
import { identifyCaller } from '../identity/identify-caller.js';
import {
  checkCsrf,
  checkScopes,
  checkSessionKind,
  FULL_SESSIONS,
  gateScopes,
} from '../identity/policy.js';
import type { Services } from '../services.js';
import type { TokenRecord } from '../stores/contract.js';
import { toWireSession } from '../wire/to-wire-session.js';
import { toWireUser } from '../wire/to-wire-user.js';
import { isLoopbackRequest } from './is-loopback-request.js';

export interface GateOptions {
  /** `false` turns the gate off (development mode). Default true. */
  requireAuth?: boolean;
  /**
   * Let the machine itself in: loopback peer, loopback Host, no proxy headers,
   * and no other site's page behind it (`Sec-Fetch-Site` absent, `same-origin`
   * or `none`; `Origin` absent or loopback). A TCP forwarder on the same machine
   * (`ssh -R`, `socat`) inherits it: set `false` where one runs. Default true.
   */
  loopbackBypass?: boolean;
  /**
   * While no passkey is enrolled for the RP ID of the request's own host, let
   * requests pass (with an `X-Latchkey-Grace` header) so the first device can
   * enrol. Never from `Origin`, never for IP literals or plain http on a name
   * other than localhost; in owner mode, never once there is an owner. Default true.
   */
  originGrace?: boolean;
  /** Paths that never need a session: a string matches itself and what is below it; a RegExp the path. The base path and `/.well-known/` are always public. */
  publicPaths?: (string | RegExp)[];
  /** Accept `Authorization: Bearer` tokens. Default true. */
  bearer?: boolean;
  /**
   * Scopes a bearer token needs here (`admin` includes `write`, `write` includes
   * `read`). Default: `write` for methods other than GET, HEAD and OPTIONS, none for those.
   */
  scopes?: string[];
  /** Redirect HTML page loads without a session here (with `?next=`), instead of a 401. */
  signInPath?: string;
}

/** Why a request passed. */
export type GateAccess =
  | { via: 'session'; user: User; session: Session; token: null }
  | {
      via: 'token';
      user: User;
      session: null;
      token: Pick<TokenRecord, 'id' | 'name' | 'scopes' | 'agent'>;
    }
  | { via: 'loopback' | 'grace' | 'public' | 'open'; user: null; session: null; token: null };

export type GateDecision =
  | ({ ok: true } & GateAccess & { headers: Headers })
  | { ok: false; response: Response };

export interface Gate {
  /**
   * Decides one request.
   *
   * @example
   * const decision = await gate.check(request, { remoteAddress });
   * if (!decision.ok) return decision.response;
   */
  check(request: Request, connection?: ConnectionInfo): Promise<GateDecision>;
  /**
   * Wraps a fetch handler: it runs only for requests that pass.
   *
   * @example
   * Bun.serve({ fetch: latchkey.gate().protect(app.fetch) });
   */
  protect(
    handler: (request: Request, connection?: ConnectionInfo) => Response | Promise<Response>,
  ): (request: Request, connection?: ConnectionInfo) => Promise<Response>;
}

export interface GateParts {
  ready: () => Promise<void>;
}

function matches(path: string, rule: string | RegExp): boolean {
  if (typeof rule !== 'string') return rule.test(path);
  const prefix = rule.endsWith('/') ? rule.slice(0, -1) : rule;
  return path === prefix || path.startsWith(`${prefix}/`) || (rule.endsWith('/') && path === rule);
}

function wantsHtml(request: Request): boolean {
  return request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
}

/**
 * `latchkey.gate(options)`: protects the host app's own routes with the
 * Latchkey session, a bearer token, or one of the soft escapes a self-hosted
 * tool needs (loopback, first-enrolment grace, development mode).
 */
export function createGate(services: Services, parts: GateParts, options: GateOptions = {}): Gate {
  const { config } = services;
  if (options.publicPaths !== undefined && !Array.isArray(options.publicPaths)) {
    throw new TypeError('gate: publicPaths must be an array of strings or RegExps');
  }
  if (options.signInPath !== undefined && !/^\/[^/\\]/.test(`${options.signInPath}x`)) {
    throw new TypeError("gate: signInPath must be a path on this site, like '/sign-in'");
  }
  const requireAuth = options.requireAuth !== false;
  const loopbackBypass = options.loopbackBypass !== false;
  const originGrace = options.originGrace !== false;
  const useBearer = options.bearer !== false;
  const publicPaths: (string | RegExp)[] = [
    config.basePath || '/auth',
    '/.well-known',
    ...(options.publicPaths ?? []),
  ];

  const pass = (access: GateAccess, headers = new Headers()): GateDecision => ({
    ok: true,
    ...access,
    headers,
  });
  const anonymous = (via: 'loopback' | 'grace' | 'public' | 'open'): GateAccess => ({
    via,
    user: null,
    session: null,
    token: null,
  });

  function deny(request: Request, error: LatchkeyError): GateDecision {
    if (error.code === 'UNAUTHENTICATED' && options.signInPath && wantsHtml(request)) {
      const url = new URL(request.url);
      const next = encodeURIComponent(url.pathname + url.search);
      return {
        ok: false,
        response: new Response(null, {
          status: 302,
          headers: { location: `${options.signInPath}?next=${next}` },
        }),
      };
    }
    return { ok: false, response: toErrorResponse(error, config.logger) };
  }

  async function check(request: Request, connection?: ConnectionInfo): Promise<GateDecision> {
    try {
      const url = new URL(request.url);
      if (!requireAuth) return pass(anonymous('open'));
      if (publicPaths.some((rule) => matches(url.pathname, rule))) return pass(anonymous('public'));

      await parts.ready();
      const ctx = buildContext(request, connection, config, null);
      // A locked session's API requests carry a request proof. A page load (a
      // navigation, which cannot send headers) without one falls back to the
      // periodic proof: the weaker rule, documented in the README.
      const caller = await identifyCaller(services, ctx, {
        bearer: useBearer,
        proof: wantsHtml(request) ? 'page-load' : 'request',
      });
      checkCsrf(config, request, caller, ctx.cookies.size > 0);
      if (caller.via === 'session') {
        checkSessionKind(caller.session.kind, FULL_SESSIONS);
        return pass({
          via: 'session',
          user: toWireUser(caller.user),
          session: toWireSession(caller.session),
          token: null,
        });
      }
      if (caller.via === 'token') {
        checkScopes(caller, gateScopes(request.method, options.scopes));
        const { id, name, scopes, agent } = caller.token;
        return pass({
          via: 'token',
          user: toWireUser(caller.user),
          session: null,
          token: { id, name, scopes, agent },
        });
      }
      if (loopbackBypass && isLoopbackRequest(request, connection?.remoteAddress ?? null))
        return pass(anonymous('loopback'));
      if (caller.refused) return deny(request, caller.refused.error);
      const graceFor = originGrace ? await firstEnrolmentGrace(services, request) : null;
      if (graceFor) return pass(anonymous('grace'), new Headers({ 'x-latchkey-grace': graceFor }));
      return deny(request, new LatchkeyError('UNAUTHENTICATED', 'Sign in first'));
    } catch (error) {
      if (error instanceof LatchkeyError) return deny(request, error);
      return { ok: false, response: toErrorResponse(error, config.logger) };
    }
  }

  return {
    check,
    protect(handler) {
      return async (request, connection) => {
        const decision = await check(request, connection);
        if (!decision.ok) return decision.response;
        const response = await handler(request, connection);
        if (!decision.headers.keys().next().done) {
          const withHeaders = new Response(response.body, response);
          for (const [k, v] of decision.headers) withHeaders.headers.set(k, v);
          return withHeaders;
        }
        return response;
      };
    },
  };
}
