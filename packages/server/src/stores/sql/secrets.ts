import type { SecretStore } from '../contract.js';
import type { SqlContext } from './sql-context.js';
import { type Row, readSigningKey, SIGNING_KEY_COLUMNS } from './sql-rows.js';

/**
 * Server secrets and the JWT signing keys. Part of `sqlStore`.
 */
export function sqlSecrets({ t, db }: SqlContext): SecretStore {
  return {
    async getOrCreateSecret(name, candidate) {
      // DO UPDATE (not DO NOTHING) so the statement always returns the row: a racing
      // caller waits for the winner's insert, then locks and reads the committed value.
      const { rows } = await db().query<{ value: string }>(
        `INSERT INTO ${t.secrets} AS x (name, value, created_at) VALUES ($1, $2, $3)
          ON CONFLICT (name) DO UPDATE SET name = x.name
          RETURNING value`,
        [name, candidate, Date.now()],
      );
      return String(rows[0]!.value);
    },

    async getSecret(name) {
      const { rows } = await db().query<{ value: string }>(
        `SELECT value FROM ${t.secrets} WHERE name = $1`,
        [name],
      );
      return rows[0] === undefined ? null : String(rows[0].value);
    },

    async listSigningKeys() {
      const { rows } = await db().query<Row>(
        `SELECT ${SIGNING_KEY_COLUMNS} FROM ${t.signingKeys} ORDER BY created_at, kid`,
      );
      return rows.map(readSigningKey);
    },

    async addSigningKey(key) {
      await db().query(
        `INSERT INTO ${t.signingKeys} (${SIGNING_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (kid) DO NOTHING`,
        [key.kid, key.alg, key.privateJwk, key.publicJwk, key.createdAt, key.retiresAt],
      );
    },

    async retireSigningKey(kid, retiresAt) {
      await db().query(`UPDATE ${t.signingKeys} SET retires_at = $2 WHERE kid = $1`, [
        kid,
        retiresAt,
      ]);
    },
  };
}
