// The app's sign-in before passkeys: Better Auth with email and password, its
// tables in the pool's PostgreSQL. Nothing here knows about Latchkey.
import { betterAuth } from 'better-auth';
import type pg from 'pg';

export interface AuthOptions {
  /** Better Auth's tables live in the pool's `search_path` (`public` unless set). */
  pool: pg.Pool;
  /** Where browsers reach the app, such as `http://localhost:3000`. */
  origin: string;
  /** Better Auth's secret (32+ random characters); required in production. */
  secret?: string;
}

/** Better Auth with email-and-password sign-up and sign-in, mounted at `/api/auth`. */
export function createAuth({ pool, origin, secret }: AuthOptions) {
  return betterAuth({
    database: pool,
    baseURL: origin,
    ...(secret ? { secret } : {}),
    emailAndPassword: { enabled: true },
  });
}

export type Auth = ReturnType<typeof createAuth>;
