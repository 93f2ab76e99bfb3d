import type { AuditRecord } from './audit.js';
import type { Millis } from './common.js';
import type { CredentialRecord } from './credentials.js';
import type { SessionRecord } from './sessions.js';

export interface UserRecord {
  id: string;
  /** Lower-cased; unique when not null. */
  email: string | null;
  /** The owner of `email` opened a link sent to it. False for accounts made before. */
  emailVerified: boolean;
  displayName: string | null;
  /**
   * The host app's own id for this person (its users table, its auth library),
   * set by `api.users.create` or the `identify` hook; unique when not null.
   * Compared exactly (case-sensitive).
   */
  externalId: string | null;
  /** The WebAuthn user handle (base64url of 32 random bytes); unique, never reused. */
  userHandle: string;
  tier: 'standard' | 'locked';
  /** Per-user salt for PRF key derivation (base64url of 32 random bytes). */
  prfSalt: string;
  createdAt: Millis;
}

/** A user's password: only its argon2id hash, as an encoded PHC string (`$argon2id$v=19$m=…`). */
export interface PasswordRecord {
  userId: string;
  hash: string;
  updatedAt: Millis;
}

/**
 * Which ways in besides a passkey an account accepts (within what the
 * deployment allows). An account that never chose has every one on.
 */
export interface AccountFallbacks {
  recoveryCodes: boolean;
  magicLink: boolean;
  password: boolean;
}

/** Everything a sign-up writes, together. */
export interface NewAccount {
  user: UserRecord;
  /** The first passkey; absent when the host app creates the user (`api.users.create`). */
  credential?: CredentialRecord;
  recoveryCodeHashes: string[];
  /** The session the sign-up opens. */
  session?: SessionRecord;
  /** A secret to create at once, failing the whole sign-up if it exists (owner mode's claim). */
  claim?: { name: string; value: string };
  /**
   * The audit events of the sign-up (`user.created`, `passkey.registered`),
   * stored in the same transaction: an account is never there without them.
   */
  events?: AuditRecord[];
}

/** Users: accounts, with their password and fallback settings. */
export interface UserStore {
  /**
   * Creates an account in one transaction: the user, the first passkey (when
   * given), the recovery codes, and (when given) the first session, a claim and
   * the audit events.
   * Throws `StoreConflictError` on a taken id (`'other'`), email, external id,
   * user handle or credential id, and on a claim whose name is taken
   * (`field: 'other'`): nothing is written then.
   */
  createUser(account: NewAccount): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByEmail(email: string): Promise<UserRecord | null>;
  /** Exact match (external ids are case-sensitive). */
  getUserByExternalId(externalId: string): Promise<UserRecord | null>;
  getUserByHandle(userHandle: string): Promise<UserRecord | null>;
  /**
   * Changes the given fields. Throws `StoreConflictError` (`'email'`, `'externalId'`)
   * when another user holds the new value (an `email` is lower-cased, and set once its
   * owner verified it), and changes nothing then.
   */
  updateUser(
    id: string,
    patch: Partial<
      Pick<UserRecord, 'displayName' | 'tier' | 'email' | 'emailVerified' | 'externalId'>
    >,
  ): Promise<UserRecord | null>;
  /**
   * Deletes a user and everything that signs in as them (passkeys, sessions,
   * tokens, recovery codes) in one transaction, with `event` (the audit event
   * that records it) appended in the same write. Audit events already stored
   * are kept. False (and nothing written) when there is no such user.
   */
  deleteUser(id: string, event?: AuditRecord): Promise<boolean>;

  /** The user's password hash, or null when they have none. */
  getPassword(userId: string): Promise<PasswordRecord | null>;
  /**
   * Sets (`hash`) or removes (`null`) the user's password, with `event` (the
   * audit event that records it) in the same transaction. False, and nothing
   * written, when there is no such user. Goes with the user on `deleteUser`.
   */
  setPassword(
    userId: string,
    hash: string | null,
    at: Millis,
    event?: AuditRecord,
  ): Promise<boolean>;
  /** The account's fallback settings, or null when it never chose (every one on). */
  getAccountFallbacks(userId: string): Promise<AccountFallbacks | null>;
  /**
   * Stores the account's fallback settings whole, with `event` in the same
   * transaction. False, and nothing written, when there is no such user.
   */
  setAccountFallbacks(
    userId: string,
    fallbacks: AccountFallbacks,
    event?: AuditRecord,
  ): Promise<boolean>;
}
