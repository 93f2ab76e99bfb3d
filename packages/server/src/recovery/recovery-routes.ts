import { LatchkeyError } from '@latchkey/core';
import type { RouteHandlers } from '../internal/services.js';
import { toWireUser } from '../passkeys/to-wire.js';
import { toWireSession } from '../sessions/session-manager.js';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes.js';

/** Recovery attempts per account per window: tighter than sign-in (codes are guessable offline never, online slowly). */
const RECOVERY_ATTEMPTS = 5;

/** `GET`/`POST /recovery-codes` and `POST /recovery`. */
export const recoveryRoutes: RouteHandlers = {
  async recoveryCodesStatus(ctx, { store }) {
    return { remaining: await store.countRecoveryCodes(ctx.user!.id) };
  },

  async regenerateRecoveryCodes(ctx, { store, audit }) {
    const { codes, hashes } = await generateRecoveryCodes();
    await store.replaceRecoveryCodes(ctx.user!.id, hashes);
    await audit.record(ctx, 'recovery.codes_generated', ctx.user!.id, { count: codes.length });
    return { codes };
  },

  async recover(ctx, services) {
    const { store, audit, sessions, rateLimit } = services;
    await rateLimit.checkIp(ctx);
    const hash = await hashRecoveryCode(ctx.body.code);
    const email = ctx.body.email?.toLowerCase();
    if (email) await rateLimit.checkAccount(ctx, 'recovery', email, RECOVERY_ATTEMPTS);
    const userId = email
      ? ((await store.getUserByEmail(email))?.id ?? null)
      : await store.findRecoveryCodeOwner(hash);
    if (userId && !email) await rateLimit.checkAccount(ctx, 'recovery', userId, RECOVERY_ATTEMPTS);
    // Single use: of two racing requests with one code, exactly one gets through.
    if (!userId || !(await store.consumeRecoveryCode(userId, hash, ctx.now))) {
      await audit.record(ctx, 'recovery.failed', userId, {});
      throw new LatchkeyError('INVALID_CODE', 'That recovery code is not valid');
    }
    const user = await store.getUser(userId);
    if (!user) throw new LatchkeyError('INVALID_CODE', 'That recovery code is not valid');
    // A recovery session may only enrol a new passkey until it has one.
    const session = await sessions.start(ctx, { userId, kind: 'recovery', credentialId: null });
    await audit.record(ctx, 'recovery.used', userId, {
      remaining: await store.countRecoveryCodes(userId),
    });
    return { user: toWireUser(user), session: toWireSession(session) };
  },
};
