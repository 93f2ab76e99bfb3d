import type { AuditRecord } from './audit.js';
import type { Millis } from './common.js';
import type { UserRecord } from './users.js';

export interface SessionRecord {
  /** Public id, shown in session lists and used to revoke. */
  id: string;
  /** SHA-256 of the cookie secret: the lookup key. */
  secretHash: string;
  userId: string;
  /** `password`: signed in with a password, a full session that never passes a step-up. */
  kind: 'full' | 'recovery' | 'enrol' | 'email' | 'password';
  /** The passkey that opened it, when one did (revoking that passkey may end it). */
  credentialId: string | null;
  createdAt: Millis;
  expiresAt: Millis;
  lastSeenAt: Millis;
  elevatedUntil: Millis | null;
  ip: string | null;
  userAgent: string | null;
  /** The proof-of-possession public key (JWK JSON) when the session is locked. */
  popKey: string | null;
  popProvenAt: Millis | null;
}

/**
 * A running `watchSessions`. `live` is true while every change is reported; it
 * turns false when a change may go unreported (the listening connection was
 * lost and is being opened again), and `'*'` is reported then and again once
 * the watch is back.
 */
export interface SessionWatch {
  readonly live: boolean;
  /**
   * Only for a store other processes write to, whose reports travel (a
   * PostgreSQL connection): milliseconds since the latest moment up to which
   * every committed change is known to have been reported, or `Infinity` when
   * none is known. A cache trusts its entries only while this is within its
   * bound, and a revoking write waits out that bound before it answers, so no
   * instance answers from an entry older than a revocation whose answer has been
   * given (see `SessionCache`). Asking keeps the watch measuring; a watch nobody
   * asks for a while stops. Without it, every change is reported before the write
   * that made it resolves (one process: the memory store, PGlite).
   */
  lag?(): number;
  /** Stops the watch; nothing is reported after it resolves. */
  close(): Promise<void>;
}

/** Sessions. */
export interface SessionStore {
  /**
   * Stores a session and, when given, the audit event that records it, in one
   * transaction: a sign-in is never stored without its event, nor the other way.
   * Throws `StoreConflictError` (`'other'`) on a taken secret hash or event id.
   */
  createSession(session: SessionRecord, event?: AuditRecord): Promise<void>;
  getSessionBySecretHash(secretHash: string): Promise<SessionRecord | null>;
  /**
   * The session with this secret hash and its user, in one read: what every
   * signed-in request asks (a SQL store joins the two tables). Null when either
   * is missing.
   */
  getSessionAndUser(
    secretHash: string,
  ): Promise<{ session: SessionRecord; user: UserRecord } | null>;
  listSessions(userId: string): Promise<SessionRecord[]>;
  updateSession(
    id: string,
    patch: Partial<
      Pick<
        SessionRecord,
        'lastSeenAt' | 'expiresAt' | 'elevatedUntil' | 'kind' | 'popKey' | 'popProvenAt'
      >
    >,
  ): Promise<void>;
  /** Replaces the secret (rotation): the old cookie stops working at once. */
  rotateSession(
    id: string,
    newSecretHash: string,
    patch?: Partial<Pick<SessionRecord, 'kind' | 'elevatedUntil' | 'expiresAt' | 'credentialId'>>,
  ): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteSessionsOfUser(
    userId: string,
    filter?: { credentialId?: string; exceptId?: string },
  ): Promise<number>;
  /**
   * Optional: reports, after each commit, the id of every user whose sessions
   * or user record changed (updated or deleted, by any writer of the backend,
   * this process or another), and `'*'` whenever a change may have been missed.
   * Resolves once the watch is set up; `live` says whether it is complete at a
   * given moment. The server caches session checks only while a watch is live;
   * a store without this method is read on every check.
   */
  watchSessions?(onChange: (userId: string) => void): Promise<SessionWatch>;
}
