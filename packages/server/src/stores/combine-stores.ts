import {
  EPHEMERAL_METHODS,
  type EphemeralStoreAdapter,
  type LatchkeyStore,
  SPANNING_METHODS,
} from './contract.js';

/**
 * Joins a durable store and an ephemeral one into one `LatchkeyStore`: users,
 * passkeys, sessions, tokens, recovery codes, audit and signing keys go to
 * `durable`; challenges, rate limits, pairing, device codes, email links and
 * single-use markers (`EPHEMERAL_METHODS`) go to `ephemeral`, whatever `durable`
 * would do with them. Methods that span both (`SPANNING_METHODS`, such as
 * `startAssertion`) go to neither: the server composes them from the two halves.
 * `migrate()` and `close()` reach both.
 *
 * @example
 * import { combineStores } from '@latchkey/server';
 * import { postgresStore } from '@latchkey/server/postgres';
 * import { redisStore } from '@latchkey/server/redis';
 * const store = combineStores(
 *   postgresStore({ connectionString: process.env.DATABASE_URL! }),
 *   redisStore({ url: process.env.REDIS_URL! }),
 * );
 */
export function combineStores(
  durable: LatchkeyStore,
  ephemeral: EphemeralStoreAdapter,
): LatchkeyStore {
  const routes: Record<string, unknown> = {};
  // Each call looks the method up on its store then, as a hand-written forwarder would.
  const spanning = new Set<string>(SPANNING_METHODS);
  for (const name of methodNames(durable)) {
    if (spanning.has(name)) continue;
    routes[name] = (...args: unknown[]) => call(durable, name, args);
  }
  for (const name of EPHEMERAL_METHODS) {
    routes[name] = (...args: unknown[]) => call(ephemeral, name, args);
  }
  return {
    ...(routes as unknown as Omit<LatchkeyStore, 'dataDir' | 'migrate' | 'close'>),
    ...(durable.dataDir === undefined ? {} : { dataDir: durable.dataDir }),
    async migrate() {
      await Promise.all([durable.migrate(), ephemeral.migrate()]);
    },
    async close() {
      // Close both even when one fails, then report the first failure.
      const results = await Promise.allSettled([durable.close(), ephemeral.close()]);
      for (const result of results) if (result.status === 'rejected') throw result.reason;
    },
  };
}

/** The names of `store`'s methods, its own and its prototypes' (a store may be a class). */
function methodNames(store: object): Set<string> {
  const names = new Set<string>();
  for (let o = store; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof Reflect.get(store, name) === 'function') names.add(name);
    }
  }
  return names;
}

function call(store: object, name: string, args: unknown[]): unknown {
  return (Reflect.get(store, name) as (...a: unknown[]) => unknown).apply(store, args);
}
