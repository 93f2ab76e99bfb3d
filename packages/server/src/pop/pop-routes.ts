import { LatchkeyError } from '@latchkey/core';
import { consumeChallenge, issueChallenge } from '../ceremonies/challenges.js';
import type { RouteHandlers } from '../services.js';
import { verifyPopSignature } from './verify-pop-signature.js';

/** A proof-of-possession challenge must be answered within this time. */
export const POP_CHALLENGE_TTL_MS = 60_000;

/**
 * Locked sessions (docs/design.md, "Proof of possession"): the session is bound to a
 * non-extractable P-256 key the browser made at sign-in; `POST /pop/challenge`
 * and `POST /pop/prove` refresh the proof. A copied cookie without the key
 * stops working when its last proof goes stale.
 */
export const popRoutes: RouteHandlers = {
  async popChallenge(ctx, services) {
    const session = ctx.session;
    if (!session?.popKey)
      throw new LatchkeyError('FORBIDDEN', 'This session is not bound to a device key');
    const record = await issueChallenge(
      services,
      ctx,
      'pop',
      ctx.user.id,
      {},
      POP_CHALLENGE_TTL_MS,
    );
    return { challenge: record.challenge, expiresAt: new Date(record.expiresAt).toISOString() };
  },

  async popProve(ctx, services) {
    const session = ctx.session;
    if (!session?.popKey)
      throw new LatchkeyError('FORBIDDEN', 'This session is not bound to a device key');
    const challenge = await consumeChallenge(services, ctx, ctx.body.challenge, 'pop');
    if (!(await verifyPopSignature(session.popKey, challenge.challenge, ctx.body.signature))) {
      await services.audit.record(ctx, 'pop.failed', ctx.user.id, { sessionId: session.id });
      throw new LatchkeyError(
        'POP_INVALID',
        'The proof was not signed by this session’s device key',
      );
    }
    await services.store.updateSession(session.id, { popProvenAt: ctx.now });
    session.popProvenAt = ctx.now;
    const next = ctx.now + services.config.pop.maxAge * 1000;
    return { provenAt: new Date(ctx.now).toISOString(), nextProofBy: new Date(next).toISOString() };
  },

  async setTier(ctx, services) {
    const user = ctx.user;
    const { tier, popKey } = ctx.body;
    if (tier === 'locked' && !ctx.session.popKey) {
      if (!popKey)
        throw new LatchkeyError('POP_REQUIRED', 'Send the device key that will lock this session');
      await services.store.updateSession(ctx.session.id, {
        popKey: JSON.stringify(popKey),
        popProvenAt: ctx.now,
      });
    }
    if (user.tier !== tier) {
      await services.store.updateUser(user.id, { tier });
      // Locked means every session is bound to a device key: the account's other
      // sessions that are not (any kind: full, recovery, paired) end now.
      let ended = 0;
      if (tier === 'locked') {
        for (const other of await services.store.listSessions(user.id)) {
          if (other.id === ctx.session.id || other.popKey !== null) continue;
          await services.store.deleteSession(other.id);
          ended++;
        }
      }
      await services.audit.record(ctx, 'tier.changed', user.id, {
        from: user.tier,
        to: tier,
        ...(tier === 'locked' ? { endedSessions: ended } : {}),
      });
    }
    return { ok: true as const };
  },
};
