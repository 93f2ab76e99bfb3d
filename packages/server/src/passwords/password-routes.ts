import { LatchkeyError } from '@latchkey/core';
import { acceptsFallback } from '../fallbacks/account-fallbacks.js';
import { newSessionKey } from '../pop/new-session-key.js';
import type { RouteHandlers, Services } from '../services.js';
import { toWireSession } from '../wire/to-wire-session.js';
import { toWireUser } from '../wire/to-wire-user.js';
import { dummyHash, hashPassword, verifyPassword } from './password-hash.js';
import { checkNewPassword, normalizePassword, PASSWORD_MAX_LENGTH } from './password-rules.js';

/** Password sign-ins per address per rate-limit window, from every IP together. */
const SIGN_INS_PER_ACCOUNT = 5;
/** Password changes per account per rate-limit window (each one hashes at 19 MiB). */
const CHANGES_PER_ACCOUNT = 5;

const invalidCredentials = () =>
  new LatchkeyError('INVALID_CREDENTIALS', 'That email and password do not match an account');

/**
 * `PUT /password` and `DELETE /password` (after a step-up), `POST /password/sign-in`
 * (`fallbacks.password`). The store keeps only an argon2id hash.
 */
export const passwordRoutes: RouteHandlers = {
  async setPassword(ctx, services) {
    const { rateLimit, store, audit } = services;
    const user = ctx.user;
    await rateLimit.checkIp(ctx);
    await rateLimit.checkAccount(ctx, 'password-set', user.id, CHANGES_PER_ACCOUNT);
    const password = checkNewPassword(ctx.body.password);
    const hash = await hashPassword(password);
    const had = (await store.getPassword(user.id)) !== null;
    await audit.recordWith(
      ctx,
      'password.changed',
      user.id,
      { action: had ? 'changed' : 'set' },
      async (event) => {
        if (!(await store.setPassword(user.id, hash, ctx.now, event)))
          throw new LatchkeyError('UNAUTHENTICATED', 'Sign in first');
      },
    );
    await endPasswordSessions(services, user.id);
    return { ok: true };
  },

  async removePassword(ctx, services) {
    const { store, audit } = services;
    const user = ctx.user;
    if ((await store.getPassword(user.id)) === null) return { ok: true };
    await audit.recordWith(ctx, 'password.changed', user.id, { action: 'removed' }, (event) =>
      store.setPassword(user.id, null, ctx.now, event),
    );
    await endPasswordSessions(services, user.id);
    return { ok: true };
  },

  async passwordSignIn(ctx, services) {
    const { store, audit, sessions, rateLimit } = services;
    await rateLimit.checkIp(ctx);
    const email = ctx.body.email.toLowerCase();
    await rateLimit.checkAccount(ctx, 'password', email, SIGN_INS_PER_ACCOUNT);
    const password = normalizePassword(ctx.body.password);
    // The same work whatever is wrong (no account, no password, the account has
    // password sign-in off, a wrong password): one argon2id verification, against
    // a dummy hash when there is no real one, and one answer.
    const user = await store.getUserByEmail(email);
    const record = user ? await store.getPassword(user.id) : null;
    const accepts = user ? await acceptsFallback(services, user.id, 'password') : false;
    const matches = await verifyPassword(record?.hash ?? (await dummyHash()), password);
    const tooLong = [...password].length > PASSWORD_MAX_LENGTH;
    if (!user || !record || !accepts || !matches || tooLong) {
      await audit.record(ctx, 'signin.failed', user?.id ?? null, { method: 'password' });
      throw invalidCredentials();
    }
    // A locked account's session is bound to a device key like any other; asked
    // only once the password is known good, so a wrong one learns nothing.
    const popKey = newSessionKey(user, ctx.body.popKey);
    const session = await audit.recordWith(
      ctx,
      'signin.succeeded',
      user.id,
      { amr: ['pwd'], by: 'password' },
      (event) =>
        sessions.start(
          ctx,
          { userId: user.id, kind: 'password', credentialId: null, popKey },
          event,
        ),
    );
    return { user: toWireUser(user), session: toWireSession(session, sessions.issuedToken(ctx)) };
  },
};

/** A new or removed password ends every session the old one opened (OWASP Session Management). */
async function endPasswordSessions(services: Services, userId: string): Promise<void> {
  for (const session of await services.store.listSessions(userId)) {
    if (session.kind === 'password') await services.store.deleteSession(session.id);
  }
}
