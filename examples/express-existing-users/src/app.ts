// An Express app with its own users, passwords and sessions in PostgreSQL, and
// Latchkey mounted beside them: the app's signed-in users add a passkey (the
// `identify` hook tells Latchkey who they are), then sign in with it.
import { createLatchkey } from '@latchkey/server';
import { toNodeMiddleware, toRequest } from '@latchkey/server/node';
import { postgresStore } from '@latchkey/server/postgres';
import express, { type Request as ExpressRequest } from 'express';
import type pg from 'pg';
import { APP_SESSION_COOKIE, type AppUser, AppUsers, cookieValue } from './app-users.js';
import { page } from './page.js';

export interface AppOptions {
  /** The app's pool; Latchkey shares it (its tables live in their own schema). */
  pool: pg.Pool;
  /** Where browsers reach the app, such as `http://localhost:3000`. */
  origin: string;
  appSchema?: string;
  latchkeySchema?: string;
  /** Latchkey's server secret (32+ random bytes, base64url); required in production. */
  secret?: string;
}

/** Who a request is, for the app: its own session first, else a passkey sign-in. */
export interface SignedIn {
  user: AppUser;
  via: 'password' | 'passkey';
}

export function createApp(options: AppOptions) {
  const { pool, origin } = options;
  const users = new AppUsers(pool, options.appSchema);

  const latchkey = createLatchkey({
    rpName: 'Acme',
    origins: [origin],
    store: postgresStore({ pool, schema: options.latchkeySchema ?? 'latchkey' }),
    ...(options.secret ? { secret: options.secret } : {}),
    // Only the app's users enrol passkeys: no sign-up by passkey alone.
    signUp: 'closed',
    // Who the app says is signed in: its own session cookie. Latchkey finds the
    // user by externalId, or creates it the first time.
    identify: async (request) => {
      const sessionId = cookieValue(request.headers.get('cookie'), APP_SESSION_COOKIE);
      const user = await users.fromSession(sessionId);
      return user
        ? { externalId: String(user.id), email: user.email, displayName: user.name }
        : null;
    },
  });

  async function signedIn(req: ExpressRequest): Promise<SignedIn | null> {
    const own = await users.fromSession(cookieValue(req.headers.cookie, APP_SESSION_COOKIE));
    if (own) return { user: own, via: 'password' };
    // Signed in with a passkey: Latchkey's session names the app's user by externalId.
    const passkey = await latchkey.api.sessions.fromRequest(toRequest(req, { body: false }));
    const user = passkey?.user.externalId
      ? await users.byId(Number(passkey.user.externalId))
      : null;
    return user ? { user, via: 'passkey' } : null;
  }

  const app = express();
  // Latchkey's routes (/auth/*); everything else falls through to the app.
  app.use(toNodeMiddleware(latchkey.handler));
  app.use(express.urlencoded({ extended: false }));

  app.get('/', async (req, res) => {
    res.type('html').send(page(await signedIn(req), typeof req.query.error === 'string'));
  });

  app.post('/login', async (req, res) => {
    const body = req.body as { email?: unknown; password?: unknown };
    const user =
      typeof body.email === 'string' && typeof body.password === 'string'
        ? await users.checkPassword(body.email, body.password)
        : null;
    if (!user) return res.redirect(303, '/?error=1');
    const sessionId = await users.startSession(user.id);
    res.cookie(APP_SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'lax',
      secure: origin.startsWith('https:'),
      path: '/',
    });
    res.redirect(303, '/');
  });

  app.post('/logout', async (req, res) => {
    await users.endSession(cookieValue(req.headers.cookie, APP_SESSION_COOKIE));
    res.clearCookie(APP_SESSION_COOKIE, { path: '/' });
    // Signed in with a passkey: end Latchkey's session too.
    const passkey = await latchkey.api.sessions.fromRequest(toRequest(req, { body: false }));
    if (passkey) await latchkey.api.sessions.revoke(passkey.session.id);
    res.redirect(303, '/');
  });

  return {
    app,
    latchkey,
    users,
    /** Creates the app's tables and Latchkey's. */
    async migrate(): Promise<void> {
      await users.migrate();
      await latchkey.ready();
    },
  };
}
