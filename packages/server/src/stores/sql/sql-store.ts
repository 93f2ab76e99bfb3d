import {
  type AccountFallbacks,
  type AuditRecord,
  type CredentialRecord,
  type LatchkeyStore,
  type SessionRecord,
  StoreUnavailableError,
} from '../contract.js';
import { quoteIdentifier, runMigrations } from './run-migrations.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';
import {
  AUDIT_COLUMNS,
  CHALLENGE_COLUMNS,
  CREDENTIAL_COLUMNS,
  DEVICE_CODE_COLUMNS,
  EMAIL_LINK_COLUMNS,
  jsonParam,
  millis,
  millisOrNull,
  PAIRING_COLUMNS,
  type Row,
  readAudit,
  readChallenge,
  readCredential,
  readCredentialShape,
  readDeviceCode,
  readEmailLink,
  readPairing,
  readSession,
  readSigningKey,
  readToken,
  readUser,
  SESSION_COLUMNS,
  SIGNING_KEY_COLUMNS,
  TOKEN_COLUMNS,
  USER_COLUMNS,
} from './sql-rows.js';

/** How often, at most, one instance deletes expired short-lived rows. */
const SWEEP_INTERVAL_MS = 60_000;
/** Rows are swept this long after they expire, so instances with skewed clocks agree. */
const SWEEP_GRACE_MS = 60_000;

/** Where the tables live. */
export interface SqlStoreOptions {
  /** The PostgreSQL schema holding Latchkey's tables (default `latchkey`). */
  schema?: string;
}

/**
 * The one SQL implementation of `LatchkeyStore`, shared by `pgliteStore` and
 * `postgresStore` through a `SqlClient`. Every multi-row write runs in one
 * transaction; every atomic promise of the contract is a single conditional
 * UPDATE / DELETE / INSERT … ON CONFLICT (… RETURNING), or a transaction that
 * first locks the user's row.
 *
 * @example
 * const store = sqlStore(client, { schema: 'latchkey' });
 * await store.migrate();
 */
export function sqlStore(client: SqlClient, options: SqlStoreOptions = {}): LatchkeyStore {
  const schema = options.schema ?? 'latchkey';
  const s = quoteIdentifier(schema);
  const t = {
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
  let closed = false;
  let lastSweep = Date.now();

  function db(): SqlClient {
    if (closed) throw new StoreUnavailableError('the store is closed');
    return client;
  }

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

  /** Locks the user's row for the rest of the transaction; false when there is no such user. */
  async function lockUser(tx: SqlExecutor, userId: string): Promise<boolean> {
    // NO KEY UPDATE: serialises Latchkey's per-user steps without blocking the key-share
    // locks that inserts referencing the user (sessions, tokens) take.
    const locked = await tx.query(`SELECT 1 FROM ${t.users} WHERE id = $1 FOR NO KEY UPDATE`, [
      userId,
    ]);
    return locked.rowCount > 0;
  }

  async function insertCredential(tx: SqlExecutor, c: CredentialRecord): Promise<void> {
    await tx.query(
      `INSERT INTO ${t.credentials} (${CREDENTIAL_COLUMNS}) VALUES
        ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, $17, $18, $19)`,
      [
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
      ],
    );
  }

  async function insertAudit(tx: SqlExecutor, x: AuditRecord): Promise<void> {
    await tx.query(
      `INSERT INTO ${t.audit} (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [x.id, x.type, x.userId, x.at, x.ip, x.userAgent, x.actor, jsonParam(x.data)],
    );
  }

  async function insertSession(tx: SqlExecutor, x: SessionRecord): Promise<void> {
    await tx.query(
      `INSERT INTO ${t.sessions} (${SESSION_COLUMNS}) VALUES
        ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
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
      ],
    );
  }

  async function insertRecoveryCodes(
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

  return {
    async migrate() {
      await runMigrations(db(), schema);
    },

    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },

    async createUser({ user, credential, recoveryCodeHashes, session, claim }) {
      if (
        (credential !== undefined && credential.userId !== user.id) ||
        (session !== undefined && session.userId !== user.id)
      ) {
        throw new TypeError('the first credential and session must belong to the new user');
      }
      await db().transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ${t.users} (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            user.id,
            user.email,
            user.displayName,
            user.userHandle,
            user.tier,
            user.prfSalt,
            user.createdAt,
            user.externalId,
            user.emailVerified === true,
          ],
        );
        if (credential !== undefined) await insertCredential(tx, credential);
        await insertRecoveryCodes(tx, user.id, recoveryCodeHashes);
        if (session !== undefined) await insertSession(tx, session);
        // No ON CONFLICT: a taken name violates the primary key, which rolls the
        // whole sign-up back (two instances racing to claim an owner-mode origin).
        if (claim !== undefined) {
          await tx.query(`INSERT INTO ${t.secrets} (name, value, created_at) VALUES ($1, $2, $3)`, [
            claim.name,
            claim.value,
            Date.now(),
          ]);
        }
      });
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
        if (event !== undefined) await insertAudit(tx, event);
        return true;
      });
    },

    async hasActiveCredentialForRpId(rpId) {
      // One probe of the partial index credentials_active_rp_id_idx, however many passkeys exist.
      const { rows } = await db().query<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${t.credentials} WHERE rp_id = $1 AND status = 'active') AS found`,
        [rpId],
      );
      return rows[0]?.found === true;
    },

    async addCredential(credential) {
      await insertCredential(db(), credential);
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
      // Compare-and-set in one statement: of two racing assertions, the second finds
      // the counter already moved and updates nothing.
      const result = await db().query(
        `UPDATE ${t.credentials}
          SET counter = $3, backed_up = $4, device_type = $5,
              transports = COALESCE($6::jsonb, transports), last_used_at = $7
          WHERE credential_id = $1 AND counter = $2`,
        [
          credentialId,
          expectedCounter,
          use.counter,
          use.backedUp,
          use.deviceType,
          use.transports === undefined ? null : jsonParam(use.transports),
          use.lastUsedAt,
        ],
      );
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
        if (!(await lockUser(tx, userId))) return 'not-found';
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

    async createSession(session, event) {
      if (event === undefined) {
        await insertSession(db(), session);
        return;
      }
      await db().transaction(async (tx) => {
        await insertSession(tx, session);
        await insertAudit(tx, event);
      });
    },

    async getSessionBySecretHash(secretHash) {
      const { rows } = await db().query<Row>(
        `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE secret_hash = $1`,
        [secretHash],
      );
      return rows[0] === undefined ? null : readSession(rows[0]);
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
        if (event !== undefined) await insertAudit(tx, event);
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
        if (event !== undefined) await insertAudit(tx, event);
        return true;
      });
    },

    async replaceRecoveryCodes(userId, codeHashes) {
      await db().transaction(async (tx) => {
        // Two concurrent replacements queue on the user's row, so one whole set wins.
        if (!(await lockUser(tx, userId))) throw new TypeError(`no user with id ${userId}`);
        await tx.query(`DELETE FROM ${t.recoveryCodes} WHERE user_id = $1`, [userId]);
        await insertRecoveryCodes(tx, userId, codeHashes);
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

    async appendAudit(event) {
      await insertAudit(db(), event);
    },

    async listAudit(filter) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (filter.userId !== undefined) {
        params.push(filter.userId);
        where.push(`user_id = $${params.length}`);
      }
      if (filter.before !== undefined) {
        params.push(filter.before);
        where.push(`at < $${params.length}`);
      }
      params.push(Math.max(0, Math.floor(filter.limit)));
      // seq breaks ties between events of the same millisecond: the later append first.
      const { rows } = await db().query<Row>(
        `SELECT ${AUDIT_COLUMNS} FROM ${t.audit}
          ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
          ORDER BY at DESC, seq DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(readAudit);
    },

    async pruneAudit(before, limit) {
      // Oldest first through audit_events_at_idx, a bounded batch per call.
      const result = await db().query(
        `DELETE FROM ${t.audit} WHERE seq IN (
           SELECT seq FROM ${t.audit} WHERE at < $1 ORDER BY at, seq LIMIT $2)`,
        [before, Math.max(0, Math.floor(limit))],
      );
      return result.rowCount ?? 0;
    },

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

/**
 * `col = $n` assignments for the fields of `patch` that are set (undefined means
 * "leave it"; null clears), numbered from `first`.
 */
function assignments<P extends object>(
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
