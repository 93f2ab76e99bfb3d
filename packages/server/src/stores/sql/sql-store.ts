import { type LatchkeyStore, type SessionWatch, StoreUnavailableError } from '../contract.js';
import { sqlAudit } from './audit.js';
import { sqlCredentials } from './credentials.js';
import { sqlEphemeral } from './ephemeral.js';
import { sqlRecoveryCodes } from './recovery-codes.js';
import { runMigrations } from './run-migrations.js';
import { sqlSecrets } from './secrets.js';
import { watchSqlSessions } from './session-changes.js';
import { sqlSessions } from './sessions.js';
import { sqlSignIn } from './sign-in.js';
import type { SqlClient } from './sql-client.js';
import { type SqlContext, sqlTables } from './sql-context.js';
import { sqlTokens } from './tokens.js';
import { sqlUsers } from './users.js';

/** Where the tables live. */
export interface SqlStoreOptions {
  /** The PostgreSQL schema holding Latchkey's tables (default `latchkey`). */
  schema?: string;
}

/**
 * The one SQL implementation of `LatchkeyStore`, shared by `pgliteStore` and
 * `postgresStore` through a `SqlClient`. Every multi-row write runs in one
 * transaction; every atomic promise of the contract is a single conditional
 * UPDATE / DELETE / INSERT … ON CONFLICT (… RETURNING), or a transaction that
 * first locks the user's row.
 *
 * It is composed of one part a record (`users.ts`, `credentials.ts`, …, the
 * same files as the contract's), each given the tables and the client.
 *
 * @example
 * const store = sqlStore(client, { schema: 'latchkey' });
 * await store.migrate();
 */
export function sqlStore(client: SqlClient, options: SqlStoreOptions = {}): LatchkeyStore {
  const schema = options.schema ?? 'latchkey';
  let closed = false;
  const watches = new Set<SessionWatch>();
  const ctx: SqlContext = {
    t: sqlTables(schema),
    db() {
      if (closed) throw new StoreUnavailableError('the store is closed');
      return client;
    },
  };

  const listen = client.listen?.bind(client);
  const store: LatchkeyStore = {
    async migrate() {
      await runMigrations(ctx.db(), schema);
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...watches].map((watch) => watch.close()));
      await client.close();
    },

    ...sqlUsers(ctx),
    ...sqlCredentials(ctx),
    ...sqlSessions(ctx),
    ...sqlRecoveryCodes(ctx),
    ...sqlTokens(ctx),
    ...sqlAudit(ctx),
    ...sqlSecrets(ctx),
    ...sqlEphemeral(ctx),
    ...sqlSignIn(ctx),
  };
  if (listen === undefined) return store;
  return {
    ...store,
    async watchSessions(onChange) {
      const watch = await watchSqlSessions(ctx, listen, schema, onChange, {
        travels: client.noticesTravel !== false,
      });
      if (closed) {
        await watch.close();
        throw new StoreUnavailableError('the store is closed');
      }
      watches.add(watch);
      return {
        get live() {
          return watch.live;
        },
        ...(watch.lag && { lag: watch.lag }),
        async close() {
          watches.delete(watch);
          await watch.close();
        },
      };
    },
  };
}
