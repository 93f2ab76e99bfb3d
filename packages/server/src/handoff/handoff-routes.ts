import { base64urlEncode, LatchkeyError } from '@latchkey/core';
import type { RequestContext } from '../http/request-context.js';
import { checkStepUp } from '../identity/policy.js';
import { constantTimeEqual } from '../internal/crypto.js';
import type { ServerKeys } from '../internal/server-keys.js';
import { HANDOFF_TYP, type SigningKeys } from '../jwt/signing-keys.js';
import { newSessionKey } from '../pop/new-session-key.js';
import type { RouteHandlers, Services } from '../services.js';
import type { SessionRecord, UserRecord } from '../stores/contract.js';
import { toWireSession } from '../wire/to-wire-session.js';
import { toWireUser } from '../wire/to-wire-user.js';

/** A handoff token lives this long: enough to open a link, too short to be worth stealing. */
const HANDOFF_TTL_S = 60;

/**
 * The handoff's `sbind` claim: a MAC of the source session's stored secret hash
 * under a key derived from the server secret. It names the session without its
 * public id, so neither a forged token nor a read of the store can point a
 * handoff at someone's session; signing out, or the session's next rotation,
 * cancels the link.
 */
async function sessionBinding(keys: ServerKeys, userId: string, secretHash: string) {
  return (await keys.macs('handoff', `${userId}:${secretHash}`)).map((mac) => base64urlEncode(mac));
}

/**
 * `POST /handoff {audience}` and `POST /handoff/exchange {token}`: open a
 * session on another origin of this deployment (a tunnel, a LAN address) from a
 * signed-in one, without a second passkey ceremony. The token is a JWT with its
 * own `typ` (an access JWT cannot be exchanged, nor a handoff token used as an
 * access JWT), bound to the target origin by `aud` and to the source session's
 * secret by `sbind`, valid 60 seconds, and single use through its `jti`.
 *
 * @example
 * const handlers = { ...handoffRoutes(signingKeys) };
 */
export function handoffRoutes(keys: SigningKeys): RouteHandlers {
  return {
    async handoff(ctx, services) {
      const { config, audit, keys: serverKeys } = services;
      // A locked account's sessions are bound to their device, so a script
      // running in the page cannot carry them off; a handoff token opens a
      // session bound to another device's key. Minting one therefore takes a
      // fresh passkey confirmation, which no script can give unseen.
      if (ctx.user.tier === 'locked') {
        checkStepUp(
          services,
          ctx.session,
          ctx.now,
          'Confirm with your passkey to open this account on another address',
        );
      }
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
        sub: ctx.user.id,
        aud: audience,
        ttl: HANDOFF_TTL_S,
        typ: HANDOFF_TYP,
        claims: {
          sbind: (
            await sessionBinding(await serverKeys(), ctx.user.id, ctx.session.secretHash)
          )[0]!,
        },
      });
      await audit.record(ctx, 'handoff.issued', ctx.user.id, { audience, jti: signed.jti });
      return {
        token: signed.token,
        // A fragment never reaches a server log or a Referer; the target page
        // reads it and POSTs it to its own /handoff/exchange.
        url: `${audience}/#latchkey-handoff=${signed.token}`,
        expiresAt: new Date(signed.expiresAt).toISOString(),
      };
    },

    async previewHandoff(ctx, services) {
      await services.rateLimit.checkIp(ctx);
      const { user } = await openHandoff(keys, services, ctx, ctx.body.token);
      return { user: toWireUser(user), conflict: isConflict(ctx, user.id) };
    },

    async exchangeHandoff(ctx, services) {
      const { store, sessions, audit, rateLimit } = services;
      await rateLimit.checkIp(ctx);
      const { claims, source, user } = await openHandoff(keys, services, ctx, ctx.body.token);
      // Login CSRF: a link someone else made must not silently sign this browser
      // out of its own account and into theirs. The landing page names the
      // account and sends `replace` only once the person said so. Refused before
      // the link is used up, so that request can follow.
      if (isConflict(ctx, user.id) && ctx.body.replace !== true) {
        throw new LatchkeyError(
          'SESSION_CONFLICT',
          'This browser is signed in to another account here; confirm to switch',
        );
      }
      // A locked account's session on the target origin is bound to that browser's
      // device key too; refused before the link is used up, so the page can retry.
      const popKey = newSessionKey(user, ctx.body.popKey);
      // Stores measure marker expiry on the wall clock; keep the marker for the
      // token's remaining life (plus slack), whatever clock `config.now` runs.
      const remaining = claims.exp * 1000 - ctx.now;
      if (!(await store.markOnce(`handoff:${claims.jti}`, Date.now() + remaining + 5_000)))
        throw invalid('This handoff link was already used');

      const exchanged = {
        jti: claims.jti,
        from: source.id,
        origin: ctx.origin,
        ...(ctx.body.replace === true ? { replaced: true } : {}),
      };
      // The session and its audit event are one write.
      const session = await audit.recordWith(
        ctx,
        'handoff.exchanged',
        user.id,
        exchanged,
        (event) =>
          sessions.start(
            ctx,
            {
              userId: user.id,
              kind: 'full',
              credentialId: source.credentialId,
              popKey,
              // The new session ends when its source would have: bouncing between
              // origins must not keep a session alive forever.
              notAfter: source.expiresAt,
            },
            event,
          ),
      );
      return { user: toWireUser(user), session: toWireSession(session, sessions.issuedToken(ctx)) };
    },
  };
}

const invalid = (message: string) => new LatchkeyError('HANDOFF_INVALID', message);

/** This browser has a session here of a user other than `userId`. */
function isConflict(ctx: RequestContext, userId: string): boolean {
  return ctx.session !== null && ctx.user !== null && ctx.user.id !== userId;
}

/**
 * Checks a handoff token without using it up: signature, `typ`, expiry, an
 * audience that is this request's origin, and a source session still live.
 */
async function openHandoff(
  keys: SigningKeys,
  { store, keys: serverKeys }: Services,
  ctx: RequestContext,
  token: string,
): Promise<{
  claims: Awaited<ReturnType<SigningKeys['verify']>>;
  source: SessionRecord;
  user: UserRecord;
}> {
  let claims: Awaited<ReturnType<SigningKeys['verify']>>;
  try {
    // `aud` must be the origin this request comes from: a token for one origin
    // cannot open a session on another.
    claims = await keys.verify(token, { audience: ctx.origin, typ: HANDOFF_TYP });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const claim = (error as { claim?: string }).claim;
    if (code === 'ERR_JWT_EXPIRED') throw invalid('This handoff link has expired');
    if (claim === 'aud') throw invalid('This handoff link is for another origin');
    throw invalid('This handoff link is not valid');
  }
  // The source session is named by a MAC of its secret, not by its id: a copy of
  // the store cannot make a link for a session it only knows the id of.
  const binding = typeof claims.sbind === 'string' ? claims.sbind : null;
  let source: SessionRecord | undefined;
  for (const s of binding ? await store.listSessions(claims.sub) : []) {
    if (s.expiresAt <= ctx.now) continue;
    const macs = await sessionBinding(await serverKeys(), claims.sub, s.secretHash);
    if (macs.some((mac) => constantTimeEqual(mac, binding!))) source = s;
  }
  const user = await store.getUser(claims.sub);
  // Signing out (or revoking that session) before the link is used cancels it.
  if (source?.kind !== 'full' || !user) throw invalid('The session that made this link has ended');
  return { claims, source, user };
}
