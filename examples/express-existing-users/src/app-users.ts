// The app's own users, passwords and sessions: what an app has before it adds
// passkeys. Nothing here knows about Latchkey.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type pg from 'pg';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
) => Promise<Buffer>;

export const APP_SESSION_COOKIE = 'app_session';
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface AppUser {
  id: number;
  email: string;
  name: string;
}

/** The app's tables, in their own schema (Latchkey keeps its tables in another). */
export class AppUsers {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schema = 'app',
  ) {}

  async migrate(): Promise<void> {
    const s = this.schema;
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${s}.users (
      id serial PRIMARY KEY,
      email text NOT NULL UNIQUE,
      name text NOT NULL,
      password_hash text NOT NULL
    )`);
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${s}.sessions (
      id text PRIMARY KEY,
      user_id integer NOT NULL REFERENCES ${s}.users (id) ON DELETE CASCADE,
      expires_at timestamptz NOT NULL
    )`);
  }

  async create(email: string, name: string, password: string): Promise<AppUser> {
    const salt = randomBytes(16);
    const hash = await scryptAsync(password, salt, 32);
    const { rows } = await this.pool.query<AppUser>(
      `INSERT INTO ${this.schema}.users (email, name, password_hash) VALUES ($1, $2, $3)
       RETURNING id, email, name`,
      [email.toLowerCase(), name, `${salt.toString('hex')}:${hash.toString('hex')}`],
    );
    return rows[0]!;
  }

  /** The user whose password this is, or null (the same work either way). */
  async checkPassword(email: string, password: string): Promise<AppUser | null> {
    const { rows } = await this.pool.query<AppUser & { password_hash: string }>(
      `SELECT id, email, name, password_hash FROM ${this.schema}.users WHERE email = $1`,
      [email.toLowerCase()],
    );
    const row = rows[0];
    const [saltHex, hashHex] = (row?.password_hash ?? `${'0'.repeat(32)}:${'0'.repeat(64)}`).split(
      ':',
    );
    const hash = await scryptAsync(password, Buffer.from(saltHex!, 'hex'), 32);
    if (!row || !timingSafeEqual(hash, Buffer.from(hashHex!, 'hex'))) return null;
    return { id: row.id, email: row.email, name: row.name };
  }

  async byId(id: number): Promise<AppUser | null> {
    const { rows } = await this.pool.query<AppUser>(
      `SELECT id, email, name FROM ${this.schema}.users WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async startSession(userId: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.pool.query(
      `INSERT INTO ${this.schema}.sessions (id, user_id, expires_at) VALUES ($1, $2, $3)`,
      [id, userId, new Date(Date.now() + SESSION_TTL_MS)],
    );
    return id;
  }

  /** The signed-in user of an `app_session` cookie value, or null. */
  async fromSession(sessionId: string | undefined): Promise<AppUser | null> {
    if (!sessionId) return null;
    const { rows } = await this.pool.query<AppUser>(
      `SELECT u.id, u.email, u.name FROM ${this.schema}.sessions s
       JOIN ${this.schema}.users u ON u.id = s.user_id
       WHERE s.id = $1 AND s.expires_at > now()`,
      [sessionId],
    );
    return rows[0] ?? null;
  }

  async endSession(sessionId: string | undefined): Promise<void> {
    if (sessionId)
      await this.pool.query(`DELETE FROM ${this.schema}.sessions WHERE id = $1`, [sessionId]);
  }
}

/** One cookie's value from a `Cookie` header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
