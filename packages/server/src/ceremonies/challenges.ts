import { LatchkeyError } from '@latchkey/core';
import type { RequestContext } from '../http/request-context.js';
import { randomToken } from '../internal/crypto.js';
import type { Services } from '../services.js';
import type { ChallengeRecord } from '../stores/contract.js';

/** WebAuthn challenges live five minutes (docs/design.md, "Security invariants"; WebAuthn L3 §13.4.3 asks for at least 16 random bytes). */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * Makes a challenge bound to the ceremony kind and to whoever asked (the session,
 * or a pre-session cookie it sets), and stores it.
 */
export async function issueChallenge(
  services: Services,
  ctx: RequestContext,
  kind: ChallengeRecord['kind'],
  userId: string | null,
  data: Record<string, unknown> = {},
  ttlMs = CHALLENGE_TTL_MS,
): Promise<ChallengeRecord> {
  const binding = await services.sessions.binding(ctx, true);
  const record: ChallengeRecord = {
    challenge: randomToken(32),
    kind,
    binding: binding!,
    userId,
    rpId: ctx.rpId,
    expiresAt: ctx.now + ttlMs,
    data,
  };
  await services.store.putChallenge(record);
  return record;
}

/**
 * Takes the challenge out of the store (single use: exactly one of two racing
 * verifies gets it), then checks it belongs to this ceremony and this caller.
 * Unknown, used and expired challenges are indistinguishable on purpose.
 */
export async function consumeChallenge(
  services: Services,
  ctx: RequestContext,
  challenge: string,
  kind: ChallengeRecord['kind'],
): Promise<ChallengeRecord> {
  const record = await services.store.consumeChallenge(challenge, ctx.now);
  return checkChallenge(services, ctx, record, kind);
}

/**
 * The checks of `consumeChallenge` on a challenge already taken out of the
 * store (by `startAssertion`, with the passkey it names).
 */
export async function checkChallenge(
  services: Services,
  ctx: RequestContext,
  record: ChallengeRecord | null,
  kind: ChallengeRecord['kind'],
): Promise<ChallengeRecord> {
  if (!record || record.expiresAt <= ctx.now) {
    throw new LatchkeyError(
      'CHALLENGE_EXPIRED',
      'This sign-in request expired or was already used; start again',
    );
  }
  if (record.kind !== kind) {
    throw new LatchkeyError('CHALLENGE_MISMATCH', 'The challenge was issued for another ceremony');
  }
  const binding = await services.sessions.binding(ctx, false);
  if (binding !== record.binding) {
    throw new LatchkeyError('CHALLENGE_MISMATCH', 'The challenge was issued to another session');
  }
  // Asked for with `Latchkey-Pre-Session`: the handler made the request's
  // session a bearer (`sessionCarrier`), and `checkOrigin` takes only a native
  // app's signed origin for it.
  return record;
}
