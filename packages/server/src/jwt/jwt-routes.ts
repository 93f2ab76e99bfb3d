import type { RouteHandlers } from '../services.js';
import { requireScopes } from '../tokens/has-scopes.js';
import type { SigningKeys } from './signing-keys.js';

/**
 * `POST /jwt {audience}`: a signed-in session, or a token with `read`, gets a
 * short-lived JWT that another service verifies against the JWKS. It never
 * outlives what asked for it (the session's or the token's expiry), and a
 * token's scopes travel with it in `scope`.
 *
 * @example
 * const handlers = { ...jwtRoutes(new SigningKeys(config, store)) };
 */
export function jwtRoutes(keys: SigningKeys): RouteHandlers {
  return {
    async issueJwt(ctx, { config }) {
      requireScopes(ctx, ['read']);
      const claims: Record<string, string> = {};
      let until: number;
      if (ctx.token) {
        claims.sid = `token:${ctx.token.id}`;
        claims.scope = ctx.token.scopes.join(' ');
        until = ctx.token.expiresAt ?? Number.POSITIVE_INFINITY;
      } else {
        claims.sid = ctx.session.id;
        until = ctx.session.expiresAt;
      }
      const ttl = Math.max(1, Math.min(config.jwt.ttl, Math.floor((until - ctx.now) / 1000)));
      const signed = await keys.sign({ sub: ctx.user.id, aud: ctx.body.audience, ttl, claims });
      return { token: signed.token, expiresAt: new Date(signed.expiresAt).toISOString() };
    },
  };
}
