import { LatchkeyError } from '@latchkey/core';
import { acceptsFallback } from '../fallbacks/account-fallbacks.js';
import { newSessionKey } from '../pop/new-session-key.js';
import type { RouteHandlers } from '../services.js';
import { toWireSession } from '../wire/to-wire-session.js';
import { toWireUser } from '../wire/to-wire-user.js';
import { generateRecoveryCodes, recoveryCodeHashes } from './recovery-codes.js';

/** Recovery attempts per account per window: tighter than sign-in (codes are guessable offline never, online slowly). */
const RECOVERY_ATTEMPTS = 5;

/** `GET`/`POST /recovery-codes` and `POST /recovery`. */
export const recoveryRoutes: RouteHandlers = {
  async recoveryCodesStatus(ctx, { store }) {
    return { remaining: await store.countRecoveryCodes(ctx.user.id) };
  },

  async regenerateRecoveryCodes(ctx, { store, audit, keys }) {
    const { codes, hashes } = await generateRecoveryCodes(await keys());
    await store.replaceRecoveryCodes(ctx.user.id, hashes);
    await audit.record(ctx, 'recovery.codes_generated', ctx.user.id, { count: codes.length });
    return { codes };
  },

  async recover(ctx, services) {
    const { store, audit, sessions, rateLimit } = services;
    await rateLimit.checkIp(ctx);
    const hashes = await recoveryCodeHashes(await services.keys(), ctx.body.code);
    const email = ctx.body.email?.toLowerCase();
    if (email) await rateLimit.checkAccount(ctx, 'recovery', email, RECOVERY_ATTEMPTS);
    // The same lookups whether or not the email has an account and the code is
    // right: neither the answer nor its timing says which emails are known.
    const named = email ? await store.getUserByEmail(email) : null;
    let owner: string | null = null;
    for (let i = 0; !owner && i < hashes.length; i++)
      owner = await store.findRecoveryCodeOwner(hashes[i]!);
    if (owner && !email) await rateLimit.checkAccount(ctx, 'recovery', owner, RECOVERY_ATTEMPTS);
    const found = owner && (!email || named?.id === owner) ? await store.getUser(owner) : null;
    // An account that turned recovery codes off answers as a wrong code does.
    const user =
      found && (await acceptsFallback(services, found.id, 'recoveryCodes')) ? found : null;
    // A locked account's recovery session is bound to a device key like any other.
    // Asked only once the code is known good, and before it is used up, so the
    // page can send the key and try again, and a wrong code learns nothing.
    const popKey = user ? newSessionKey(user, ctx.body.popKey) : null;
    // Single use: of two racing requests with one code, exactly one gets through.
    let consumed = false;
    for (let i = 0; user && !consumed && i < hashes.length; i++)
      consumed = await store.consumeRecoveryCode(user.id, hashes[i]!, ctx.now);
    if (!user || !consumed) {
      await audit.record(ctx, 'recovery.failed', email ? (named?.id ?? null) : owner, {});
      throw new LatchkeyError('INVALID_CODE', 'That recovery code is not valid');
    }
    // A recovery session may only enrol a new passkey until it has one.
    const remaining = await store.countRecoveryCodes(user.id);
    const session = await audit.recordWith(ctx, 'recovery.used', user.id, { remaining }, (event) =>
      sessions.start(ctx, { userId: user.id, kind: 'recovery', credentialId: null, popKey }, event),
    );
    return { user: toWireUser(user), session: toWireSession(session, sessions.issuedToken(ctx)) };
  },
};
