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
}
