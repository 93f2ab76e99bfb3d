import type { EphemeralStore } from '../contract.js';
import type { SqlContext } from './sql-context.js';
import {
  CHALLENGE_COLUMNS,
  DEVICE_CODE_COLUMNS,
  EMAIL_LINK_COLUMNS,
  jsonParam,
  millis,
  millisOrNull,
  PAIRING_COLUMNS,
  type Row,
  readChallenge,
  readDeviceCode,
  readEmailLink,
  readPairing,
} from './sql-rows.js';

/** How often, at most, one instance deletes expired short-lived rows. */
const SWEEP_INTERVAL_MS = 60_000;
/** Rows are swept this long after they expire, so instances with skewed clocks agree. */
const SWEEP_GRACE_MS = 60_000;

/**
 * The short-lived records: challenges, rate limits, pairing, device codes,
 * single-use markers and email links. Part of `sqlStore`; it sweeps expired rows
 * as it writes.
 */
export function sqlEphemeral({ t, db }: SqlContext): EphemeralStore {
  let lastSweep = Date.now();

  async function sweep(): Promise<void> {
    const now = Date.now();
    if (now - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = now;
    const before = now - SWEEP_GRACE_MS;
    const c = db();
    await c.query(`DELETE FROM ${t.challenges} WHERE expires_at < $1`, [before]);
    await c.query(`DELETE FROM ${t.rateLimits} WHERE reset_at < $1`, [before]);
    await c.query(`DELETE FROM ${t.pairings} WHERE expires_at < $1`, [before]);
    await c.query(`DELETE FROM ${t.deviceCodes} WHERE expires_at < $1`, [before]);
    await c.query(`DELETE FROM ${t.onceMarkers} WHERE expires_at < $1`, [before]);
    await c.query(`DELETE FROM ${t.emailLinks} WHERE expires_at < $1`, [before]);
  }

  return {
    async putChallenge(x) {
      await sweep();
      await db().query(
        `INSERT INTO ${t.challenges} (${CHALLENGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
          ON CONFLICT (challenge) DO UPDATE SET kind = EXCLUDED.kind, binding = EXCLUDED.binding,
            user_id = EXCLUDED.user_id, rp_id = EXCLUDED.rp_id, expires_at = EXCLUDED.expires_at,
            data = EXCLUDED.data`,
        [x.challenge, x.kind, x.binding, x.userId, x.rpId, x.expiresAt, jsonParam(x.data)],
      );
    },

    async consumeChallenge(challenge, now) {
      // One DELETE … RETURNING: a concurrent consumer waits on the row lock, then
      // finds the row gone (WebAuthn L3 §13.4.3: a challenge is used once).
      const { rows } = await db().query<Row>(
        `DELETE FROM ${t.challenges} WHERE challenge = $1 RETURNING ${CHALLENGE_COLUMNS}`,
        [challenge],
      );
      const record = rows[0] === undefined ? null : readChallenge(rows[0]);
      return record !== null && record.expiresAt > now ? record : null;
    },

    async hitRateLimit(key, windowMs, now) {
      await sweep();
      const { rows } = await db().query<{ count: unknown; reset_at: unknown }>(
        `INSERT INTO ${t.rateLimits} AS r (key, count, reset_at) VALUES ($1, 1, $3)
          ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN r.reset_at <= $2 THEN 1 ELSE r.count + 1 END,
            reset_at = CASE WHEN r.reset_at <= $2 THEN EXCLUDED.reset_at ELSE r.reset_at END
          RETURNING count, reset_at`,
        [key, now, now + windowMs],
      );
      const row = rows[0]!;
      return { count: millis(row.count), resetAt: millis(row.reset_at) };
    },

    async peekRateLimit(key, now) {
      const { rows } = await db().query<{ count: unknown; reset_at: unknown }>(
        `SELECT count, reset_at FROM ${t.rateLimits} WHERE key = $1 AND reset_at > $2`,
        [key, now],
      );
      const row = rows[0];
      return row
        ? { count: millis(row.count), resetAt: millis(row.reset_at) }
        : { count: 0, resetAt: now };
    },

    async putPairing(x) {
      await sweep();
      await db().query(
        `INSERT INTO ${t.pairings} (${PAIRING_COLUMNS}) VALUES
          ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11)
          ON CONFLICT (id) DO UPDATE SET code_hash = EXCLUDED.code_hash, status = EXCLUDED.status,
            device_name = EXCLUDED.device_name, device = EXCLUDED.device, ip = EXCLUDED.ip,
            rp_id = EXCLUDED.rp_id, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
            user_id = EXCLUDED.user_id, requester_hash = EXCLUDED.requester_hash`,
        [
          x.id,
          x.codeHash,
          x.status,
          x.deviceName,
          jsonParam(x.device),
          x.ip,
          x.rpId,
          x.createdAt,
          x.expiresAt,
          x.userId,
          x.requesterHash,
        ],
      );
    },

    async getPairing(id, now) {
      const { rows } = await db().query<Row>(
        `SELECT ${PAIRING_COLUMNS} FROM ${t.pairings} WHERE id = $1 AND expires_at > $2`,
        [id, now],
      );
      return rows[0] === undefined ? null : readPairing(rows[0]);
    },

    async getPairingByCodeHash(codeHash, now) {
      const { rows } = await db().query<Row>(
        `SELECT ${PAIRING_COLUMNS} FROM ${t.pairings}
          WHERE code_hash = $1 AND expires_at > $2 ORDER BY created_at DESC LIMIT 1`,
        [codeHash, now],
      );
      return rows[0] === undefined ? null : readPairing(rows[0]);
    },

    async decidePairing(id, decision, now) {
      const result = await db().query(
        `UPDATE ${t.pairings} SET status = $2, user_id = $3
          WHERE id = $1 AND status = 'pending' AND expires_at > $4`,
        [id, decision.status, decision.userId, now],
      );
      return result.rowCount === 1;
    },

    async takePairing(id) {
      const result = await db().query(`DELETE FROM ${t.pairings} WHERE id = $1`, [id]);
      return result.rowCount === 1;
    },

    async putDeviceCode(x) {
      await sweep();
      await db().transaction(async (tx) => {
        // An expired request no longer holds its user code (RFC 8628 §6.1).
        await tx.query(
          `DELETE FROM ${t.deviceCodes}
            WHERE user_code = $1 AND expires_at <= $2 AND device_code_hash <> $3`,
          [x.userCode, Date.now(), x.deviceCodeHash],
        );
        await tx.query(
          `INSERT INTO ${t.deviceCodes} (${DEVICE_CODE_COLUMNS}) VALUES
            ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (device_code_hash) DO UPDATE SET user_code = EXCLUDED.user_code,
              status = EXCLUDED.status, client_name = EXCLUDED.client_name, scopes = EXCLUDED.scopes,
              agent = EXCLUDED.agent, ip = EXCLUDED.ip, created_at = EXCLUDED.created_at,
              expires_at = EXCLUDED.expires_at, last_polled_at = EXCLUDED.last_polled_at,
              user_id = EXCLUDED.user_id`,
          [
            x.deviceCodeHash,
            x.userCode,
            x.status,
            x.clientName,
            jsonParam(x.scopes),
            x.agent,
            x.ip,
            x.createdAt,
            x.expiresAt,
            x.lastPolledAt,
            x.userId,
          ],
        );
      });
    },

    async getDeviceCode(deviceCodeHash, now) {
      const { rows } = await db().query<Row>(
        `SELECT ${DEVICE_CODE_COLUMNS} FROM ${t.deviceCodes}
          WHERE device_code_hash = $1 AND expires_at > $2`,
        [deviceCodeHash, now],
      );
      return rows[0] === undefined ? null : readDeviceCode(rows[0]);
    },

    async getDeviceCodeByUserCode(userCode, now) {
      const { rows } = await db().query<Row>(
        `SELECT ${DEVICE_CODE_COLUMNS} FROM ${t.deviceCodes}
          WHERE user_code = $1 AND expires_at > $2
          ORDER BY (status = 'pending') DESC, created_at DESC LIMIT 1`,
        [userCode, now],
      );
      return rows[0] === undefined ? null : readDeviceCode(rows[0]);
    },

    async decideDeviceCode(userCode, decision, now) {
      const result = await db().query(
        `UPDATE ${t.deviceCodes} SET status = $2, user_id = $3
          WHERE user_code = $1 AND status = 'pending' AND expires_at > $4`,
        [userCode, decision.status, decision.userId, now],
      );
      return result.rowCount === 1;
    },

    async pollDeviceCode(deviceCodeHash, now) {
      // The locking read hands each concurrent poll the time the previous one wrote.
      const { rows } = await db().query<{ previous: unknown }>(
        `WITH prior AS (
            SELECT device_code_hash, last_polled_at FROM ${t.deviceCodes}
            WHERE device_code_hash = $1 AND expires_at > $2 FOR UPDATE
          )
          UPDATE ${t.deviceCodes} AS d SET last_polled_at = $2 FROM prior
          WHERE d.device_code_hash = prior.device_code_hash
          RETURNING prior.last_polled_at AS previous`,
        [deviceCodeHash, now],
      );
      return millisOrNull(rows[0]?.previous ?? null);
    },

    async takeDeviceCode(deviceCodeHash) {
      const result = await db().query(
        `DELETE FROM ${t.deviceCodes} WHERE device_code_hash = $1 AND status = 'approved'`,
        [deviceCodeHash],
      );
      return result.rowCount === 1;
    },

    async markOnce(key, expiresAt) {
      await sweep();
      // ON CONFLICT makes the race exact: the loser waits for the winner's row, then
      // finds a live marker and changes nothing.
      const result = await db().query(
        `INSERT INTO ${t.onceMarkers} AS m (key, expires_at) VALUES ($1, $2)
          ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE m.expires_at <= $3`,
        [key, expiresAt, Date.now()],
      );
      return result.rowCount === 1;
    },

    async putEmailLink(x) {
      await sweep();
      await db().query(
        `INSERT INTO ${t.emailLinks} (${EMAIL_LINK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [x.tokenHash, x.purpose, x.userId, x.email, x.binding, x.createdAt, x.expiresAt],
      );
    },

    async getEmailLink(tokenHash, now) {
      const { rows } = await db().query<Row>(
        `SELECT ${EMAIL_LINK_COLUMNS} FROM ${t.emailLinks} WHERE token_hash = $1 AND expires_at > $2`,
        [tokenHash, now],
      );
      return rows[0] === undefined ? null : readEmailLink(rows[0]);
    },

    async consumeEmailLink(tokenHash, now) {
      // One DELETE … RETURNING: a concurrent consumer waits on the row lock, then finds it gone.
      const { rows } = await db().query<Row>(
        `DELETE FROM ${t.emailLinks} WHERE token_hash = $1 RETURNING ${EMAIL_LINK_COLUMNS}`,
        [tokenHash],
      );
      const record = rows[0] === undefined ? null : readEmailLink(rows[0]);
      return record !== null && record.expiresAt > now ? record : null;
    },
  };
}
