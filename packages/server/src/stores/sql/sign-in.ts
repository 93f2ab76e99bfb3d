import type { SignInStore } from '../contract.js';
import { credentialUseUpdate } from './credentials.js';
import type { SqlContext } from './sql-context.js';
import {
  AUDIT_COLUMNS,
  CHALLENGE_COLUMNS,
  CREDENTIAL_COLUMNS,
  jsonParam,
  type Row,
  readChallenge,
  readCredential,
  readUser,
  SESSION_COLUMNS,
  USER_COLUMNS,
} from './sql-rows.js';

const fields = (columns: string) => columns.split(', ');
const CHALLENGE_FIELDS = fields(CHALLENGE_COLUMNS);
const CREDENTIAL_FIELDS = fields(CREDENTIAL_COLUMNS);
const USER_FIELDS = fields(USER_COLUMNS);
/** The challenge's, the passkey's and the user's columns, prefixed `c_`, `k_` and `u_`. */
const ASSERTION_COLUMNS = [
  ...CHALLENGE_FIELDS.map((f) => `c.${f} AS c_${f}`),
  ...CREDENTIAL_FIELDS.map((f) => `k.${f} AS k_${f}`),
  ...USER_FIELDS.map((f) => `u.${f} AS u_${f}`),
].join(', ');

/** The passkey's and its user's columns, prefixed `k_` and `u_`. */
const PASSKEY_AND_USER_COLUMNS = [
  ...CREDENTIAL_FIELDS.map((f) => `k.${f} AS k_${f}`),
  ...USER_FIELDS.map((f) => `u.${f} AS u_${f}`),
].join(', ');

/** One record's columns out of a joined row, unprefixed. */
function part(row: Row, prefix: string, names: string[]): Row {
  return Object.fromEntries(names.map((f) => [f, row[`${prefix}${f}`]]));
}

/**
 * The two steps of a passkey sign-in, one statement each. Part of `sqlStore`.
 * A statement is atomic on its own, so neither needs a transaction (and its
 * BEGIN and COMMIT round trips).
 */
export function sqlSignIn({ t, db }: SqlContext): Required<SignInStore> {
  return {
    async startAssertion(challenge, credentialId, now) {
      // The DELETE … RETURNING keeps consumeChallenge's promise: a concurrent
      // consumer waits on the row lock, then finds it gone. No challenge, no row.
      const { rows } = await db().query<Row>(
        `WITH c AS (
            DELETE FROM ${t.challenges} WHERE challenge = $1 RETURNING ${CHALLENGE_COLUMNS}
          )
          SELECT ${ASSERTION_COLUMNS} FROM c
            LEFT JOIN ${t.credentials} k ON k.credential_id = $2
            LEFT JOIN ${t.users} u ON u.id = k.user_id`,
        [challenge, credentialId],
      );
      const row = rows[0];
      const record = row === undefined ? null : readChallenge(part(row, 'c_', CHALLENGE_FIELDS));
      if (row === undefined || record === null || record.expiresAt <= now) {
        return { challenge: null, credential: null, user: null };
      }
      return {
        challenge: record,
        credential: row.k_id == null ? null : readCredential(part(row, 'k_', CREDENTIAL_FIELDS)),
        user: row.u_id == null ? null : readUser(part(row, 'u_', USER_FIELDS)),
      };
    },

    async getPasskeyAndUser(credentialId) {
      const { rows } = await db().query<Row>(
        `SELECT ${PASSKEY_AND_USER_COLUMNS} FROM ${t.credentials} k
           LEFT JOIN ${t.users} u ON u.id = k.user_id
          WHERE k.credential_id = $1`,
        [credentialId],
      );
      const row = rows[0];
      if (row === undefined) return { credential: null, user: null };
      return {
        credential: readCredential(part(row, 'k_', CREDENTIAL_FIELDS)),
        user: row.u_id == null ? null : readUser(part(row, 'u_', USER_FIELDS)),
      };
    },

    async recordSignIn(credentialId, expectedCounter, use, session, event) {
      // The counter's compare-and-set, then the session and its event only for
      // the row it moved: one statement, so all of it or none.
      const counter = credentialUseUpdate(t, credentialId, expectedCounter, use);
      const params: unknown[] = [
        ...counter.params,
        session.id,
        session.secretHash,
        session.userId,
        session.kind,
        session.credentialId,
        session.createdAt,
        session.expiresAt,
        session.lastSeenAt,
        session.elevatedUntil,
        session.ip,
        session.userAgent,
        session.popKey,
        session.popProvenAt,
      ];
      let eventInsert = '';
      if (event !== undefined) {
        params.push(
          event.id,
          event.type,
          event.userId,
          event.at,
          event.ip,
          event.userAgent,
          event.actor,
          jsonParam(event.data),
        );
        eventInsert = `, event AS (
            INSERT INTO ${t.audit} (${AUDIT_COLUMNS})
            SELECT $21::text, $22::text, $23::text, $24::bigint, $25::text, $26::text, $27::text,
              $28::jsonb FROM used
          )`;
      }
      const { rows } = await db().query(
        `WITH used AS (
            ${counter.sql}
            RETURNING 1
          ), session AS (
            INSERT INTO ${t.sessions} (${SESSION_COLUMNS})
            SELECT $8::text, $9::text, $10::text, $11::text, $12::text, $13::bigint, $14::bigint,
              $15::bigint, $16::bigint, $17::text, $18::text, $19::text, $20::bigint FROM used
          )${eventInsert}
          SELECT 1 FROM used`,
        params,
      );
      return rows.length === 1;
    },
  };
}
