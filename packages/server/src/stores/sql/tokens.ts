import type { TokenStore } from '../contract.js';
import type { SqlContext } from './sql-context.js';
import { jsonParam, type Row, readToken, TOKEN_COLUMNS } from './sql-rows.js';

/**
 * Personal and agent tokens. Part of `sqlStore`.
 */
export function sqlTokens({ t, db }: SqlContext): TokenStore {
  return {
    async createToken(x) {
      await db().query(
        `INSERT INTO ${t.tokens} (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)`,
        [
          x.id,
          x.userId,
          x.name,
          jsonParam(x.scopes),
          x.agent,
          x.tokenHash,
          x.createdAt,
          x.expiresAt,
          x.lastUsedAt,
        ],
      );
    },

    async getTokenByHash(tokenHash) {
      const { rows } = await db().query<Row>(
        `SELECT ${TOKEN_COLUMNS} FROM ${t.tokens} WHERE token_hash = $1`,
        [tokenHash],
      );
      return rows[0] === undefined ? null : readToken(rows[0]);
    },

    async listTokens(userId) {
      const { rows } = await db().query<Row>(
        `SELECT ${TOKEN_COLUMNS} FROM ${t.tokens} WHERE user_id = $1 ORDER BY created_at, id`,
        [userId],
      );
      return rows.map(readToken);
    },

    async touchToken(id, at) {
      await db().query(`UPDATE ${t.tokens} SET last_used_at = $2 WHERE id = $1`, [id, at]);
    },

    async deleteToken(userId, id) {
      const result = await db().query(`DELETE FROM ${t.tokens} WHERE id = $1 AND user_id = $2`, [
        id,
        userId,
      ]);
      return result.rowCount === 1;
    },
  };
}
