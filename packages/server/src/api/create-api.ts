import type { AuditEvent, PasskeyInfo, Session, SessionInfo } from '@latchkey/core';
import { LatchkeyError } from '@latchkey/core';
import { createUser, type NewUser } from '../accounts/create-user.js';
import { deleteAccount } from '../accounts/delete-account.js';
import { type AppUser, findUser, toAppUser, type UserRef } from '../accounts/find-user.js';
import { startAppSession } from '../accounts/start-app-session.js';
import { checkUserFields, type UserFields, userConflict } from '../accounts/user-input.js';
import { buildContext } from '../http/build-context.js';
import { type Caller, identifyCaller, type SessionKind } from '../identity/identify-caller.js';
import { checkCsrf, FULL_SESSIONS } from '../identity/policy.js';
import type { JwtApi } from '../jwt/jwt-api.js';
import { listPasskeys, removePasskey, renamePasskey } from '../passkeys/passkey-operations.js';
import type { Services } from '../services.js';
import type { TokenApi } from '../tokens/token-api.js';
import { toWireAuditEvent } from '../wire/to-wire-audit-event.js';
import { toWireSession, toWireSessionInfo } from '../wire/to-wire-session.js';

/** The host app's programmatic surface; every method waits for migrations. */
export interface LatchkeyApi {
  /**
   * The users, for an app that already has its own (docs: "Apps that already
   * have users"). Every user this returns carries `externalId`, the app's own
   * id for the person. A taken email or external id is `EMAIL_TAKEN` /
   * `EXTERNAL_ID_TAKEN` (409), a bad value `INVALID_BODY`; nothing is written then.
   */
  users: {
    /**
     * Creates a user without a passkey (it enrols one later, through
     * `identify`); records `user.created` with `data.by: 'api'`. A random `id`
     * unless given (`USER_EXISTS` when taken).
     *
     * @example
     * const user = await latchkey.api.users.create({ externalId: appUser.id, email: appUser.email });
     */
    create(input: NewUser): Promise<AppUser>;
    /**
     * By Latchkey id (a string or `{id}`), email (any case) or external id; null when none.
     *
     * @example
     * await latchkey.api.users.get({ email: 'ada@example.com' });
     */
    get(ref: UserRef): Promise<AppUser | null>;
    /** @deprecated use `get({ email })`. */
    getByEmail(email: string): Promise<AppUser | null>;
    /**
     * The user the app knows as `externalId` (an exact match), or null.
     *
     * @example
     * const user = await latchkey.api.users.byExternalId(String(appUser.id));
     */
    byExternalId(externalId: string): Promise<AppUser | null>;
    /**
     * Changes the display name, email or external id (null clears them); null when no such user.
     *
     * @example
     * await latchkey.api.users.update({ externalId: '42' }, { email: 'new@example.com' });
     */
    update(ref: UserRef, patch: UserFields): Promise<AppUser | null>;
    /**
     * Deletes the account with every passkey, session, token and recovery code
     * (the audit trail stays, with an `account.deleted` event, `data.by: 'api'`).
     * False when there is no such user.
     *
     * @example
     * await latchkey.api.users.delete({ externalId: String(appUser.id) });
     */
    delete(ref: UserRef): Promise<boolean>;
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
     * and `password` sessions count (`FULL_SESSIONS`) unless `allowKinds` names
     * others (`recovery`, `enrol`: a device that must add a passkey first; or
     * `['full']` alone, to keep password sessions out of a sensitive page). A locked session counts only with a
     * valid `Latchkey-Proof` header (send the request with `signedFetch` from
     * `@latchkey/react/locked`).
     *
     * @example
     * const signedIn = await latchkey.api.sessions.fromRequest(request);
     * const any = await latchkey.api.sessions.fromRequest(request, { allowKinds: ['full', 'password', 'recovery', 'enrol', 'email'] });
     */
    fromRequest(
      request: Request,
      options?: { allowKinds?: readonly SessionKind[] },
    ): Promise<{ user: AppUser; session: Session } | null>;
    /**
     * Starts a Latchkey session (`full`) for a user the app has already
     * authenticated its own way, and records `signin.succeeded` with `data.amr`
     * (RFC 8176 method names, such as `pwd` or `otp`) and `data.by: 'api'`.
     * Send `setCookie` as the answer's `Set-Cookie`. Pass the app's `request`
     * so the cookie fits its scheme (`__Host-` on https), the session records
     * its IP and browser, and a Latchkey session the request already had is
     * ended (session fixation). The session cannot step up without a passkey:
     * sensitive actions still need one. `NOT_FOUND` for an unknown user,
     * `POP_REQUIRED` for an account on the `locked` tier.
     *
     * @example
     * const { setCookie } = await latchkey.api.sessions.create(user.id, { amr: ['pwd'], request });
     * res.append('Set-Cookie', setCookie);
     */
    create(
      userId: string,
      options: { amr: string[]; request?: Request },
    ): Promise<{ session: Session; setCookie: string }>;
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
      create: withReady(async (input: NewUser) =>
        toAppUser(await createUser(services, input, null, 'api')),
      ),
      get: withReady(async (ref: UserRef) => {
        const u = await findUser(store, ref);
        return u ? toAppUser(u) : null;
      }),
      getByEmail: withReady(async (email: string) => {
        const u = await findUser(store, { email });
        return u ? toAppUser(u) : null;
      }),
      byExternalId: withReady(async (externalId: string) => {
        const u = await findUser(store, { externalId });
        return u ? toAppUser(u) : null;
      }),
      update: withReady(async (ref: UserRef, patch: UserFields) => {
        const fields = checkUserFields(patch);
        const u = await findUser(store, ref);
        if (!u) return null;
        try {
          const updated = await store.updateUser(u.id, fields);
          return updated ? toAppUser(updated) : null;
        } catch (error) {
          throw userConflict(error);
        }
      }),
      delete: withReady(async (ref: UserRef) => {
        const u = await findUser(store, ref);
        return u ? deleteAccount(services, null, u.id) : false;
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
          return { user: toAppUser(caller.user), session: toWireSession(caller.session) };
        },
      ),
      create: withReady((userId: string, options: { amr: string[]; request?: Request }) =>
        startAppSession(services, userId, options),
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
