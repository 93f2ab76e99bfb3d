import { LatchkeyError } from '@latchkey/core';
import type { RouteHandlers } from '../internal/services.js';
import { HANDOFF_TYP, type SigningKeys } from '../jwt/signing-keys.js';
import { toWireUser } from '../passkeys/to-wire.js';
import { toWireSession } from '../sessions/session-manager.js';

/** A handoff token lives this long: enough to open a link, too short to be worth stealing. */
const HANDOFF_TTL_S = 60;

/**
 * `POST /handoff {audience}` and `POST /handoff/exchange {token}`: open a
 * session on another origin of this deployment (a tunnel, a LAN address) from a
 * signed-in one, without a second passkey ceremony. The token is a JWT with its
 * own `typ` (an access JWT cannot be exchanged, nor a handoff token used as an
 * access JWT), bound to the target origin by `aud`, valid 60 seconds, and
 * single use through its `jti`.
 *
 * @example
 * const handlers = { ...handoffRoutes(signingKeys) };
 */
export function handoffRoutes(keys: SigningKeys): RouteHandlers {
  return {
    async handoff(ctx, { config, audit }) {
      let audience: string;
      try {
        audience = new URL(ctx.body.audience).origin;
      } catch {
        throw new LatchkeyError('INVALID_BODY', 'audience: must be an origin');
      }
      // Only origins this deployment serves: a handoff must never mint a session
      // ticket for a site the operator did not list.
      if (!config.webOrigins.has(audience))
        throw new LatchkeyError('FORBIDDEN', `${audience} is not one of this server's origins`);
      const signed = await keys.sign({
        sub: ctx.user!.id,
        aud: audience,
        ttl: HANDOFF_TTL_S,
        typ: HANDOFF_TYP,
        claims: { sid: ctx.session!.id },
      });
      await audit.record(ctx, 'handoff.issued', ctx.user!.id, { audience, jti: signed.jti });
      return {
        token: signed.token,
        // A fragment never reaches a server log or a Referer; the target page
        // reads it and POSTs it to its own /handoff/exchange.
        url: `${audience}/#latchkey-handoff=${signed.token}`,
        expiresAt: new Date(signed.expiresAt).toISOString(),
      };
    },

    async exchangeHandoff(ctx, { store, sessions, audit, rateLimit }) {
      await rateLimit.checkIp(ctx);
      const invalid = (message: string) => new LatchkeyError('HANDOFF_INVALID', message);
      let claims: Awaited<ReturnType<SigningKeys['verify']>>;
      try {
        // `aud` must be the origin this request comes from: a token for one origin
        // cannot open a session on another.
        claims = await keys.verify(ctx.body.token, { audience: ctx.origin, typ: HANDOFF_TYP });
      } catch (error) {
        const code = (error as { code?: string }).code;
        const claim = (error as { claim?: string }).claim;
        if (code === 'ERR_JWT_EXPIRED') throw invalid('This handoff link has expired');
        if (claim === 'aud') throw invalid('This handoff link is for another origin');
        throw invalid('This handoff link is not valid');
      }
      // A locked account's session on the target origin is bound to that browser's
      // device key too; refused before the link is used up, so the page can retry.
      const owner = await store.getUser(claims.sub);
      if (owner?.tier === 'locked' && !ctx.body.popKey) {
        throw new LatchkeyError(
          'POP_REQUIRED',
          'This account needs a device key with every sign-in',
        );
      }
      // Stores measure marker expiry on the wall clock; keep the marker for the
      // token's remaining life (plus slack), whatever clock `config.now` runs.
      const remaining = claims.exp * 1000 - ctx.now;
      if (!(await store.markOnce(`handoff:${claims.jti}`, Date.now() + remaining + 5_000)))
        throw invalid('This handoff link was already used');

      const sid = typeof claims.sid === 'string' ? claims.sid : null;
      const source = sid
        ? (await store.listSessions(claims.sub)).find((s) => s.id === sid && s.expiresAt > ctx.now)
        : undefined;
      const user = await store.getUser(claims.sub);
      // Signing out (or revoking that session) before the link is used cancels it.
      if (source?.kind !== 'full' || !user)
        throw invalid('The session that made this link has ended');

      const session = await sessions.start(ctx, {
        userId: user.id,
        kind: 'full',
        credentialId: source.credentialId,
        popKey: ctx.body.popKey ? JSON.stringify(ctx.body.popKey) : null,
      });
      await audit.record(ctx, 'handoff.exchanged', user.id, {
        jti: claims.jti,
        from: source.id,
        origin: ctx.origin,
      });
      return { user: toWireUser(user), session: toWireSession(session) };
    },
  };
}
