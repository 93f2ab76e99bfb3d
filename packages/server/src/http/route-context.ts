import type { PathParamNames, RouteName, Routes } from '@latchkey/core';
import type * as z from 'zod/mini';
import type { SessionRecord, TokenRecord, UserRecord } from '../stores/contract.js';
import type { RequestContext } from './request-context.js';

/** The parsed body of a route (its schema's output), or `undefined` for a route without one. */
export type RouteBodyOf<N extends RouteName> = Routes[N]['request'] extends z.ZodMiniType
  ? z.output<Routes[N]['request']>
  : undefined;

/** A route's path parameters, checked and decoded by the handler: `'/tokens/:id'` → `{ id }`. */
export type RouteParams<N extends RouteName> = {
  readonly [K in PathParamNames<Routes[N]['path']>]: string;
};

/** A Latchkey session (cookie or native app's bearer): what a `session` or `elevated` route sees. */
interface SignedIn {
  user: UserRecord;
  session: SessionRecord;
  token: null;
  appSession: false;
}

/** An API token, on a `session` route marked `bearer`: the user, and no session. */
interface ByToken {
  user: UserRecord;
  session: null;
  token: TokenRecord;
  appSession: false;
}

/**
 * Who the handler guarantees is calling a route, by its `auth` and `bearer`
 * (`authorizeRoute` refuses everyone else before the route runs):
 * - `elevated`: a session (tokens are refused);
 * - `session`: a session, or with `bearer` an API token instead;
 * - `public`, `enrol`, `pairing`: anyone, as `RequestContext` says (an `enrol`
 *   route sees nobody, the host app's signed-in person or any session), and
 *   no token unless the route takes `bearer`.
 */
type CallerOf<N extends RouteName> = Routes[N]['auth'] extends 'elevated'
  ? SignedIn
  : Routes[N]['auth'] extends 'session'
    ? Routes[N] extends { readonly bearer: true }
      ? SignedIn | ByToken
      : SignedIn
    : Routes[N] extends { readonly bearer: true }
      ? Pick<RequestContext, 'user' | 'session' | 'token' | 'appSession'>
      : Pick<RequestContext, 'user' | 'session' | 'appSession'> & { token: null };

/**
 * What route `N`'s implementation sees: the request context with its body
 * parsed, its path parameters named, and the caller narrowed by the route's
 * `auth`, so a `session` route reads `ctx.user.id` with no null check. For a
 * union of names it is the union of their contexts (for helpers several
 * routes share).
 *
 * @example
 * const revoke: RouteHandler<'revokeToken'> = async (ctx) => {
 *   await store.deleteToken(ctx.user.id, ctx.params.id);
 *   return { ok: true };
 * };
 */
export type RouteContext<N extends RouteName> = N extends RouteName
  ? Omit<RequestContext<RouteBodyOf<N>>, 'params' | 'user' | 'session' | 'token' | 'appSession'> & {
      readonly params: RouteParams<N>;
    } & CallerOf<N>
  : never;
