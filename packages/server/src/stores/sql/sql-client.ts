import { StoreConflictError, StoreUnavailableError } from '../contract.js';

/** The rows of one statement and how many rows it touched. */
export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** Runs one parameterised statement (`$1`, `$2`, …). */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<SqlResult<Row>>;
}

/**
 * The small seam between the one SQL store and a PostgreSQL driver (PGlite or
 * `pg`). Drivers throw `StoreUnavailableError`, `StoreConflictError` or
 * `TypeError` (see `toStoreError`), never their own errors.
 */
export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Releases what the client opened itself. */
  close(): Promise<void>;
  /**
   * Optional: LISTENs on `channel` (a NOTIFY channel, quoted as it is) until the
   * returned function is called. A driver that keeps a connection for it opens
   * one of its own, never a pooled one, and opens it again when it is lost,
   * telling `handlers.live`. Resolves after the first attempt, whether or not it
   * connected.
   */
  listen?(channel: string, handlers: SqlListenHandlers): Promise<() => Promise<void>>;
  /**
   * False when `listen` hands a committed transaction's notices over before the
   * statement that committed it resolves (one process: PGlite). Default true:
   * notices travel over a connection and may arrive after the writer's answer.
   */
  noticesTravel?: boolean;
}

/** What `SqlClient.listen` reports. */
export interface SqlListenHandlers {
  /** The payload of each notification on the channel. */
  notice(payload: string): void;
  /** True once listening, false when the connection is lost (notices may be missed until it is back). */
  live(up: boolean): void;
}

/** Unique constraints whose violation names a field of the contract. */
const CONFLICT_FIELDS: Record<string, StoreConflictError['field']> = {
  users_email_key: 'email',
  users_external_id_key: 'externalId',
  users_user_handle_key: 'userHandle',
  credentials_credential_id_key: 'credentialId',
};

/** Node socket errors that mean the server cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

/**
 * The SQLSTATE of a PostgreSQL error, when `error` carries one.
 *
 * @example
 * sqlStateOf(uniqueViolation) // '23505'
 */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Turns a driver error into the contract's errors: a unique violation (23505)
 * becomes `StoreConflictError` with the field its constraint guards, any other
 * integrity violation (class 23: unknown user, bad value) a `TypeError` because the
 * caller broke the contract, and a lost or refused connection, a server shutting
 * down or out of resources a `StoreUnavailableError`. Other errors (a bug in a
 * statement) pass through unchanged.
 *
 * @example
 * try { await pool.query(text, params) } catch (error) { throw toStoreError(error) }
 */
export function toStoreError(error: unknown): unknown {
  if (isContractError(error)) return error;
  const state = sqlStateOf(error);
  if (state !== undefined) {
    if (state === '23505') {
      const constraint = (error as { constraint?: unknown }).constraint;
      const field = typeof constraint === 'string' ? CONFLICT_FIELDS[constraint] : undefined;
      const conflict = new StoreConflictError(field ?? 'other', messageOf(error));
      conflict.cause = error;
      return conflict;
    }
    if (state.startsWith('23')) return new TypeError(messageOf(error), { cause: error });
    // PostgreSQL appendix A: 08 connection exception, 53 insufficient resources,
    // 57P01–57P03 shutdown / cannot connect now, 58 system error.
    if (
      state.startsWith('08') ||
      state.startsWith('53') ||
      state.startsWith('58') ||
      /^57P0[1-3]$/.test(state)
    ) {
      return unavailable(error);
    }
    return error;
  }
  if (isNetworkError(error)) return unavailable(error);
  return error;
}

/**
 * True for the errors a store may throw as they are: the contract's two and
 * `TypeError` for misuse.
 *
 * @example
 * isContractError(new StoreConflictError('email')) // true
 */
export function isContractError(error: unknown): boolean {
  return (
    error instanceof StoreConflictError ||
    error instanceof StoreUnavailableError ||
    error instanceof TypeError
  );
}

/** True for errors that say the connection itself failed. */
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isNetworkError);
  return /connection terminated|connection.*(closed|ended|timeout)|timeout exceeded when trying to connect|cannot use a pool after calling end|client has encountered a connection error|is closed/i.test(
    error.message,
  );
}

/**
 * A `StoreUnavailableError` that keeps `error` as its cause.
 *
 * @example
 * throw unavailable(error, 'could not open the database');
 */
export function unavailable(error: unknown, message?: string): StoreUnavailableError {
  return new StoreUnavailableError(message ?? `the store is unavailable: ${messageOf(error)}`, {
    cause: error,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
