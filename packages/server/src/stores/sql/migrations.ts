import { CHANNEL_SQL } from './session-changes.js';

/**
 * One schema change. `statements` receives the quoted schema name (`"latchkey"`)
 * and returns the statements to run, in order, inside the migration transaction.
 * The SQL is plain PostgreSQL that PGlite runs unchanged.
 */
export interface Migration {
  version: number;
  name: string;
  statements: (schema: string) => string[];
}

/**
 * Every migration, oldest first. Applied versions are recorded in
 * `<schema>.schema_migrations`; never edit a released migration, add a new one.
 *
 * Times are epoch milliseconds in `bigint` columns; lists and objects that the
 * store never queries into are `jsonb`. Constraint names matter: `toStoreError`
 * maps `users_email_key`, `users_external_id_key`, `users_user_handle_key` and
 * `credentials_credential_id_key` to the conflicting field.
 *
 * @example
 * for (const migration of MIGRATIONS) console.log(migration.version, migration.name);
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: (s) => [
      // The durable half.
      `CREATE TABLE ${s}.users (
        id text PRIMARY KEY,
        email text,
        display_name text,
        user_handle text NOT NULL,
        tier text NOT NULL CHECK (tier IN ('standard', 'locked')),
        prf_salt text NOT NULL,
        created_at bigint NOT NULL,
        CONSTRAINT users_user_handle_key UNIQUE (user_handle)
      )`,
      // Emails compare case-insensitively, whatever case a caller passes; NULLs never collide.
      `CREATE UNIQUE INDEX users_email_key ON ${s}.users (lower(email))`,

      `CREATE TABLE ${s}.credentials (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES ${s}.users (id) ON DELETE CASCADE,
        credential_id text NOT NULL,
        public_key bytea NOT NULL,
        counter bigint NOT NULL CHECK (counter >= 0),
        transports jsonb NOT NULL,
        device_type text NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
        backed_up boolean NOT NULL,
        aaguid text NOT NULL,
        name text NOT NULL,
        provider_name text NOT NULL,
        provider_icon text,
        created_with jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'pending')),
        rp_id text NOT NULL,
        prf boolean NOT NULL,
        wrapped_key text,
        created_at bigint NOT NULL,
        last_used_at bigint,
        CONSTRAINT credentials_credential_id_key UNIQUE (credential_id)
      )`,
      `CREATE INDEX credentials_user_id_idx ON ${s}.credentials (user_id, created_at)`,
      `CREATE INDEX credentials_active_rp_id_idx ON ${s}.credentials (rp_id, user_id) WHERE status = 'active'`,

      `CREATE TABLE ${s}.sessions (
        id text PRIMARY KEY,
        secret_hash text NOT NULL,
        user_id text NOT NULL REFERENCES ${s}.users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('full', 'recovery', 'enrol')),
        credential_id text,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        elevated_until bigint,
        ip text,
        user_agent text,
        pop_key text,
        pop_proven_at bigint,
        CONSTRAINT sessions_secret_hash_key UNIQUE (secret_hash)
      )`,
      `CREATE INDEX sessions_user_id_idx ON ${s}.sessions (user_id, created_at)`,

      `CREATE TABLE ${s}.recovery_codes (
        user_id text NOT NULL REFERENCES ${s}.users (id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at bigint,
        PRIMARY KEY (user_id, code_hash)
      )`,
      `CREATE INDEX recovery_codes_unused_idx ON ${s}.recovery_codes (code_hash) WHERE used_at IS NULL`,

      `CREATE TABLE ${s}.tokens (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES ${s}.users (id) ON DELETE CASCADE,
        name text NOT NULL,
        scopes jsonb NOT NULL,
        agent boolean NOT NULL,
        token_hash text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint,
        last_used_at bigint,
        CONSTRAINT tokens_token_hash_key UNIQUE (token_hash)
      )`,
      `CREATE INDEX tokens_user_id_idx ON ${s}.tokens (user_id, created_at)`,

      // No foreign key: the trail outlives what it talks about.
      `CREATE TABLE ${s}.audit_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL,
        type text NOT NULL,
        user_id text,
        at bigint NOT NULL,
        ip text,
        user_agent text,
        actor text,
        data jsonb NOT NULL,
        CONSTRAINT audit_events_id_key UNIQUE (id)
      )`,
      `CREATE INDEX audit_events_at_idx ON ${s}.audit_events (at DESC, seq DESC)`,
      `CREATE INDEX audit_events_user_id_idx ON ${s}.audit_events (user_id, at DESC, seq DESC)`,

      `CREATE TABLE ${s}.signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL CHECK (alg IN ('EdDSA', 'ES256')),
        private_jwk text NOT NULL,
        public_jwk text NOT NULL,
        created_at bigint NOT NULL,
        retires_at bigint
      )`,

      // The short-lived half, for when no separate ephemeral store is combined in.
      `CREATE TABLE ${s}.challenges (
        challenge text PRIMARY KEY,
        kind text NOT NULL,
        binding text NOT NULL,
        user_id text,
        rp_id text NOT NULL,
        expires_at bigint NOT NULL,
        data jsonb NOT NULL
      )`,
      `CREATE INDEX challenges_expires_at_idx ON ${s}.challenges (expires_at)`,

      `CREATE TABLE ${s}.rate_limits (
        key text PRIMARY KEY,
        count integer NOT NULL,
        reset_at bigint NOT NULL
      )`,
      `CREATE INDEX rate_limits_reset_at_idx ON ${s}.rate_limits (reset_at)`,

      `CREATE TABLE ${s}.pairings (
        id text PRIMARY KEY,
        code_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
        device_name text,
        device jsonb NOT NULL,
        ip text,
        rp_id text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        user_id text,
        requester_hash text NOT NULL
      )`,
      `CREATE INDEX pairings_code_hash_idx ON ${s}.pairings (code_hash, created_at)`,
      `CREATE INDEX pairings_expires_at_idx ON ${s}.pairings (expires_at)`,

      `CREATE TABLE ${s}.device_codes (
        device_code_hash text PRIMARY KEY,
        user_code text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
        client_name text,
        scopes jsonb NOT NULL,
        agent boolean NOT NULL,
        ip text,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        last_polled_at bigint,
        user_id text
      )`,
      // RFC 8628 §6.1: the user code identifies one pending request.
      `CREATE UNIQUE INDEX device_codes_pending_user_code_key ON ${s}.device_codes (user_code) WHERE status = 'pending'`,
      `CREATE INDEX device_codes_user_code_idx ON ${s}.device_codes (user_code, created_at)`,
      `CREATE INDEX device_codes_expires_at_idx ON ${s}.device_codes (expires_at)`,

      `CREATE TABLE ${s}.once_markers (
        key text PRIMARY KEY,
        expires_at bigint NOT NULL
      )`,
      `CREATE INDEX once_markers_expires_at_idx ON ${s}.once_markers (expires_at)`,
    ],
  },
  {
    version: 2,
    name: 'server secrets',
    statements: (s) => [
      `CREATE TABLE ${s}.secrets (
        name text PRIMARY KEY,
        value text NOT NULL,
        created_at bigint NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'email links and verified addresses',
    statements: (s) => [
      `CREATE TABLE ${s}.email_links (
        token_hash text PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('sign-in', 'verify')),
        user_id text NOT NULL,
        email text NOT NULL,
        binding text,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL
      )`,
      `CREATE INDEX email_links_expires_at_idx ON ${s}.email_links (expires_at)`,
      `ALTER TABLE ${s}.users ADD COLUMN email_verified boolean NOT NULL DEFAULT false`,
      // A session opened by an email link, which may only add a passkey (like a recovery one).
      `ALTER TABLE ${s}.sessions DROP CONSTRAINT sessions_kind_check`,
      `ALTER TABLE ${s}.sessions ADD CONSTRAINT sessions_kind_check
        CHECK (kind IN ('full', 'recovery', 'enrol', 'email'))`,
    ],
  },
  {
    version: 4,
    name: 'external ids',
    statements: (s) => [
      // The host app's own id for a person (`identify`, `api.users.create`); NULLs never collide.
      `ALTER TABLE ${s}.users ADD COLUMN external_id text`,
      `CREATE UNIQUE INDEX users_external_id_key ON ${s}.users (external_id)`,
    ],
  },
  {
    version: 5,
    name: 'passwords and account fallbacks',
    statements: (s) => [
      // The argon2id hash (PHC string) of an optional password, and the account's
      // choice of fallbacks (null: never chose, every one on); both go with the row.
      `ALTER TABLE ${s}.users ADD COLUMN password_hash text`,
      `ALTER TABLE ${s}.users ADD COLUMN password_updated_at bigint`,
      `ALTER TABLE ${s}.users ADD COLUMN fallbacks jsonb`,
      // A session opened by a password: full, of lower assurance (never elevated).
      `ALTER TABLE ${s}.sessions DROP CONSTRAINT sessions_kind_check`,
      `ALTER TABLE ${s}.sessions ADD CONSTRAINT sessions_kind_check
        CHECK (kind IN ('full', 'recovery', 'enrol', 'email', 'password'))`,
    ],
  },
  {
    version: 6,
    name: 'session change notices',
    statements: (s) => {
      // Every change to a session or a user row, whoever makes it (any instance, a
      // cascade, an operator's SQL), tells the listening instances whose sessions
      // to stop trusting from their caches (`watchSessions`). Inserts change no
      // cached answer (a miss is never cached), so they stay silent. NOTIFY is
      // sent at commit, and equal payloads of one transaction are sent once.
      const channel = CHANNEL_SQL;
      return [
        `CREATE FUNCTION ${s}.notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_TABLE_NAME = 'users' THEN
            PERFORM pg_notify(${channel}, OLD.id);
          ELSE
            PERFORM pg_notify(${channel}, OLD.user_id);
            IF TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id THEN
              PERFORM pg_notify(${channel}, NEW.user_id);
            END IF;
          END IF;
          RETURN NULL;
        END $$`,
        // A TRUNCATE names no rows: every cached session goes.
        `CREATE FUNCTION ${s}.notify_sessions_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify(${channel}, '*');
          RETURN NULL;
        END $$`,
        ...['users', 'sessions'].flatMap((table) => [
          `CREATE TRIGGER ${table}_notify_change AFTER UPDATE OR DELETE ON ${s}.${table}
            FOR EACH ROW EXECUTE FUNCTION ${s}.notify_session_change()`,
          `CREATE TRIGGER ${table}_notify_truncate AFTER TRUNCATE ON ${s}.${table}
            FOR EACH STATEMENT EXECUTE FUNCTION ${s}.notify_sessions_truncated()`,
        ]),
      ];
    },
  },
];
