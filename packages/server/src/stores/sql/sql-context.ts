import { quoteIdentifier } from './run-migrations.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';

/** The qualified name of each of Latchkey's tables. */
export type SqlTables = ReturnType<typeof sqlTables>;

/**
 * What every part of the SQL store shares: its tables and its client, which
 * throws `StoreUnavailableError` once the store is closed.
 */
export interface SqlContext {
  t: SqlTables;
  db(): SqlClient;
}

/**
 * The tables of `schema`, quoted and qualified.
 *
 * @example
 * sqlTables('latchkey').users // '"latchkey".users'
 */
export function sqlTables(schema: string) {
  const s = quoteIdentifier(schema);
  return {
    users: `${s}.users`,
    credentials: `${s}.credentials`,
    sessions: `${s}.sessions`,
    recoveryCodes: `${s}.recovery_codes`,
    tokens: `${s}.tokens`,
    audit: `${s}.audit_events`,
    signingKeys: `${s}.signing_keys`,
    challenges: `${s}.challenges`,
    rateLimits: `${s}.rate_limits`,
    pairings: `${s}.pairings`,
    deviceCodes: `${s}.device_codes`,
    onceMarkers: `${s}.once_markers`,
    secrets: `${s}.secrets`,
    emailLinks: `${s}.email_links`,
  };
}

/**
 * Locks the user's row for the rest of the transaction; false when there is no
 * such user. Latchkey's per-user steps (deleting a passkey, replacing the
 * recovery codes) queue on it.
 *
 * @example
 * if (!(await lockUser(t, tx, userId))) return 'not-found';
 */
export async function lockUser(t: SqlTables, tx: SqlExecutor, userId: string): Promise<boolean> {
  // NO KEY UPDATE: serialises Latchkey's per-user steps without blocking the key-share
  // locks that inserts referencing the user (sessions, tokens) take.
  const locked = await tx.query(`SELECT 1 FROM ${t.users} WHERE id = $1 FOR NO KEY UPDATE`, [
    userId,
  ]);
  return locked.rowCount > 0;
}

/**
 * `col = $n` assignments for the fields of `patch` that are set (undefined means
 * "leave it"; null clears), numbered from `first`.
 *
 * @example
 * assignments({ name: 'Key', status: undefined }, { name: 'name', status: 'status' }, 2)
 * // { clause: 'name = $2', params: ['Key'] }
 */
export function assignments<P extends object>(
  patch: P,
  columns: { [K in keyof P]-?: string },
  first: number,
): { clause: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const key of Object.keys(columns) as (keyof P)[]) {
    const value = patch[key];
    if (value === undefined) continue;
    params.push(value);
    parts.push(`${columns[key]} = $${first + params.length - 1}`);
  }
  return { clause: parts.join(', '), params };
}
