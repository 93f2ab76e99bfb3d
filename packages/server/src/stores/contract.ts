/**
 * The storage contract. Every adapter (memory, PGlite, PostgreSQL, Redis for the
 * short-lived half) passes one conformance suite (`conformance.ts`) that checks
 * each promise made here, including the atomic ones under real concurrency.
 *
 * It is written in parts, one file a record in `contract/` (users, credentials,
 * sessions, recovery codes, tokens, audit, secrets, the short-lived records,
 * and the optional steps of a sign-in that span them), composed here. The SQL
 * store (`sql/`) and the conformance suite (`conformance/`) are split the same
 * way.
 *
 * Times are epoch milliseconds. Secrets (session ids, token values, recovery
 * codes, device codes) never reach a store: only their SHA-256 hashes (base64url)
 * do. Methods that return a record return a fresh copy the caller may keep.
 *
 * Failures: an adapter throws `StoreUnavailableError` when its backend cannot be
 * reached, and the handler answers 503. A method that writes several rows does so
 * in one transaction: it happens whole or not at all.
 */

import type { AuditStore } from './contract/audit.js';
import type { CredentialStore } from './contract/credentials.js';
import type { EphemeralStore } from './contract/ephemeral.js';
import type { RecoveryCodeStore } from './contract/recovery-codes.js';
import type { SecretStore } from './contract/secrets.js';
import type { SessionStore } from './contract/sessions.js';
import type { SignInStore } from './contract/sign-in.js';
import type { TokenStore } from './contract/tokens.js';
import type { UserStore } from './contract/users.js';

export * from './contract/audit.js';
export * from './contract/common.js';
export * from './contract/credentials.js';
export * from './contract/ephemeral.js';
export * from './contract/recovery-codes.js';
export * from './contract/secrets.js';
export * from './contract/sessions.js';
export * from './contract/sign-in.js';
export * from './contract/tokens.js';
export * from './contract/users.js';

/**
 * The durable half: users, passkeys, sessions, tokens, recovery codes, audit,
 * secrets and signing keys.
 */
export interface DurableStore
  extends UserStore,
    CredentialStore,
    SessionStore,
    RecoveryCodeStore,
    TokenStore,
    AuditStore,
    SecretStore,
    Pick<SignInStore, 'recordSignIn'> {}

export interface LatchkeyStore extends DurableStore, EphemeralStore, SignInStore {
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

/** A store of the short-lived half alone, with its own lifecycle (such as `redisStore`). */
export type EphemeralStoreAdapter = EphemeralStore & Pick<LatchkeyStore, 'migrate' | 'close'>;
