import { combineStores, type LatchkeyStore } from '@latchkey/server';
import { pgliteStore } from '@latchkey/server/pglite';
import { postgresStore } from '@latchkey/server/postgres';
import { redisStore } from '@latchkey/server/redis';

export interface DemoStoreOptions {
  /** The embedded PGlite folder, used when there is no `databaseUrl`. */
  dataDir: string;
  /** A PostgreSQL connection string: users, passkeys and sessions go there instead. */
  databaseUrl?: string | undefined;
  /** A Redis URL: challenges, rate limits and pairing go there (several instances share them). */
  redisUrl?: string | undefined;
  /** The PostgreSQL schema for Latchkey's tables (default `latchkey`), to share one database. */
  databaseSchema?: string | undefined;
  /** Put before every Redis key (default `latchkey:`), to share one Redis. */
  redisPrefix?: string | undefined;
}

/** Which stores `demoStore` picked, for the start-up line. */
export function describeDemoStore(options: DemoStoreOptions): string {
  const durable = options.databaseUrl ? 'PostgreSQL' : `PGlite in ${options.dataDir}`;
  return options.redisUrl ? `${durable} + Redis` : durable;
}

/**
 * The store the demo runs on: embedded PGlite in a folder by default (nothing to
 * install; a restart keeps every account), PostgreSQL when a connection string is
 * given, and Redis for the short-lived half when a URL is given.
 *
 * @example
 * const store = demoStore({ dataDir: './.latchkey-data', redisUrl: process.env.REDIS_URL });
 */
export function demoStore(options: DemoStoreOptions): LatchkeyStore {
  const durable = options.databaseUrl
    ? postgresStore({
        connectionString: options.databaseUrl,
        ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
      })
    : pgliteStore({ dataDir: options.dataDir });
  if (!options.redisUrl) return durable;
  const ephemeral = redisStore({
    url: options.redisUrl,
    ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}),
  });
  return combineStores(durable, ephemeral);
}
