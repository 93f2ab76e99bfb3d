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

/** PGlite is an optional peer dependency: what to do when it is not installed. */
/**
 * PGlite 0.5's own start parameters, plus smaller buffers: Latchkey's tables
 * are small and its queries point lookups, and PostgreSQL's 128 MB of
 * `shared_buffers` cost about 125 MB of resident memory from the first open
 * (an existing folder opened in 300 MB RSS, 175 MB with these; see BENCHMARKS.md).
 */
const START_PARAMS = [
  '--single',
  '-F',
  '-O',
  '-j',
  ...[
    'search_path=public',
    'exit_on_error=false',
    'log_checkpoints=false',
    'max_worker_processes=0',
    'max_parallel_workers=0',
    'max_parallel_workers_per_gather=0',
    'io_method=sync',
    'max_parallel_maintenance_workers=0',
    'shared_buffers=16MB',
    'wal_buffers=1MB',
    'work_mem=2MB',
  ].flatMap((setting) => ['-c', setting]),
];

const PGLITE_MISSING =
  'the embedded store needs PGlite, which is not installed: npm install @electric-sql/pglite ' +
  "(or pass another `store`, such as postgresStore from '@latchkey/server/postgres')";

/**
 * The embedded default store: PostgreSQL compiled to WebAssembly, kept in a folder
 * on disk, nothing to install or run. It runs the same SQL as `postgresStore`.
 * PGlite is one connection, so it suits one server process; several instances
 * share `postgresStore` instead. `@electric-sql/pglite` is an optional peer
 * dependency: install it next to `@latchkey/server`.
 *
 * The database opens on first use (about three seconds for a data dir);
 * `close()` closes it unless it was passed in as `db`.
 *
 * @example
 * import { createLatchkey } from '@latchkey/server';
 * import { pgliteStore } from '@latchkey/server/pglite';
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
      let PGliteClass: typeof PGlite;
      try {
        ({ PGlite: PGliteClass } = await import('@electric-sql/pglite'));
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
        throw unavailable(
          error,
          missing ? PGLITE_MISSING : `could not load PGlite: ${String(error)}`,
        );
      }
      try {
        return await PGliteClass.create(options.dataDir ?? './.latchkey', {
          startParams: START_PARAMS,
        });
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
    noticesTravel: false,
    // One process by definition: PGlite hands a committed transaction's notices
    // to its listeners before the statement that committed it resolves, so a
    // change is heard the moment it is made, and there is no connection to lose.
    async listen(channel, handlers) {
      const db = await open();
      let unlisten: () => Promise<void>;
      try {
        unlisten = await db.listen(`"${channel.replaceAll('"', '""')}"`, handlers.notice);
      } catch (error) {
        throw toPgliteError(error);
      }
      handlers.live(true);
      return async () => {
        handlers.live(false);
        if (!db.closed) await unlisten().catch(() => {});
      };
    },
  };

  const store = sqlStore(client, { schema: options.schema });
  const dataDir = 'db' in options ? undefined : (options.dataDir ?? './.latchkey');
  // `memory://` (and other non-file URLs) keep nothing on disk: no folder to hold a secret.
  return dataDir === undefined || /^[a-z]+:\/\//i.test(dataDir) ? store : { ...store, dataDir };
}

function toPgliteError(error: unknown): unknown {
  const mapped = toStoreError(error);
  if (mapped !== error || isContractError(error)) return mapped;
  // No SQLSTATE: the engine itself failed (closed, or the WebAssembly runtime aborted).
  if (error instanceof Error && sqlStateOf(error) === undefined) return unavailable(error);
  return error;
}
