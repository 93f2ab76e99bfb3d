import { afterAll, beforeAll, describe } from 'vitest';
import { defineAuditTests } from './conformance/audit.js';
import { defineCredentialTests } from './conformance/credentials.js';
import { defineEphemeralTests } from './conformance/ephemeral.js';
import { defineLifecycleTests } from './conformance/lifecycle.js';
import { defineRecoveryCodeTests } from './conformance/recovery-codes.js';
import { defineSecretTests } from './conformance/secrets.js';
import { defineSessionChangeTests } from './conformance/session-changes.js';
import { defineSessionTests } from './conformance/sessions.js';
import { defineSignInTests } from './conformance/sign-in.js';
import { defineTokenTests } from './conformance/tokens.js';
import { defineUserTests } from './conformance/users.js';
import type { EphemeralStoreAdapter, LatchkeyStore } from './contract.js';

// The suite is written in parts, one file a record in `conformance/`, beside the
// contract's parts in `contract/` (a store method and its tests change together).

/** Tuning for a conformance run. */
export interface StoreConformanceOptions {
  /** How many callers race in each concurrency test (default 20). */
  concurrency?: number;
}

/**
 * Registers the vitest suite that every `LatchkeyStore` adapter must pass: round
 * trips, unique constraints, all-or-nothing writes and each atomic promise of the
 * contract under real concurrency.
 *
 * `makeStore` may be called several times (the lifecycle tests open more instances,
 * migrate them together and close them); for a database-backed adapter they should
 * share one backend, as two server instances would. The suite migrates the first instance,
 * never assumes an empty backend (every test uses fresh random ids), and closes
 * what it opened. Times are anchored on `Date.now()`, because adapters that expire
 * entries on their own (Redis TTLs) follow the wall clock.
 *
 * @example
 * import { describeStoreConformance } from '@latchkey/server/conformance';
 * import { myStore } from './my-store.js';
 *
 * describeStoreConformance('myStore', async () => myStore({ url: process.env.MY_URL! }));
 */
export function describeStoreConformance(
  name: string,
  makeStore: () => Promise<LatchkeyStore>,
  options: StoreConformanceOptions = {},
): void {
  describe(`${name} conforms to LatchkeyStore`, () => {
    const get = openForTheSuite(makeStore);

    const concurrency = options.concurrency ?? 20;
    defineUserTests(get);
    defineCredentialTests(get, concurrency);
    defineSessionTests(get);
    defineSessionChangeTests(get);
    defineRecoveryCodeTests(get, concurrency);
    defineTokenTests(get);
    defineAuditTests(get);
    defineSecretTests(get, concurrency);
    defineEphemeralTests(get, concurrency);
    defineSignInTests(get, concurrency);
    defineLifecycleTests(makeStore);
  });
}

/**
 * Registers the short-lived half of the conformance suite for a store that only
 * implements `EphemeralStore` (such as `redisStore`), plus its lifecycle.
 *
 * @example
 * import { describeEphemeralStoreConformance } from '@latchkey/server/conformance';
 * import { redisStore } from '@latchkey/server/redis';
 *
 * describeEphemeralStoreConformance('redisStore', async () => redisStore({ url: process.env.REDIS_URL! }));
 */
export function describeEphemeralStoreConformance(
  name: string,
  makeStore: () => Promise<EphemeralStoreAdapter>,
  options: StoreConformanceOptions = {},
): void {
  describe(`${name} conforms to EphemeralStore`, () => {
    const get = openForTheSuite(makeStore);

    defineEphemeralTests(get, options.concurrency ?? 20);
    defineLifecycleTests(makeStore);
  });
}

/**
 * Opens and migrates the store before the suite's tests and closes it after them;
 * returns the getter the tests reach it by.
 */
function openForTheSuite<S extends EphemeralStoreAdapter>(makeStore: () => Promise<S>): () => S {
  let store: S | undefined;
  beforeAll(async () => {
    store = await makeStore();
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
  });
  return () => {
    if (store === undefined) throw new Error('the store under test failed to open');
    return store;
  };
}
