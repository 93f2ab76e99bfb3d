import type { PGlite } from '@electric-sql/pglite';
import type { LatchkeyStore } from '../contract.js';
import {
  isContractError,
  type SqlClient,
  type SqlExecutor,
  sqlStateOf,
  toStoreError,
  unavailable,
} from '../sql/sql-client.js';
import { sqlStore } from '../sql/sql-store.js';

/** Where `pgliteStore` keeps its data. */
export type PgliteStoreOptions =
  | {
      /** The folder holding the database; created on first use (default `./.latchkey`). */
      dataDir?: string;
      /** The schema holding Latchkey's tables (default `latchkey`). */
      schema?: string;
    }
  | {
      /** An open PGlite database to share; the store never closes it. */
      db: PGlite;
      schema?: string;
    };

/**
 * The embedded default store: PostgreSQL compiled to WebAssembly, kept in a folder
 * on disk, nothing to install or run. It runs the same SQL as `postgresStore`.
 * PGlite is one connection, so it suits one server process; several instances
 * share `postgresStore` instead.
 *
 * The database opens on first use (about three seconds for a data dir);
 * `close()` closes it unless it was passed in as `db`.
 *
 * @example
 * import { createLatchkey, pgliteStore } from '@latchkey/server';
 * const store = pgliteStore({ dataDir: './.latchkey' });
 * await store.migrate();
 * const latchkey = createLatchkey({ store, rpName: 'My tool', origins: ['http://localhost:8080'] });
 */
export function pgliteStore(options: PgliteStoreOptions = {}): LatchkeyStore {
  const owned = !('db' in options);
  let opening: Promise<PGlite> | undefined;

  function open(): Promise<PGlite> {
    opening ??= (async () => {
      if ('db' in options) return options.db;
      try {
        const { PGlite } = await import('@electric-sql/pglite');
        return await PGlite.create(options.dataDir ?? './.latchkey');
      } catch (error) {
        throw unavailable(error, `could not open the PGlite database: ${String(error)}`);
      }
    })();
    // A failed open may be retried by the next call (a locked or missing folder can be fixed).
    opening.catch(() => {
      opening = undefined;
    });
    return opening;
  }

  const executor = (run: SqlExecutor['query']): SqlExecutor => ({
    async query(text, params) {
      try {
        return await run(text, params);
      } catch (error) {
        throw toPgliteError(error);
      }
    },
  });

  const client: SqlClient = {
    async query<Row>(text: string, params?: readonly unknown[]) {
      const db = await open();
      try {
        const result = await db.query<Row>(text, params as unknown[] | undefined);
        return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? 0 };
      } catch (error) {
        throw toPgliteError(error);
      }
    },
    async transaction(fn) {
      const db = await open();
      try {
        // PGlite runs one transaction at a time and queues every other query behind it.
        return await db.transaction((tx) =>
          fn(
            executor(async <Row>(text: string, params?: readonly unknown[]) => {
              const result = await tx.query<Row>(text, params as unknown[] | undefined);
              return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? 0 };
            }),
          ),
        );
      } catch (error) {
        throw toPgliteError(error);
      }
    },
    async close() {
      if (!owned || opening === undefined) return;
      const db = await opening.catch(() => undefined);
      if (db !== undefined && !db.closed) await db.close();
    },
  };

  return sqlStore(client, { schema: options.schema });
}

function toPgliteError(error: unknown): unknown {
  const mapped = toStoreError(error);
  if (mapped !== error || isContractError(error)) return mapped;
  // No SQLSTATE: the engine itself failed (closed, or the WebAssembly runtime aborted).
  if (error instanceof Error && sqlStateOf(error) === undefined) return unavailable(error);
  return error;
}
