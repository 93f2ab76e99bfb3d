import { MIGRATIONS, type Migration } from './migrations.js';
import type { SqlClient } from './sql-client.js';

/** The first key of the advisory lock that serialises Latchkey migrations ("LK"). */
const LOCK_CLASS = 0x4c4b;

/**
 * Applies every migration not yet recorded in `<schema>.schema_migrations`, all in
 * one transaction. The transaction first takes a transaction-scoped advisory lock
 * keyed on the schema, so when several instances start together one migrates and
 * the others wait, then find nothing left to do. Running it again is a no-op.
 *
 * @example
 * await runMigrations(client, 'latchkey');
 */
export async function runMigrations(
  client: SqlClient,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  const quoted = quoteIdentifier(schema);
  // The usual case, a schema already current, costs one statement and no lock.
  if (await isCurrent(client, quoted, migrations)) return;
  await client.transaction(async (tx) => {
    // Released at commit or rollback, so a crashed instance never holds it.
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
    // Look before creating: CREATE SCHEMA needs a privilege an operator may have withheld
    // after creating the schema for us.
    const existing = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (existing.rowCount === 0) await tx.query(`CREATE SCHEMA ${quoted}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at bigint NOT NULL
      )`,
    );
    const applied = await tx.query<{ version: number }>(
      `SELECT version FROM ${quoted}.schema_migrations`,
    );
    const done = new Set(applied.rows.map((row) => Number(row.version)));
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements(quoted)) await tx.query(statement);
      await tx.query(
        `INSERT INTO ${quoted}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, Date.now()],
      );
    }
  });
}

async function isCurrent(
  client: SqlClient,
  quoted: string,
  migrations: readonly Migration[],
): Promise<boolean> {
  try {
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${quoted}.schema_migrations`,
    );
    const done = new Set(rows.map((row) => Number(row.version)));
    return migrations.every((migration) => done.has(migration.version));
  } catch {
    return false; // no schema or table yet (or no access): the full path decides
  }
}

/**
 * Quotes a schema name for SQL text. Only plain identifiers are accepted, so a
 * name can never carry SQL of its own.
 *
 * @example
 * quoteIdentifier('latchkey') // '"latchkey"'
 */
export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new TypeError(`invalid schema name ${JSON.stringify(name)}: use letters, digits and _`);
  }
  return `"${name}"`;
}
