import { LatchkeyError, PopPublicKey } from '@latchkey/core';
import * as z from 'zod/mini';
import type { UserRecord } from '../stores/contract.js';

/**
 * The device key a new session of `user` is bound to, as stored (a JWK's JSON),
 * or null for none. Every way a session starts (sign-in, sign-up, recovery,
 * pairing collection, handoff, and `register` from a session that is not bound
 * yet) asks this: an account on the `locked` tier gets no unbound session
 * (docs/design.md, "Proof of possession"), so `POP_REQUIRED` without a key.
 *
 * @example
 * const popKey = newSessionKey(user, ctx.body.popKey);
 */
export function newSessionKey(
  user: Pick<UserRecord, 'tier'>,
  popKey: PopPublicKey | undefined,
): string | null {
  if (popKey) return JSON.stringify(popKey);
  if (user.tier === 'locked') {
    throw new LatchkeyError('POP_REQUIRED', 'This account needs a device key with every sign-in');
  }
  return null;
}

/**
 * The header that carries a device key where a route takes no body (collecting
 * a paired session, `GET /pairing/:pairingId`): the public JWK as JSON.
 *
 * @example
 * headers: { [POP_KEY_HEADER]: JSON.stringify(publicJwk) }
 */
export const POP_KEY_HEADER = 'latchkey-pop-key';

/**
 * The device key of a request's `Latchkey-Pop-Key` header, or undefined without
 * one; `INVALID_PARAMS` when it is not a P-256 public JWK.
 *
 * @example
 * const popKey = newSessionKey(user, popKeyFromHeader(ctx.request));
 */
export function popKeyFromHeader(request: Request): PopPublicKey | undefined {
  const header = request.headers.get(POP_KEY_HEADER);
  if (header === null) return undefined;
  let value: unknown;
  try {
    value = header.length <= 1024 ? JSON.parse(header) : null;
  } catch {
    value = null;
  }
  const parsed = z.safeParse(PopPublicKey, value);
  if (!parsed.success)
    throw new LatchkeyError('INVALID_PARAMS', 'Latchkey-Pop-Key is not a P-256 public JWK');
  return parsed.data;
}
