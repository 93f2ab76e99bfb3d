import { LatchkeyError } from '@latchkey/core';
import type { RequestContext } from '../http/request-context.js';
import { checkRequestProof, PROOF_HEADER } from '../pop/check-request-proof.js';
import { proofIsStale } from '../pop/verify-pop-signature.js';
import type { Services } from '../services.js';
import { SESSION_TOKEN_PREFIX } from '../sessions/session-manager.js';
import type { SessionRecord, TokenRecord, UserRecord } from '../stores/contract.js';
import { findBearer } from '../tokens/find-bearer.js';
import { appUser, askApp } from './app-identity.js';

/** The kinds of session: `full` after a passkey ceremony; `recovery`, `email` (an email link) and `enrol` (pairing) may only add a passkey. */
export type SessionKind = SessionRecord['kind'];

/**
 * Who is calling, as the handler, the gate and `api.sessions.fromRequest` all
 * see it. `refused` says why a credential the request carried does not count:
 * a locked session without its device key's proof (`proof`), or a bearer token
 * that is unknown, revoked or expired (`token`).
 */
export type Caller =
  | SessionCaller
  | { via: 'token'; user: UserRecord; session: null; token: TokenRecord; refused: null }
  | AppCaller
  | NoCaller;

/**
 * A Latchkey session; `carrier` says how it came: a browser's cookie, or a
 * native app's `Authorization: Bearer lks_…` (not ambient, so no CSRF rule).
 */
export interface SessionCaller {
  via: 'session';
  user: UserRecord;
  session: SessionRecord;
  carrier: 'cookie' | 'bearer';
  token: null;
  refused: null;
}

/**
 * The host app's signed-in person, as its `identify` hook answered, on a route
 * that asks (`asksApp`), with no Latchkey session: it may enrol a passkey
 * (`checkAppEnrolment`) and nothing else.
 */
export interface AppCaller {
  via: 'app';
  user: UserRecord;
  session: null;
  token: null;
  refused: null;
}

/** No credential counts; `refused` says which one the request carried in vain. */
export interface NoCaller {
  via: 'nobody';
  user: null;
  session: null;
  token: null;
  refused: { reason: 'proof' | 'token' | 'identity'; error: LatchkeyError } | null;
}

/**
 * The caller of a request that carries no credential.
 *
 * @example
 * if (caller === NOBODY) console.log('signed out');
 */
export const NOBODY: NoCaller = Object.freeze({
  via: 'nobody',
  user: null,
  session: null,
  token: null,
  refused: null,
});

export interface IdentifyOptions {
  /** Accept `Authorization: Bearer` (routes marked `bearer`; the gate unless `bearer: false`). */
  bearer: boolean;
  /**
   * How a locked session proves its device key: `request` (a `Latchkey-Proof`
   * header on this request), `page-load` (a navigation cannot send headers: the
   * periodic proof must be fresh, unless the header is there) or `skip` (the
   * routes that refresh the periodic proof or sign out).
   */
  proof: 'request' | 'page-load' | 'skip';
  /**
   * Ask the host app's `identify` hook (the routes that enrol a passkey): with
   * no Latchkey session its answer is the caller; with one, an answer naming
   * someone else refuses the request.
   */
  app?: boolean;
}

const BEARER_RE = /^Bearer\s+(\S{1,512})$/i;

/**
 * The bearer token of `Authorization: Bearer <token>` (RFC 6750 §2.1), or null.
 *
 * @example
 * bearerOf(new Request('https://x', { headers: { authorization: 'Bearer lk_abc' } })) // 'lk_abc'
 */
export function bearerOf(request: Request): string | null {
  return request.headers.get('authorization')?.match(BEARER_RE)?.[1] ?? null;
}

/**
 * Turns a request into its caller, in one order everywhere: the session cookie
 * (its name chosen by the scheme: `__Host-` on https only), then, for a locked
 * session, the proof of its device key (docs/design.md, "Proof of possession"),
 * then (routes that enrol a passkey, with an `identify` hook) the host app's
 * signed-in person, then a bearer token. A native app's session token
 * (`Bearer lks_…`, on every route, as a cookie would be) is a session like a
 * cookie's, checked the same way. A cookie session, when present, is the
 * credential in use; a bearer is read only without one.
 *
 * @example
 * const caller = await identifyCaller(services, ctx, { bearer: true, proof: 'request' });
 * if (caller.via === 'session') console.log(caller.session.kind);
 */
export async function identifyCaller(
  services: Services,
  ctx: RequestContext,
  options: IdentifyOptions,
): Promise<Caller> {
  const cookie = await services.sessions.resolve(ctx);
  // A native app's session (`lks_…`) is read only without a cookie session, like an API token.
  const presented = cookie ? null : bearerOf(ctx.request);
  const native = presented ? await services.sessions.resolveBearer(presented, ctx.now) : null;
  const found = cookie ?? native;
  if (found) {
    const { session, user } = found;
    const carrier = cookie ? 'cookie' : 'bearer';
    const error =
      options.proof === 'skip' ? null : await proofError(services, ctx, session, options, carrier);
    if (error) return { ...NOBODY, refused: { reason: 'proof', error } };
    if (options.app) {
      // Two people at one browser (the app's sign-in changed, Latchkey's did not):
      // a passkey must not go to an account the app's signed-in person is not.
      const identity = await askApp(services, ctx.request);
      if (identity && identity.externalId !== user.externalId) {
        const error = new LatchkeyError(
          'FORBIDDEN',
          'You are signed in to this app as someone else; sign out and in again',
        );
        return { ...NOBODY, refused: { reason: 'identity', error } };
      }
    }
    return { via: 'session', user, session, carrier, token: null, refused: null };
  }
  if (options.app) {
    const identity = await askApp(services, ctx.request);
    if (identity) {
      const user = await appUser(services, ctx, identity);
      return { via: 'app', user, session: null, token: null, refused: null };
    }
  }
  const bearer = options.bearer ? bearerOf(ctx.request) : null;
  // A dead session token counts as signed out, as a dead cookie does.
  if (bearer === null || bearer.startsWith(SESSION_TOKEN_PREFIX)) return NOBODY;
  const token = await findBearer(services, bearer, ctx.now);
  if (token.status === 'ok')
    return { via: 'token', user: token.user, session: null, token: token.token, refused: null };
  const error = new LatchkeyError(
    'INVALID_TOKEN',
    token.status === 'expired'
      ? 'This token has expired; create a new one'
      : 'This token is not valid: it was revoked or never existed',
  );
  return { ...NOBODY, refused: { reason: 'token', error } };
}

/**
 * Why a locked session's request is not proven, or null when it is (or nothing
 * is locked). The periodic proof stands in for the header only for a cookie: a
 * navigation cannot send headers, but whoever sends `Authorization: Bearer`
 * can send `Latchkey-Proof` too, so a copied bearer token never rides it.
 */
async function proofError(
  services: Services,
  ctx: RequestContext,
  session: SessionRecord,
  options: IdentifyOptions,
  carrier: SessionCaller['carrier'],
): Promise<LatchkeyError | null> {
  if (!session.popKey) return null;
  if (
    options.proof === 'page-load' &&
    carrier === 'cookie' &&
    !ctx.request.headers.has(PROOF_HEADER)
  ) {
    return proofIsStale(session, ctx.now, services.config.pop.maxAge)
      ? new LatchkeyError('POP_REQUIRED', 'Prove this device’s key first')
      : null;
  }
  try {
    await checkRequestProof(services, ctx, session);
    return null;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
}
