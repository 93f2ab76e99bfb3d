/**
 * The storage contract. Every adapter (memory, PGlite, PostgreSQL, Redis for the
 * short-lived half) passes one conformance suite (`conformance.ts`) that checks
 * each promise made here, including the atomic ones under real concurrency.
 *
 * Times are epoch milliseconds. Secrets (session ids, token values, recovery
 * codes, device codes) never reach a store: only their SHA-256 hashes (base64url)
 * do. Methods that return a record return a fresh copy the caller may keep.
 *
 * Failures: an adapter throws `StoreUnavailableError` when its backend cannot be
 * reached, and the handler answers 503. A method that writes several rows does so
 * in one transaction: it happens whole or not at all.
 */

export type Millis = number;

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

export interface DeviceInfo {
  browser: string;
  os: string;
  deviceType: 'desktop' | 'mobile' | 'tablet' | 'unknown';
}

export interface CredentialRecord {
  id: string;
  userId: string;
  /** base64url; unique across every user. */
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  aaguid: string;
  name: string;
  providerName: string;
  providerIcon: string | null;
  createdWith: DeviceInfo;
  status: 'active' | 'pending';
  rpId: string;
  prf: boolean;
  /** A wrapped data key for PRF-derived encryption, opaque to the store. */
  wrappedKey: string | null;
  createdAt: Millis;
  lastUsedAt: Millis | null;
}

/** How many active passkeys share one shape: their transports and id length. */
export interface CredentialShape {
  /** As stored (the authenticator's order). */
  transports: string[];
  /** Length of the base64url credential id, in characters. */
  idLength: number;
  count: number;
}

/** What a successful assertion updates. */
export interface CredentialUse {
  counter: number;
  backedUp: boolean;
  deviceType: 'singleDevice' | 'multiDevice';
  transports?: string[];
  lastUsedAt: Millis;
}

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

export interface RecoveryCodeRecord {
  userId: string;
  codeHash: string;
  usedAt: Millis | null;
}

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  agent: boolean;
  tokenHash: string;
  createdAt: Millis;
  expiresAt: Millis | null;
  lastUsedAt: Millis | null;
}

export interface AuditRecord {
  id: string;
  type: string;
  userId: string | null;
  at: Millis;
  ip: string | null;
  userAgent: string | null;
  actor: string | null;
  data: Record<string, unknown>;
}

export interface SigningKeyRecord {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  /** Private JWK as JSON text. */
  privateJwk: string;
  publicJwk: string;
  createdAt: Millis;
  /** Set when rotated out: still published (and verified) until `retiresAt`. */
  retiresAt: Millis | null;
}

/** A pending WebAuthn or proof-of-possession challenge. */
export interface ChallengeRecord {
  /** The challenge itself (base64url): the key. */
  challenge: string;
  kind: 'registration' | 'authentication' | 'step-up' | 'pop';
  /** Who asked: `session:<id>` or `pre:<pre-session id>`. A verify from anyone else fails. */
  binding: string;
  userId: string | null;
  rpId: string;
  expiresAt: Millis;
  /** Ceremony facts kept for the verify step (sign-up email, display name, …). */
  data: Record<string, unknown>;
}

export interface PairingRecord {
  id: string;
  /** SHA-256 of the normalised code. */
  codeHash: string;
  status: 'pending' | 'approved' | 'denied';
  deviceName: string | null;
  device: DeviceInfo;
  ip: string | null;
  rpId: string;
  createdAt: Millis;
  expiresAt: Millis;
  /** Set on approval: the user the new device will enrol for. */
  userId: string | null;
  /** Hash of the secret the asking device holds (its pairing cookie). */
  requesterHash: string;
}

export interface DeviceCodeRecord {
  /** SHA-256 of the device code: the key. */
  deviceCodeHash: string;
  /** Normalised user code (upper case, no dash); unique while pending. */
  userCode: string;
  status: 'pending' | 'approved' | 'denied';
  clientName: string | null;
  scopes: string[];
  agent: boolean;
  ip: string | null;
  createdAt: Millis;
  expiresAt: Millis;
  lastPolledAt: Millis | null;
  /** Set on approval. */
  userId: string | null;
}

/** A link sent by email: to sign in, or to verify the address of an account. */
export interface EmailLinkRecord {
  /** A peppered hash of the link's token (never the token): the key. */
  tokenHash: string;
  purpose: 'sign-in' | 'verify';
  userId: string;
  /** The address it was sent to, lower-cased. */
  email: string;
  /** A hash of the link cookie of the browser that asked (sign-in links); null for verification links. */
  binding: string | null;
  createdAt: Millis;
  expiresAt: Millis;
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

export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  count: number;
  resetAt: Millis;
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
}

/**
 * The durable half: users, passkeys, sessions, tokens, recovery codes, audit,
 * signing keys.
 */
export interface DurableStore {
  /**
   * Creates an account in one transaction: the user, the first passkey (when
   * given), the recovery codes, and (when given) the first session and a claim.
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
  /**
   * Whether any active passkey exists for `rpId` (the gate's grace, `/session`'s
   * `rp.grace`). Asked on every such request: it must not scan every credential.
   */
  hasActiveCredentialForRpId(rpId: string): Promise<boolean>;

  /** Throws `StoreConflictError` when the credential id exists (for any user). */
  addCredential(credential: CredentialRecord): Promise<void>;
  getCredential(credentialId: string): Promise<CredentialRecord | null>;
  listCredentials(userId: string): Promise<CredentialRecord[]>;
  /**
   * Active passkeys of every user, counted by shape (transports and id length):
   * decoy credentials for unknown emails are drawn from this mix. It may scan
   * every passkey; callers cache the answer.
   */
  credentialShapes(): Promise<CredentialShape[]>;
  /**
   * Records a sign-in, atomically: succeeds only while the stored counter is still
   * `expectedCounter` (two racing assertions cannot both move it). False otherwise.
   */
  recordCredentialUse(
    credentialId: string,
    expectedCounter: number,
    use: CredentialUse,
  ): Promise<boolean>;
  updateCredential(
    credentialId: string,
    patch: Partial<Pick<CredentialRecord, 'name' | 'status' | 'wrappedKey'>>,
  ): Promise<CredentialRecord | null>;
  /**
   * Deletes a passkey unless it is the user's last active one; in one step so two
   * concurrent deletes can never remove the last two. `'last'` when refused.
   */
  deleteCredential(
    userId: string,
    credentialId: string,
    options?: { allowLast?: boolean },
  ): Promise<'deleted' | 'last' | 'not-found'>;

  /**
   * Stores a session and, when given, the audit event that records it, in one
   * transaction: a sign-in is never stored without its event, nor the other way.
   * Throws `StoreConflictError` (`'other'`) on a taken secret hash or event id.
   */
  createSession(session: SessionRecord, event?: AuditRecord): Promise<void>;
  getSessionBySecretHash(secretHash: string): Promise<SessionRecord | null>;
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

  /** Replaces the user's whole set of recovery codes in one transaction. */
  replaceRecoveryCodes(userId: string, codeHashes: string[]): Promise<void>;
  /** Marks one unused code used; exactly one of two concurrent callers gets `true`. */
  consumeRecoveryCode(userId: string, codeHash: string, at: Millis): Promise<boolean>;
  /** Finds the user an unused code belongs to (sign-in by code alone). */
  findRecoveryCodeOwner(codeHash: string): Promise<string | null>;
  countRecoveryCodes(userId: string): Promise<number>;

  createToken(token: TokenRecord): Promise<void>;
  getTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  listTokens(userId: string): Promise<TokenRecord[]>;
  touchToken(id: string, at: Millis): Promise<void>;
  deleteToken(userId: string, id: string): Promise<boolean>;

  appendAudit(event: AuditRecord): Promise<void>;
  /** Newest first. */
  listAudit(filter: { userId?: string; limit: number; before?: Millis }): Promise<AuditRecord[]>;
  /**
   * Deletes at most `limit` audit events older than `before` (`at < before`),
   * oldest first, and returns how many it deleted. Latchkey calls it off the
   * request path, one bounded batch at a time, to keep `audit.retention`.
   */
  pruneAudit(before: Millis, limit: number): Promise<number>;

  /**
   * Returns the secret stored under `name`, storing `candidate` first when there is
   * none. Concurrent callers (other instances included) all get the same value.
   */
  getOrCreateSecret(name: string, candidate: string): Promise<string>;
  /** The secret stored under `name`, or null. */
  getSecret(name: string): Promise<string | null>;

  listSigningKeys(): Promise<SigningKeyRecord[]>;
  /** Adds a key unless one with the same kid exists. */
  addSigningKey(key: SigningKeyRecord): Promise<void>;
  retireSigningKey(kid: string, retiresAt: Millis): Promise<void>;
}

/**
 * The short-lived half: challenges, rate limits, pairing, device codes and
 * single-use markers. Entries vanish after `expiresAt` (or may linger, but are
 * then never returned).
 */
export interface EphemeralStore {
  putChallenge(record: ChallengeRecord): Promise<void>;
  /** Returns the record and deletes it in one step: exactly one of two concurrent callers gets it. Never returns an expired one. */
  consumeChallenge(challenge: string, now: Millis): Promise<ChallengeRecord | null>;

  /** Counts a hit in a fixed window of `windowMs` for `key`, atomically. */
  hitRateLimit(key: string, windowMs: number, now: Millis): Promise<RateLimitHit>;
  /** The count of `key`'s open window without a hit; `{count: 0}` when none is open at `now`. */
  peekRateLimit(key: string, now: Millis): Promise<RateLimitHit>;

  putPairing(record: PairingRecord): Promise<void>;
  getPairing(id: string, now: Millis): Promise<PairingRecord | null>;
  getPairingByCodeHash(codeHash: string, now: Millis): Promise<PairingRecord | null>;
  /** Moves a pending pairing to approved or denied; exactly one concurrent caller wins (true). */
  decidePairing(
    id: string,
    decision: { status: 'approved' | 'denied'; userId: string | null },
    now: Millis,
  ): Promise<boolean>;
  /** Deletes it (after the asking device collected its session): single use. True for the one caller that did. */
  takePairing(id: string): Promise<boolean>;

  putDeviceCode(record: DeviceCodeRecord): Promise<void>;
  getDeviceCode(deviceCodeHash: string, now: Millis): Promise<DeviceCodeRecord | null>;
  getDeviceCodeByUserCode(userCode: string, now: Millis): Promise<DeviceCodeRecord | null>;
  decideDeviceCode(
    userCode: string,
    decision: { status: 'approved' | 'denied'; userId: string | null },
    now: Millis,
  ): Promise<boolean>;
  /** Records a poll; returns the previous poll time (for `slow_down`). */
  pollDeviceCode(deviceCodeHash: string, now: Millis): Promise<Millis | null>;
  /** Deletes an approved code when its token is issued; exactly one caller gets true. */
  takeDeviceCode(deviceCodeHash: string): Promise<boolean>;

  /** Sets a single-use marker; true for the one caller that set it first (JWT `jti`s). */
  markOnce(key: string, expiresAt: Millis): Promise<boolean>;

  /** Stores an email link until its `expiresAt`. */
  putEmailLink(record: EmailLinkRecord): Promise<void>;
  /** The live link with this token hash, left in place (to check its browser first); never an expired one. */
  getEmailLink(tokenHash: string, now: Millis): Promise<EmailLinkRecord | null>;
  /** Returns the link and deletes it in one step: exactly one of two concurrent callers gets it. Never an expired one. */
  consumeEmailLink(tokenHash: string, now: Millis): Promise<EmailLinkRecord | null>;
}

export interface LatchkeyStore extends DurableStore, EphemeralStore {
  /**
   * The folder on this machine the store keeps its data in (the embedded PGlite
   * store). Outside production, without a configured `secret`, the server
   * secret is generated into it (`secret`, mode 0600).
   */
  readonly dataDir?: string;
  /** Creates tables and runs pending migrations. Idempotent; safe when two instances start together. */
  migrate(): Promise<void>;
  /** Releases connections (and, for PGlite, closes the database). */
  close(): Promise<void>;
}

/** The backend cannot be reached or failed mid-operation; the handler answers 503. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** A unique constraint refused a write (email, external id, user handle, credential id, token hash). */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(
    readonly field: 'email' | 'externalId' | 'userHandle' | 'credentialId' | 'other',
    message?: string,
  ) {
    super(message ?? `${field} already exists`);
  }
}
