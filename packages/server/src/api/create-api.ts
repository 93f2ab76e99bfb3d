import type { AuditEvent, PasskeyInfo, Session, SessionInfo, User } from '@latchkey/core';
import { LatchkeyError } from '@latchkey/core';
import { toWireAuditEvent } from '../audit/auditor.js';
import { buildContext } from '../http/build-context.js';
import { type Caller, identifyCaller, type SessionKind } from '../identity/identify-caller.js';
import { checkCsrf, FULL_SESSIONS } from '../identity/policy.js';
import type { Services } from '../internal/services.js';
import type { JwtApi } from '../jwt/jwt-api.js';
import { listPasskeys, removePasskey, renamePasskey } from '../passkeys/passkey-operations.js';
import { toWireUser } from '../passkeys/to-wire.js';
import { toWireSession, toWireSessionInfo } from '../sessions/session-manager.js';
import type { TokenApi } from '../tokens/token-api.js';

/** The host app's programmatic surface; every method waits for migrations. */
export interface LatchkeyApi {
  users: {
    get(userId: string): Promise<User | null>;
    getByEmail(email: string): Promise<User | null>;
    update(userId: string, patch: { displayName?: string | null }): Promise<User | null>;
  };
  /** The same operations as the `/passkeys` routes: the same checks, order and audit events. */
  passkeys: {
    /** Oldest first. */
    list(userId: string): Promise<PasskeyInfo[]>;
    /** A blank or too long name is `INVALID_BODY`; another user's passkey is `NOT_FOUND`. */
    rename(userId: string, credentialId: string, name: string): Promise<PasskeyInfo>;
    /** Revokes a passkey; refuses the last one (`LAST_CREDENTIAL`) unless `allowLast`. */
    remove(userId: string, credentialId: string, options?: { allowLast?: boolean }): Promise<void>;
  };
  sessions: {
    /**
     * The signed-in user and session of a request (its cookie), or null: the
     * caller the handler would see, with the cookie name of the request's scheme
     * (`__Host-` on https only), refusing what the handler refuses (a foreign
     * `Origin`, a cross-site request that may change something). Only `full`
     * sessions count unless `allowKinds` names others (`recovery`, `enrol`: a
     * device that must add a passkey first). A locked session counts only with a
     * valid `Latchkey-Proof` header (send the request with `signedFetch` from
     * `@latchkey/react/locked`).
     *
     * @example
     * const signedIn = await latchkey.api.sessions.fromRequest(request);
     * const any = await latchkey.api.sessions.fromRequest(request, { allowKinds: ['full', 'recovery', 'enrol', 'email'] });
     */
    fromRequest(
      request: Request,
      options?: { allowKinds?: readonly SessionKind[] },
    ): Promise<{ user: User; session: Session } | null>;
    list(userId: string): Promise<SessionInfo[]>;
    revoke(sessionId: string): Promise<void>;
    revokeAll(userId: string): Promise<number>;
  };
  audit: {
    list(filter?: { userId?: string; limit?: number; before?: Date }): Promise<AuditEvent[]>;
  };
  /** Personal and agent tokens (built by `createTokenApi`). */
  tokens: TokenApi;
  /** JWTs for other services and key rotation (built by `createJwtApi`). */
  jwt: JwtApi;
}

export function createApi(
  services: Services,
  ready: () => Promise<void>,
): Omit<LatchkeyApi, 'tokens' | 'jwt'> {
  const { store } = services;
  const withReady =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A) => {
      await ready();
      return fn(...args);
    };

  return {
    users: {
      get: withReady(async (id: string) => {
        const u = await store.getUser(id);
        return u ? toWireUser(u) : null;
      }),
      getByEmail: withReady(async (email: string) => {
        const u = await store.getUserByEmail(email.toLowerCase());
        return u ? toWireUser(u) : null;
      }),
      update: withReady(async (id: string, patch: { displayName?: string | null }) => {
        const u = await store.updateUser(id, patch);
        return u ? toWireUser(u) : null;
      }),
    },
    passkeys: {
      list: withReady((userId: string) => listPasskeys(services, userId)),
      rename: withReady((userId: string, credentialId: string, name: string) =>
        renamePasskey(services, null, { userId, credentialId, name }),
      ),
      remove: withReady((userId: string, credentialId: string, options?: { allowLast?: boolean }) =>
        removePasskey(services, null, {
          userId,
          credentialId,
          ...(options?.allowLast ? { allowLast: true } : {}),
        }),
      ),
    },
    sessions: {
      fromRequest: withReady(
        async (request: Request, options?: { allowKinds?: readonly SessionKind[] }) => {
          const caller = await sessionCaller(services, request);
          if (caller?.via !== 'session') return null;
          if (!(options?.allowKinds ?? FULL_SESSIONS).includes(caller.session.kind)) return null;
          return { user: toWireUser(caller.user), session: toWireSession(caller.session) };
        },
      ),
      list: withReady(async (userId: string) =>
        (await store.listSessions(userId)).map((s) => toWireSessionInfo(s, null)),
      ),
      revoke: withReady((id: string) => store.deleteSession(id)),
      revokeAll: withReady((userId: string) => store.deleteSessionsOfUser(userId)),
    },
    audit: {
      list: withReady(async (filter?: { userId?: string; limit?: number; before?: Date }) =>
        (
          await store.listAudit({
            limit: Math.min(Math.max(filter?.limit ?? 50, 1), 1000),
            ...(filter?.userId ? { userId: filter.userId } : {}),
            ...(filter?.before ? { before: filter.before.getTime() } : {}),
          })
        ).map(toWireAuditEvent),
      ),
    },
  };
}

/**
 * The caller of a host app's request as the handler would see it (the same
 * cookie name, proof and CSRF rule), or null when the handler would refuse it.
 */
async function sessionCaller(services: Services, request: Request): Promise<Caller | null> {
  try {
    const ctx = buildContext(request, undefined, services.config, null);
    const caller = await identifyCaller(services, ctx, { bearer: false, proof: 'request' });
    checkCsrf(services.config, request, caller, ctx.cookies.size > 0);
    return caller;
  } catch (error) {
    if (error instanceof LatchkeyError) return null;
    throw error;
  }
}
