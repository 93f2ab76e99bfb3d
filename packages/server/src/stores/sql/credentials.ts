import type { CredentialRecord, CredentialStore, CredentialUse } from '../contract.js';
import type { SqlExecutor } from './sql-client.js';
import { assignments, lockUser, type SqlContext, type SqlTables } from './sql-context.js';
import {
  CREDENTIAL_COLUMNS,
  jsonParam,
  type Row,
  readCredential,
  readCredentialShape,
} from './sql-rows.js';

/**
 * The compare-and-set of a passkey's use (`recordCredentialUse`, and the first
 * step of `recordSignIn`): an `UPDATE` that moves the counter only from
 * `expectedCounter`, so of two racing assertions the second updates nothing.
 * Its parameters are `$1`–`$7`; a statement may append its own after them.
 *
 * @example
 * const { sql, params } = credentialUseUpdate(t, credentialId, 4, use);
 * const { rowCount } = await db().query(sql, params);
 */
export function credentialUseUpdate(
  t: SqlTables,
  credentialId: string,
  expectedCounter: number,
  use: CredentialUse,
): { sql: string; params: unknown[] } {
  return {
    sql: `UPDATE ${t.credentials}
          SET counter = $3, backed_up = $4, device_type = $5,
              transports = COALESCE($6::jsonb, transports), last_used_at = $7
          WHERE credential_id = $1 AND counter = $2`,
    params: [
      credentialId,
      expectedCounter,
      use.counter,
      use.backedUp,
      use.deviceType,
      use.transports === undefined ? null : jsonParam(use.transports),
      use.lastUsedAt,
    ],
  };
}

/**
 * Passkeys. Part of `sqlStore`.
 */
export function sqlCredentials({ t, db }: SqlContext): CredentialStore {
  return {
    async hasActiveCredentialForRpId(rpId) {
      // One probe of the partial index credentials_active_rp_id_idx, however many passkeys exist.
      const { rows } = await db().query<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${t.credentials} WHERE rp_id = $1 AND status = 'active') AS found`,
        [rpId],
      );
      return rows[0]?.found === true;
    },

    async addCredential(credential) {
      await insertCredential(t, db(), credential);
    },

    async getCredential(credentialId) {
      const { rows } = await db().query<Row>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM ${t.credentials} WHERE credential_id = $1`,
        [credentialId],
      );
      return rows[0] === undefined ? null : readCredential(rows[0]);
    },

    async credentialShapes() {
      const { rows } = await db().query<Row>(
        `SELECT transports, length(credential_id) AS id_length, count(*) AS count FROM ${t.credentials}
         WHERE status = 'active' GROUP BY transports, length(credential_id)`,
      );
      return rows.map(readCredentialShape);
    },

    async listCredentials(userId) {
      const { rows } = await db().query<Row>(
        `SELECT ${CREDENTIAL_COLUMNS} FROM ${t.credentials} WHERE user_id = $1 ORDER BY created_at, id`,
        [userId],
      );
      return rows.map(readCredential);
    },

    async recordCredentialUse(credentialId, expectedCounter, use) {
      const { sql, params } = credentialUseUpdate(t, credentialId, expectedCounter, use);
      const result = await db().query(sql, params);
      return result.rowCount === 1;
    },

    async updateCredential(credentialId, patch) {
      const set = assignments(
        patch,
        { name: 'name', status: 'status', wrappedKey: 'wrapped_key' },
        2,
      );
      const { rows } =
        set.clause === ''
          ? await db().query<Row>(
              `SELECT ${CREDENTIAL_COLUMNS} FROM ${t.credentials} WHERE credential_id = $1`,
              [credentialId],
            )
          : await db().query<Row>(
              `UPDATE ${t.credentials} SET ${set.clause} WHERE credential_id = $1 RETURNING ${CREDENTIAL_COLUMNS}`,
              [credentialId, ...set.params],
            );
      return rows[0] === undefined ? null : readCredential(rows[0]);
    },

    async deleteCredential(userId, credentialId, options) {
      return db().transaction(async (tx) => {
        // Two deletes of a user's last two passkeys queue on the user's row: the
        // second sees the first one's result and refuses.
        if (!(await lockUser(t, tx, userId))) return 'not-found';
        const target = await tx.query<{ status: string }>(
          `SELECT status FROM ${t.credentials} WHERE user_id = $1 AND credential_id = $2`,
          [userId, credentialId],
        );
        const status = target.rows[0]?.status;
        if (status === undefined) return 'not-found';
        if (status === 'active' && options?.allowLast !== true) {
          const others = await tx.query(
            `SELECT 1 FROM ${t.credentials}
              WHERE user_id = $1 AND status = 'active' AND credential_id <> $2 LIMIT 1`,
            [userId, credentialId],
          );
          if (others.rowCount === 0) return 'last';
        }
        await tx.query(`DELETE FROM ${t.credentials} WHERE user_id = $1 AND credential_id = $2`, [
          userId,
          credentialId,
        ]);
        return 'deleted';
      });
    },
  };
}

/** Inserts a passkey's row. */
export async function insertCredential(
  t: SqlTables,
  tx: SqlExecutor,
  c: CredentialRecord,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${t.credentials} (${CREDENTIAL_COLUMNS}) VALUES
      ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, $17, $18, $19)`,
    credentialValues(c),
  );
}

/** A passkey's values, in the order of `CREDENTIAL_COLUMNS` (JSON as text). */
export function credentialValues(c: CredentialRecord): unknown[] {
  return [
    c.id,
    c.userId,
    c.credentialId,
    c.publicKey,
    c.counter,
    jsonParam(c.transports),
    c.deviceType,
    c.backedUp,
    c.aaguid,
    c.name,
    c.providerName,
    c.providerIcon,
    jsonParam(c.createdWith),
    c.status,
    c.rpId,
    c.prf,
    c.wrappedKey,
    c.createdAt,
    c.lastUsedAt,
  ];
}
