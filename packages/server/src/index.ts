// @latchkey/server: passkey ceremonies, sessions, stores and adapters behind one fetch handler.
// This entry imports Web APIs only, so it bundles for any runtime. Each store has its own
// entry point (`/memory`, `/pglite`, `/postgres`, `/redis`); `/jwt` is `verifyLatchkeyJwt`
// alone. On Node, Bun and Deno, `index.node.ts` adds the embedded default store.

export { isLatchkeyError, LatchkeyError } from '@latchkey/core';
export type { NewUser } from './accounts/create-user.js';
export type { AppUser, UserRef } from './accounts/find-user.js';
export type { UserFields } from './accounts/user-input.js';
export type { LatchkeyApi } from './api/create-api.js';
export type {
  AppIdentity,
  DeviceFlowConfig,
  EmailConfig,
  FallbacksConfig,
  JwtConfig,
  LatchkeyConfig,
  PopConfig,
  RateLimitConfig,
  SessionCacheConfig,
  SessionConfig,
  TokensConfig,
} from './config/latchkey-config.js';
export type { Latchkey } from './create-latchkey.js';
export { createLatchkey } from './create-latchkey.js';
export { defaultPasskeyName, describeUserAgent, passkeyProvider } from './devices/index.js';
export { consoleTransport } from './email/console-transport.js';
export type { EmailLabels, EmailTemplateName, EmailTemplates } from './email/email-templates.js';
export { DEFAULT_EMAIL_LABELS, renderEmail } from './email/email-templates.js';
export type { EmailMessage, EmailTransport } from './email/email-transport.js';
export type { MemoryTransport } from './email/memory-transport.js';
export { memoryTransport } from './email/memory-transport.js';
export type { Gate, GateAccess, GateDecision, GateOptions } from './gate/create-gate.js';
export type { ConnectionInfo } from './http/request-context.js';
export type { JwtApi } from './jwt/jwt-api.js';
export type { RotationResult } from './jwt/signing-keys.js';
export type { LatchkeyJwtClaims, VerifyLatchkeyJwtOptions } from './jwt/verify-latchkey-jwt.js';
export { verifyLatchkeyJwt } from './jwt/verify-latchkey-jwt.js';
export type { LockedStreamOptions } from './pop/locked-stream.js';
export { defaultRpId, isRpIdValidForOrigin, tailnetRpId } from './relying-party/resolve-rp-id.js';
export { combineStores } from './stores/combine-stores.js';
// What a store author needs: the contract, its parts and records, and the stores' options.
export type {
  AccountFallbacks,
  AssertionStart,
  AuditRecord,
  AuditStore,
  ChallengeRecord,
  CredentialRecord,
  CredentialShape,
  CredentialStore,
  CredentialUse,
  DeviceCodeRecord,
  DeviceInfo,
  DurableStore,
  EmailLinkRecord,
  EphemeralStore,
  EphemeralStoreAdapter,
  LatchkeyStore,
  Millis,
  NewAccount,
  PairingRecord,
  PasswordRecord,
  RateLimitHit,
  RecoveryCodeRecord,
  RecoveryCodeStore,
  SecretStore,
  SessionRecord,
  SessionStore,
  SessionWatch,
  SignInStore,
  SigningKeyRecord,
  TokenRecord,
  TokenStore,
  UserRecord,
  UserStore,
} from './stores/contract.js';
export { StoreConflictError, StoreUnavailableError } from './stores/contract.js';
// Types only: the stores ship from their own entry points. `PgliteStoreOptions` stays on
// `/pglite`: it names PGlite's own type, and this entry's types name no store driver.
export type {
  PgPoolClientLike,
  PgPoolLike,
  PostgresStoreOptions,
} from './stores/postgres/postgres-store.js';
export type { RedisClientLike, RedisStoreOptions } from './stores/redis/redis-store.js';
export { BUILT_IN_SCOPES, hasScopes } from './tokens/has-scopes.js';
export type { TokenApi } from './tokens/token-api.js';
