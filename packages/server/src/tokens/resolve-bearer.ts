import { LatchkeyError } from '@latchkey/core';
import type { BearerResolver } from '../handler.js';
import type { RequestContext } from '../http/request-context.js';
import { constantTimeEqual, sha256 } from '../internal/crypto.js';
import type { Services } from '../internal/services.js';
import type { TokenRecord, UserRecord } from '../stores/contract.js';

/** `lastUsedAt` is written at most this often, so a busy script does not write on every call. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Looks up a presented bearer token by the SHA-256 of its text, refuses expired
 * ones and tokens of a deleted user, and on success sets `ctx.user` and
 * `ctx.token`. Revocation deletes the record, so it takes effect on the next
 * request on every instance (no cache). Returns false for anything not valid.
 *
 * @example
 * if (await resolveBearer(services, ctx, presented)) console.log(ctx.token?.scopes);
 */
export async function resolveBearer(
  services: Services,
  ctx: RequestContext,
  presented: string,
): Promise<boolean> {
  const found = await findBearer(services, presented, ctx.now);
  if (found.status !== 'ok') return false;
  ctx.user = found.user;
  ctx.token = found.token;
  return true;
}

export type BearerLookup =
  | { status: 'ok'; token: TokenRecord; user: UserRecord }
  | { status: 'unknown' | 'expired' };

/**
 * The lookup behind `resolveBearer`, without a request: finds the token and its
 * user, and touches `lastUsedAt` (at most once a minute).
 *
 * @example
 * const found = await findBearer(services, 'lk_…', Date.now());
 * if (found.status === 'ok') console.log(found.user.id);
 */
export async function findBearer(
  services: Services,
  presented: string,
  now: number,
): Promise<BearerLookup> {
  const { store } = services;
  if (presented.length === 0 || presented.length > 512) return { status: 'unknown' };
  const hash = await sha256(presented);
  const token = await store.getTokenByHash(hash);
  // The store finds by hash; comparing again in constant time keeps a store that
  // matches loosely (a case-insensitive collation, say) from letting a near miss in.
  if (!token || !constantTimeEqual(token.tokenHash, hash)) return { status: 'unknown' };
  if (token.expiresAt !== null && now >= token.expiresAt) return { status: 'expired' };
  const user = await store.getUser(token.userId);
  if (!user) return { status: 'unknown' };
  if (token.lastUsedAt === null || now - token.lastUsedAt >= TOUCH_INTERVAL_MS) {
    await store.touchToken(token.id, now);
    token.lastUsedAt = now;
  }
  return { status: 'ok', token, user };
}

/**
 * The handler's (and the gate's) bearer resolver: like `resolveBearer`, but a
 * token that is not valid answers `401 INVALID_TOKEN` with
 * `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3.1) instead of
 * being treated as no credential at all, so a script learns its token is dead.
 *
 * @example
 * createHandler({ services, handlers, ready, bearer: createBearerResolver(services) });
 */
export function createBearerResolver(services: Services): BearerResolver {
  return async (ctx, presented) => {
    const found = await findBearer(services, presented, ctx.now);
    if (found.status === 'ok') {
      ctx.user = found.user;
      ctx.token = found.token;
      return true;
    }
    ctx.headers.set('www-authenticate', 'Bearer error="invalid_token"');
    throw new LatchkeyError(
      'INVALID_TOKEN',
      found.status === 'expired'
        ? 'This token has expired; create a new one'
        : 'This token is not valid: it was revoked or never existed',
    );
  };
}
