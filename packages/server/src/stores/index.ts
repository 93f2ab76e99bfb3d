// The public surface of Latchkey's storage. `describeStoreConformance` is not here:
// it imports vitest, so it ships from the `testing` entry point only.

export type { EphemeralStoreAdapter } from './combine-stores.js';
export { combineStores } from './combine-stores.js';
export type {
  AuditRecord,
  ChallengeRecord,
  CredentialRecord,
  CredentialUse,
  DeviceCodeRecord,
  DeviceInfo,
  DurableStore,
  EphemeralStore,
  LatchkeyStore,
  Millis,
  NewAccount,
  PairingRecord,
  RateLimitHit,
  RecoveryCodeRecord,
  SessionRecord,
  SigningKeyRecord,
  TokenRecord,
  UserRecord,
} from './contract.js';
export { StoreConflictError, StoreUnavailableError } from './contract.js';
export { memoryStore } from './memory/memory-store.js';
export type { PgliteStoreOptions } from './pglite/pglite-store.js';
export { pgliteStore } from './pglite/pglite-store.js';
export type {
  PgPoolClientLike,
  PgPoolLike,
  PostgresStoreOptions,
} from './postgres/postgres-store.js';
export { postgresStore } from './postgres/postgres-store.js';
export type { RedisClientLike, RedisStoreOptions } from './redis/redis-store.js';
export { redisStore } from './redis/redis-store.js';
