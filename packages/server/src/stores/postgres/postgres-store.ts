import { type LatchkeyStore, StoreUnavailableError } from '../contract.js';
import {
  isContractError,
  type SqlClient,
  type SqlExecutor,
  type SqlResult,
  sqlStateOf,
  toStoreError,
  unavailable,
} from '../sql/sql-client.js';
import { sqlStore } from '../sql/sql-store.js';

/** What the store needs of a `pg` client; `pg.PoolClient` fits. */
export interface PgPoolClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  release(destroy?: boolean | Error): void;
  /** `pg` clients are event emitters; the store listens for `'error'` while it holds one. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/** What the store needs of a `pg` pool; `pg.Pool` fits. */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
}

/** How `postgresStore` reaches PostgreSQL. */
export type PostgresStoreOptions =
  | {
      /** A `postgres://` URL; the store opens (and on `close()` ends) its own pool. */
      connectionString: string;
      /** The schema holding Latchkey's tables, created by `migrate()` (default `latchkey`). */
      schema?: string;
      /** Most connections the store's pool opens (default 10). */
      maxConnections?: number;
      /**
       * Milliseconds a statement, or the wait for a connection, may take before it
       * fails with `StoreUnavailableError` (default 2,000). A statement that gets
       * no answer (PostgreSQL unreachable, a blackholed connection) would otherwise
       * hold its request, and its pooled connection, for good.
       */
      timeout?: number;
    }
  | {
      /** A `pg` pool to share; the store never ends it. */
      pool: PgPoolLike;
      schema?: string;
    };

/** Deadlock and serialization failures: the transaction can simply run again. */
const RETRYABLE_STATES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;
/** How long a statement or the wait for a connection may take (`timeout`). */
const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * The store for production and for several server instances: PostgreSQL (or a
 * PostgreSQL-compatible database) through `pg`, an optional peer dependency loaded
 * on first use. It runs the same SQL as `pgliteStore`; tables live in their own
 * schema so they never meet the host app's.
 *
 * @example
 * import { createLatchkey } from '@latchkey/server';
 * import { postgresStore } from '@latchkey/server/postgres';
 * const store = postgresStore({ connectionString: process.env.DATABASE_URL! });
 * await store.migrate();
 * const latchkey = createLatchkey({ store, rpName: 'Example', origins: ['https://example.com'] });
 */
export function postgresStore(options: PostgresStoreOptions): LatchkeyStore {
  const owned = !('pool' in options);
  let opening: Promise<PgPoolLike> | undefined;

  function pool(): Promise<PgPoolLike> {
    opening ??= (async () => {
      if ('pool' in options) return options.pool;
      const Pool = await loadPool();
      const created = new Pool({
        connectionString: options.connectionString,
        max: options.maxConnections ?? 10,
        // pg waits forever for a connection, and for an answer, by default; a
        // store must fail instead (503).
        connectionTimeoutMillis: options.timeout ?? DEFAULT_TIMEOUT_MS,
        query_timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
      });
      // An idle connection that drops emits 'error' on the pool; the next query reports it.
      created.on('error', () => {});
      return created;
    })();
    opening.catch(() => {
      opening = undefined;
    });
    return opening;
  }

  async function connect(): Promise<PgPoolClientLike> {
    const p = await pool();
    try {
      return await p.connect();
    } catch (error) {
      throw toPgError(error);
    }
  }

  async function attempt<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await connect();
    // pg-pool stops listening for a client's 'error' while it is checked out. A
    // connection that drops then (PostgreSQL crashed or restarted, a backend was
    // terminated) emits 'error', and an unheard 'error' event ends the process.
    // Listen while we hold it: the pending query fails on its own, and the
    // connection is destroyed on release.
    let broken = false;
    const onError = () => {
      broken = true;
    };
    connection.on?.('error', onError);
    try {
      await connection.query('BEGIN');
      const result = await fn({
        async query<Row>(text: string, params?: readonly unknown[]) {
          try {
            return toResult<Row>(await connection.query(text, params as unknown[] | undefined));
          } catch (error) {
            throw toPgError(error);
          }
        },
      });
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      const failure = toPgError(error);
      // A connection that failed (or timed out) is not asked to roll back: it is
      // destroyed below, and PostgreSQL rolls back a transaction whose connection
      // ends. Asking would wait on it a second time.
      if (failure instanceof StoreUnavailableError) broken = true;
      else {
        try {
          await connection.query('ROLLBACK');
        } catch {
          broken = true;
        }
      }
      throw failure;
    } finally {
      // A connection that could not roll back, or that failed, is destroyed,
      // never handed out again.
      connection.removeListener?.('error', onError);
      connection.release(broken);
    }
  }

  const client: SqlClient = {
    async query<Row>(text: string, params?: readonly unknown[]) {
      const p = await pool();
      try {
        return toResult<Row>(await p.query(text, params as unknown[] | undefined));
      } catch (error) {
        throw toPgError(error);
      }
    },
    async transaction(fn) {
      for (let tries = 1; ; tries += 1) {
        try {
          return await attempt(fn);
        } catch (error) {
          const state = sqlStateOf((error as { cause?: unknown }).cause ?? error);
          if (tries >= MAX_ATTEMPTS || state === undefined || !RETRYABLE_STATES.has(state))
            throw error;
        }
      }
    },
    async close() {
      if (!owned || opening === undefined) return;
      const p = await opening.catch(() => undefined);
      await p?.end();
    },
  };

  return sqlStore(client, { schema: options.schema });
}

interface PoolConstructor {
  new (config: {
    connectionString: string;
    max: number;
    connectionTimeoutMillis: number;
    query_timeout: number;
  }): PgPoolLike & { on(event: 'error', listener: (error: Error) => void): unknown };
}

async function loadPool(): Promise<PoolConstructor> {
  let pg: { Pool?: PoolConstructor; default?: { Pool?: PoolConstructor } };
  try {
    pg = (await import('pg')) as typeof pg;
  } catch (error) {
    throw new TypeError('postgresStore needs the `pg` package: npm install pg', { cause: error });
  }
  const Pool = pg.Pool ?? pg.default?.Pool;
  if (Pool === undefined) throw new TypeError('the installed `pg` package has no Pool export');
  return Pool;
}

function toResult<Row>(result: { rows: unknown[]; rowCount: number | null }): SqlResult<Row> {
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
}

function toPgError(error: unknown): unknown {
  const mapped = toStoreError(error);
  if (mapped !== error || isContractError(error)) return mapped;
  // Anything the driver throws without a SQLSTATE is about the connection
  // (refused, reset, timed out, pool ended).
  if (error instanceof Error && sqlStateOf(error) === undefined) return unavailable(error);
  return error;
}
