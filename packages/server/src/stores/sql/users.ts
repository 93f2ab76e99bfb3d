import type { AccountFallbacks, UserStore } from '../contract.js';
import { auditValues, insertAudit } from './audit.js';
import { credentialValues } from './credentials.js';
import { sessionValues } from './sessions.js';
import { assignments, type SqlContext } from './sql-context.js';
import {
  AUDIT_COLUMNS,
  CREDENTIAL_COLUMNS,
  jsonParam,
  millis,
  type Row,
  readUser,
  SESSION_COLUMNS,
  USER_COLUMNS,
} from './sql-rows.js';

/**
 * Users: accounts, with their password and fallback settings. Part of `sqlStore`.
 */
export function sqlUsers({ t, db }: SqlContext): UserStore {
  return {
    async createUser({ user, credential, recoveryCodeHashes, session, claim, events }) {
      if (
        (credential !== undefined && credential.userId !== user.id) ||
        (session !== undefined && session.userId !== user.id)
      ) {
        throw new TypeError('the first credential and session must belong to the new user');
      }
      // One statement of data-modifying CTEs: atomic without a transaction, one
      // round trip. Foreign keys are checked at its end, when the user's row exists.
      const params: unknown[] = [];
      const values = (...list: unknown[]) =>
        list.map((value) => `$${params.push(value)}`).join(', ');
      const inserts = [
        `INSERT INTO ${t.users} (${USER_COLUMNS}) VALUES (${values(
          user.id,
          user.email,
          user.displayName,
          user.userHandle,
          user.tier,
          user.prfSalt,
          user.createdAt,
          user.externalId,
          user.emailVerified === true,
        )})`,
      ];
      if (credential !== undefined) {
        inserts.push(
          `INSERT INTO ${t.credentials} (${CREDENTIAL_COLUMNS}) VALUES (${values(...credentialValues(credential))})`,
        );
      }
      if (recoveryCodeHashes.length > 0) {
        inserts.push(
          `INSERT INTO ${t.recoveryCodes} (user_id, code_hash) SELECT ${values(user.id)}, unnest(${values([...recoveryCodeHashes])}::text[])`,
        );
      }
      if (session !== undefined) {
        inserts.push(
          `INSERT INTO ${t.sessions} (${SESSION_COLUMNS}) VALUES (${values(...sessionValues(session))})`,
        );
      }
      // No ON CONFLICT: a taken name violates the primary key, which rolls the
      // whole sign-up back (two instances racing to claim an owner-mode origin).
      if (claim !== undefined) {
        inserts.push(
          `INSERT INTO ${t.secrets} (name, value, created_at) VALUES (${values(claim.name, claim.value, Date.now())})`,
        );
      }
      for (const event of events ?? []) {
        inserts.push(
          `INSERT INTO ${t.audit} (${AUDIT_COLUMNS}) VALUES (${values(...auditValues(event))})`,
        );
      }
      await db().query(
        `WITH ${inserts.map((insert, i) => `w${i} AS (${insert})`).join(', ')} SELECT 1`,
        params,
      );
    },

    async getUser(id) {
      const { rows } = await db().query<Row>(
        `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE id = $1`,
        [id],
      );
      return rows[0] === undefined ? null : readUser(rows[0]);
    },

    async getUserByEmail(email) {
      const { rows } = await db().query<Row>(
        `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE lower(email) = lower($1)`,
        [email],
      );
      return rows[0] === undefined ? null : readUser(rows[0]);
    },

    async getUserByExternalId(externalId) {
      const { rows } = await db().query<Row>(
        `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE external_id = $1`,
        [externalId],
      );
      return rows[0] === undefined ? null : readUser(rows[0]);
    },

    async getUserByHandle(userHandle) {
      const { rows } = await db().query<Row>(
        `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE user_handle = $1`,
        [userHandle],
      );
      return rows[0] === undefined ? null : readUser(rows[0]);
    },

    async updateUser(id, patch) {
      const set = assignments(
        patch,
        {
          displayName: 'display_name',
          tier: 'tier',
          email: 'email',
          emailVerified: 'email_verified',
          externalId: 'external_id',
        },
        2,
      );
      const { rows } =
        set.clause === ''
          ? await db().query<Row>(`SELECT ${USER_COLUMNS} FROM ${t.users} WHERE id = $1`, [id])
          : await db().query<Row>(
              `UPDATE ${t.users} SET ${set.clause} WHERE id = $1 RETURNING ${USER_COLUMNS}`,
              [id, ...set.params],
            );
      return rows[0] === undefined ? null : readUser(rows[0]);
    },

    async deleteUser(id, event) {
      return db().transaction(async (tx) => {
        // Passkeys, sessions, tokens and recovery codes go with the row (ON DELETE
        // CASCADE); audit events have no foreign key and stay.
        const deleted = await tx.query(`DELETE FROM ${t.users} WHERE id = $1`, [id]);
        if (deleted.rowCount === 0) return false;
        if (event !== undefined) await insertAudit(t, tx, event);
        return true;
      });
    },

    async getPassword(userId) {
      const { rows } = await db().query<Row>(
        `SELECT password_hash, password_updated_at FROM ${t.users}
          WHERE id = $1 AND password_hash IS NOT NULL`,
        [userId],
      );
      const row = rows[0];
      if (row === undefined) return null;
      return {
        userId,
        hash: String(row.password_hash),
        updatedAt: millis(row.password_updated_at),
      };
    },

    async setPassword(userId, hash, at, event) {
      return db().transaction(async (tx) => {
        const updated = await tx.query(
          `UPDATE ${t.users} SET password_hash = $2, password_updated_at = $3 WHERE id = $1`,
          [userId, hash, hash === null ? null : at],
        );
        if (updated.rowCount === 0) return false;
        if (event !== undefined) await insertAudit(t, tx, event);
        return true;
      });
    },

    async getAccountFallbacks(userId) {
      const { rows } = await db().query<Row>(
        `SELECT fallbacks FROM ${t.users} WHERE id = $1 AND fallbacks IS NOT NULL`,
        [userId],
      );
      const row = rows[0];
      if (row === undefined) return null;
      const value = (
        typeof row.fallbacks === 'string' ? JSON.parse(row.fallbacks) : row.fallbacks
      ) as AccountFallbacks;
      return {
        recoveryCodes: value.recoveryCodes === true,
        magicLink: value.magicLink === true,
        password: value.password === true,
      };
    },

    async setAccountFallbacks(userId, fallbacks, event) {
      return db().transaction(async (tx) => {
        const { recoveryCodes, magicLink, password } = fallbacks;
        const updated = await tx.query(
          `UPDATE ${t.users} SET fallbacks = $2::jsonb WHERE id = $1`,
          [userId, jsonParam({ recoveryCodes, magicLink, password })],
        );
        if (updated.rowCount === 0) return false;
        if (event !== undefined) await insertAudit(t, tx, event);
        return true;
      });
    },
  };
}
