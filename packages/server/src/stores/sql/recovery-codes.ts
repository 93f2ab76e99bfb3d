import type { RecoveryCodeStore } from '../contract.js';
import type { SqlExecutor } from './sql-client.js';
import { lockUser, type SqlContext, type SqlTables } from './sql-context.js';
import { millis } from './sql-rows.js';

/**
 * Recovery codes, stored as hashes. Part of `sqlStore`.
 */
export function sqlRecoveryCodes({ t, db }: SqlContext): RecoveryCodeStore {
  return {
    async replaceRecoveryCodes(userId, codeHashes) {
      await db().transaction(async (tx) => {
        // Two concurrent replacements queue on the user's row, so one whole set wins.
        if (!(await lockUser(t, tx, userId))) throw new TypeError(`no user with id ${userId}`);
        await tx.query(`DELETE FROM ${t.recoveryCodes} WHERE user_id = $1`, [userId]);
        await insertRecoveryCodes(t, tx, userId, codeHashes);
      });
    },

    async consumeRecoveryCode(userId, codeHash, at) {
      // A concurrent caller waits for the row, then finds used_at set and updates nothing.
      const result = await db().query(
        `UPDATE ${t.recoveryCodes} SET used_at = $3
          WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
        [userId, codeHash, at],
      );
      return result.rowCount === 1;
    },

    async findRecoveryCodeOwner(codeHash) {
      const { rows } = await db().query<{ user_id: string }>(
        `SELECT user_id FROM ${t.recoveryCodes} WHERE code_hash = $1 AND used_at IS NULL LIMIT 1`,
        [codeHash],
      );
      return rows[0]?.user_id ?? null;
    },

    async countRecoveryCodes(userId) {
      const { rows } = await db().query<{ n: unknown }>(
        `SELECT count(*) AS n FROM ${t.recoveryCodes} WHERE user_id = $1 AND used_at IS NULL`,
        [userId],
      );
      return millis(rows[0]?.n ?? 0);
    },
  };
}

/** Inserts unused recovery codes for `userId`, in `tx`. */
export async function insertRecoveryCodes(
  t: SqlTables,
  tx: SqlExecutor,
  userId: string,
  codeHashes: readonly string[],
): Promise<void> {
  if (codeHashes.length === 0) return;
  await tx.query(
    `INSERT INTO ${t.recoveryCodes} (user_id, code_hash) SELECT $1, unnest($2::text[])`,
    [userId, [...codeHashes]],
  );
}
