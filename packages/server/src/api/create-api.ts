import type { AuditEvent, PasskeyInfo, Session, SessionInfo, User } from '@latchkey/core';
import { LatchkeyError } from '@latchkey/core';
import { toWireAuditEvent } from '../audit/auditor.js';
import { parseCookies } from '../http/cookies.js';
import type { Services } from '../internal/services.js';
import type { JwtApi } from '../jwt/jwt-api.js';
import { toWirePasskey, toWireUser } from '../passkeys/to-wire.js';
import { checkRequestProof, type ProofContext } from '../pop/check-request-proof.js';
import { toWireSession, toWireSessionInfo } from '../sessions/session-manager.js';
import type { TokenApi } from '../tokens/token-api.js';

/** The host app's programmatic surface; every method waits for migrations. */
export interface LatchkeyApi {
  users: {
    get(userId: string): Promise<User | null>;
    getByEmail(email: string): Promise<User | null>;
    update(userId: string, patch: { displayName?: string | null }): Promise<User | null>;
  };
  passkeys: {
    list(userId: string): Promise<PasskeyInfo[]>;
    rename(userId: string, credentialId: string, name: string): Promise<PasskeyInfo>;
    /** Revokes a passkey; refuses the last one (`LAST_CREDENTIAL`) unless `allowLast`. */
    remove(userId: string, credentialId: string, options?: { allowLast?: boolean }): Promise<void>;
  };
  sessions: {
    /**
     * The signed-in user and session of a request (its cookie), or null. A locked
     * session counts only with a valid `Latchkey-Proof` header (send the request
     * with `signedFetch` from `@latchkey/react/locked`).
     */
    fromRequest(request: Request): Promise<{ user: User; session: Session } | null>;
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
  const { store, config } = services;
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
      list: withReady(async (userId: string) =>
        (await store.listCredentials(userId)).map(toWirePasskey),
      ),
      rename: withReady(async (userId: string, credentialId: string, name: string) => {
        const c = await store.getCredential(credentialId);
        if (!c || c.userId !== userId) throw new LatchkeyError('NOT_FOUND', 'No such passkey');
        const trimmed = name.trim();
        if (!trimmed || trimmed.length > 64) throw new TypeError('name must be 1-64 characters');
        const updated = await store.updateCredential(credentialId, { name: trimmed });
        if (!updated) throw new LatchkeyError('NOT_FOUND', 'No such passkey');
        await services.audit.record(null, 'passkey.renamed', userId, {
          credentialId,
          name: trimmed,
          by: 'api',
        });
        return toWirePasskey(updated);
      }),
      remove: withReady(
        async (userId: string, credentialId: string, options?: { allowLast?: boolean }) => {
          const result = await store.deleteCredential(userId, credentialId, options);
          if (result === 'not-found') throw new LatchkeyError('NOT_FOUND', 'No such passkey');
          if (result === 'last')
            throw new LatchkeyError('LAST_CREDENTIAL', 'That is the user’s only passkey');
          if (config.revokeSessionsWithPasskey)
            await store.deleteSessionsOfUser(userId, { credentialId });
          await services.audit.record(null, 'passkey.revoked', userId, { credentialId, by: 'api' });
        },
      ),
    },
    sessions: {
      fromRequest: withReady(async (request: Request) => {
        const cookies = parseCookies(request.headers.get('cookie'));
        const now = config.now();
        // The request's origin is the host app's business: try the https and the http cookie name.
        for (const secure of [true, false]) {
          const found = await services.sessions.lookup(
            cookies.get(services.sessions.cookieName(secure)),
            now,
          );
          if (!found) continue;
          const { session, user } = found;
          // A locked session's request must carry a request proof by its device key
          // (DESIGN, "Proof of possession"): without one it is a copied cookie.
          try {
            await checkRequestProof(services, proofContext(request, now), session);
          } catch (error) {
            if (error instanceof LatchkeyError) continue;
            throw error;
          }
          return { user: toWireUser(user), session: toWireSession(session) };
        }
        return null;
      }),
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

/** What the request proof check and its audit read, for a request outside the handler. */
function proofContext(request: Request, now: number): ProofContext {
  return { request, now, ip: null, userAgent: request.headers.get('user-agent'), token: null };
}
