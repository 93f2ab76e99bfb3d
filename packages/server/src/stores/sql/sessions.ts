import type { SessionRecord, SessionStore } from '../contract.js';
import { insertAudit } from './audit.js';
import type { SqlExecutor } from './sql-client.js';
import { assignments, type SqlContext, type SqlTables } from './sql-context.js';
import { type Row, readSession, readUser, SESSION_COLUMNS, USER_COLUMNS } from './sql-rows.js';

const SESSION_FIELDS = SESSION_COLUMNS.split(', ');
const USER_FIELDS = USER_COLUMNS.split(', ');
/** A session's columns as they are and its user's prefixed `u_`, for the one join a request makes. */
const SESSION_AND_USER_COLUMNS = [
  ...SESSION_FIELDS.map((c) => `s.${c}`),
  ...USER_FIELDS.map((c) => `u.${c} AS u_${c}`),
].join(', ');

/**
 * Sessions. Part of `sqlStore`.
 */
export function sqlSessions({ t, db }: SqlContext): SessionStore {
  return {
    async createSession(session, event) {
      if (event === undefined) {
        await insertSession(t, db(), session);
        return;
      }
      await db().transaction(async (tx) => {
        await insertSession(t, tx, session);
        await insertAudit(t, tx, event);
      });
    },

    async getSessionBySecretHash(secretHash) {
      const { rows } = await db().query<Row>(
        `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE secret_hash = $1`,
        [secretHash],
      );
      return rows[0] === undefined ? null : readSession(rows[0]);
    },

    async getSessionAndUser(secretHash) {
      const { rows } = await db().query<Row>(
        `SELECT ${SESSION_AND_USER_COLUMNS} FROM ${t.sessions} s
         JOIN ${t.users} u ON u.id = s.user_id WHERE s.secret_hash = $1`,
        [secretHash],
      );
      const row = rows[0];
      if (row === undefined) return null;
      const user = Object.fromEntries(USER_FIELDS.map((c) => [c, row[`u_${c}`]]));
      return { session: readSession(row), user: readUser(user) };
    },

    async listSessions(userId) {
      const { rows } = await db().query<Row>(
        `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE user_id = $1 ORDER BY created_at, id`,
        [userId],
      );
      return rows.map(readSession);
    },

    async updateSession(id, patch) {
      const set = assignments(
        patch,
        {
          lastSeenAt: 'last_seen_at',
          expiresAt: 'expires_at',
          elevatedUntil: 'elevated_until',
          kind: 'kind',
          popKey: 'pop_key',
          popProvenAt: 'pop_proven_at',
        },
        2,
      );
      if (set.clause === '') return;
      await db().query(`UPDATE ${t.sessions} SET ${set.clause} WHERE id = $1`, [id, ...set.params]);
    },

    async rotateSession(id, newSecretHash, patch = {}) {
      const set = assignments(
        patch,
        {
          kind: 'kind',
          elevatedUntil: 'elevated_until',
          expiresAt: 'expires_at',
          credentialId: 'credential_id',
        },
        3,
      );
      await db().query(
        `UPDATE ${t.sessions} SET secret_hash = $2${set.clause === '' ? '' : `, ${set.clause}`} WHERE id = $1`,
        [id, newSecretHash, ...set.params],
      );
    },

    async deleteSession(id) {
      await db().query(`DELETE FROM ${t.sessions} WHERE id = $1`, [id]);
    },

    async deleteSessionsOfUser(userId, filter = {}) {
      const params: unknown[] = [userId];
      let where = 'user_id = $1';
      if (filter.credentialId !== undefined) {
        params.push(filter.credentialId);
        where += ` AND credential_id = $${params.length}`;
      }
      if (filter.exceptId !== undefined) {
        params.push(filter.exceptId);
        where += ` AND id <> $${params.length}`;
      }
      const result = await db().query(`DELETE FROM ${t.sessions} WHERE ${where}`, params);
      return result.rowCount;
    },
  };
}

/** Inserts a session's row, in `tx` (with its audit event) or alone. */
export async function insertSession(
  t: SqlTables,
  tx: SqlExecutor,
  x: SessionRecord,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${t.sessions} (${SESSION_COLUMNS}) VALUES
      ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    sessionValues(x),
  );
}

/** A session's values, in the order of `SESSION_COLUMNS`. */
export function sessionValues(x: SessionRecord): unknown[] {
  return [
    x.id,
    x.secretHash,
    x.userId,
    x.kind,
    x.credentialId,
    x.createdAt,
    x.expiresAt,
    x.lastSeenAt,
    x.elevatedUntil,
    x.ip,
    x.userAgent,
    x.popKey,
    x.popProvenAt,
  ];
}
