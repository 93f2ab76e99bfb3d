import { type LatchkeyStore, StoreUnavailableError } from '../contract.js';
import {
  isContractError,
  type SqlClient,
  type SqlExecutor,
  type SqlListenHandlers,
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
  /**
   * How the pool connects (`pg.Pool` keeps it here). With it, the store opens
   * the one connection of its own that hears session changes (`watchSessions`);
   * without it, the server reads every session check from the database.
   */
  readonly options?: object;
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
/** The listening connection, once lost, is opened again after this long, doubling up to the most. */
const LISTEN_RETRY_MS = 100;
const LISTEN_RETRY_MAX_MS = 5_000;
/**
 * How often the listening connection proves it is still there. A connection
 * that silently stopped answering (a network cut, no RST) would otherwise look
 * live while it hears nothing.
 */
const LISTEN_HEARTBEAT_MS = 5_000;

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

  const connection = listenConnection(options);
  if (connection !== null) {
    const timeout = ('timeout' in options ? options.timeout : undefined) ?? DEFAULT_TIMEOUT_MS;
    client.listen = (channel, handlers) => listenOn({ ...connection, timeout }, channel, handlers);
  }
  return sqlStore(client, { schema: options.schema });
}

/** How the listening connection connects: the store's URL, or the given pool's own settings. */
function listenConnection(options: PostgresStoreOptions): Record<string, unknown> | null {
  if (!('pool' in options)) return { connectionString: options.connectionString };
  const settings = options.pool.options;
  return typeof settings === 'object' && settings !== null ? { ...settings } : null;
}

/**
 * LISTENs on `channel` over a `pg.Client` of its own (never a pooled one: a pool
 * would hand it out to queries, or close it when idle). The connection is
 * opened again, after a growing delay, whenever it is lost: an 'error' event
 * (which must be heard, or it ends the process), its end, or a heartbeat that
 * gets no answer. Every loss is told (`live(false)`) before the next attempt.
 */
async function listenOn(
  connection: Record<string, unknown> & { timeout: number },
  channel: string,
  handlers: SqlListenHandlers,
): Promise<() => Promise<void>> {
  const { timeout, ...settings } = connection;
  let stopped = false;
  let current: PgListenClient | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let delay = LISTEN_RETRY_MS;

  const open = async (): Promise<void> => {
    retry = undefined;
    let c: PgListenClient;
    try {
      const Client = await loadClient();
      c = new Client({
        ...settings,
        fallback_application_name: 'latchkey-session-watch',
        keepAlive: true,
        connectionTimeoutMillis: timeout,
        query_timeout: timeout,
      });
    } catch {
      schedule();
      return;
    }
    current = c;
    let lost = false;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const drop = () => {
      if (lost) return;
      lost = true;
      if (heartbeat !== undefined) clearInterval(heartbeat);
      if (current === c) current = undefined;
      handlers.live(false);
      c.end().catch(() => {});
      schedule();
    };
    // Unheard, a lost connection's 'error' would end the process.
    c.on('error', drop);
    c.on('end', drop);
    c.on('notification', (message) => {
      if (!lost && message.channel === channel) handlers.notice(message.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    } catch {
      drop();
      return;
    }
    if (lost) return;
    if (stopped) {
      lost = true;
      await c.end().catch(() => {});
      return;
    }
    delay = LISTEN_RETRY_MS;
    handlers.live(true);
    heartbeat = setInterval(() => {
      c.query('SELECT 1').catch(drop);
    }, LISTEN_HEARTBEAT_MS);
    heartbeat.unref?.();
  };

  const schedule = () => {
    if (stopped || retry !== undefined) return;
    retry = setTimeout(() => void open(), delay);
    retry.unref?.();
    delay = Math.min(delay * 2, LISTEN_RETRY_MAX_MS);
  };

  await open();
  return async () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    const c = current;
    current = undefined;
    // Ending it emits 'end': `drop` then reports the loss and schedules nothing.
    await c?.end().catch(() => {});
  };
}

interface PoolConstructor {
  new (config: {
    connectionString: string;
    max: number;
    connectionTimeoutMillis: number;
    query_timeout: number;
  }): PgPoolLike & { on(event: 'error', listener: (error: Error) => void): unknown };
}

/** What the store needs of a `pg.Client` to LISTEN. */
interface PgListenClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'error' | 'end', listener: () => void): unknown;
  on(
    event: 'notification',
    listener: (message: { channel: string; payload?: string }) => void,
  ): unknown;
}

type ClientConstructor = new (config: Record<string, unknown>) => PgListenClient;

interface PgModule {
  Pool?: PoolConstructor;
  Client?: ClientConstructor;
  default?: { Pool?: PoolConstructor; Client?: ClientConstructor };
}

async function loadPg(): Promise<PgModule> {
  try {
    return (await import('pg')) as PgModule;
  } catch (error) {
    throw new TypeError('postgresStore needs the `pg` package: npm install pg', { cause: error });
  }
}

async function loadPool(): Promise<PoolConstructor> {
  const pg = await loadPg();
  const Pool = pg.Pool ?? pg.default?.Pool;
  if (Pool === undefined) throw new TypeError('the installed `pg` package has no Pool export');
  return Pool;
}

async function loadClient(): Promise<ClientConstructor> {
  const pg = await loadPg();
  const Client = pg.Client ?? pg.default?.Client;
  if (Client === undefined) throw new TypeError('the installed `pg` package has no Client export');
  return Client;
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
