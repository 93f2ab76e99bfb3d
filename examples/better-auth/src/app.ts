// An Express app whose people sign up and in with Better Auth (email and
// password), and Latchkey mounted beside it: a signed-in person adds a passkey
// (the `identify` hook maps the Better Auth session to a Latchkey identity),
// then signs in with the passkey alone.
import { createLatchkey } from '@latchkey/server';
import { toNodeMiddleware, toRequest } from '@latchkey/server/node';
import { postgresStore } from '@latchkey/server/postgres';
import { getMigrations } from 'better-auth/db/migration';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import express, { type Request as ExpressRequest } from 'express';
import type pg from 'pg';
import { createAuth } from './auth.js';
import { page } from './page.js';

export interface AppOptions {
  /** The app's pool: Better Auth's tables in its `search_path`, Latchkey's in their own schema. */
  pool: pg.Pool;
  /** Where browsers reach the app, such as `http://localhost:3000`. */
  origin: string;
  latchkeySchema?: string;
  /** Better Auth's secret; required in production. */
  authSecret?: string;
  /** Latchkey's server secret (32+ random bytes, base64url); required in production. */
  latchkeySecret?: string;
}

/** A Better Auth user as the page shows it. */
export interface AppUser {
  id: string;
  email: string;
  name: string;
}

/** Who a request is, for the app: a Better Auth session first, else a passkey sign-in. */
export interface SignedIn {
  user: AppUser;
  via: 'password' | 'passkey';
}

export function createApp(options: AppOptions) {
  const { pool, origin } = options;
  const auth = createAuth({
    pool,
    origin,
    ...(options.authSecret ? { secret: options.authSecret } : {}),
  });

  const latchkey = createLatchkey({
    rpName: 'Acme',
    origins: [origin],
    store: postgresStore({ pool, schema: options.latchkeySchema ?? 'latchkey' }),
    ...(options.latchkeySecret ? { secret: options.latchkeySecret } : {}),
    // Only Better Auth's users enrol passkeys: no sign-up by passkey alone.
    signUp: 'closed',
    // Who Better Auth says is signed in (its session cookie). Latchkey finds its
    // user by externalId, or creates it the first time.
    identify: async (request) => {
      const signedIn = await auth.api.getSession({ headers: request.headers });
      if (!signedIn) return null;
      const { id, email, name } = signedIn.user;
      return { externalId: id, email, displayName: name };
    },
  });

  async function signedIn(req: ExpressRequest): Promise<SignedIn | null> {
    const own = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
    if (own) return { user: own.user, via: 'password' };
    // Signed in with a passkey: Latchkey's session names the Better Auth user by externalId.
    const passkey = await latchkey.api.sessions.fromRequest(toRequest(req, { body: false }));
    if (!passkey?.user.externalId) return null;
    const { internalAdapter } = await auth.$context;
    const user = await internalAdapter.findUserById(passkey.user.externalId);
    return user ? { user, via: 'passkey' } : null;
  }

  const app = express();
  // Better Auth's routes (/api/auth/*): sign-up, sign-in, sign-out, session.
  app.all('/api/auth/*splat', toNodeHandler(auth));
  // Latchkey's routes (/auth/*); everything else falls through to the app.
  app.use(toNodeMiddleware(latchkey.handler));

  app.get('/', async (req, res) => {
    res.type('html').send(page(await signedIn(req)));
  });

  // Signs out of both: Better Auth's session and, after a passkey sign-in, Latchkey's.
  app.post('/logout', async (req, res) => {
    const { headers } = await auth.api.signOut({
      headers: fromNodeHeaders(req.headers),
      returnHeaders: true,
    });
    res.setHeader('set-cookie', headers.getSetCookie());
    const passkey = await latchkey.api.sessions.fromRequest(toRequest(req, { body: false }));
    if (passkey) await latchkey.api.sessions.revoke(passkey.session.id);
    res.redirect(303, '/');
  });

  return {
    app,
    auth,
    latchkey,
    /** Creates Better Auth's tables (in the pool's `search_path`) and Latchkey's. */
    async migrate(): Promise<void> {
      const { runMigrations } = await getMigrations(auth.options);
      await runMigrations();
      await latchkey.ready();
    },
  };
}
