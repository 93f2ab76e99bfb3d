import * as z from 'zod/mini';
import { base64url, timestamp } from './primitives.js';

/** The public half of a proof-of-possession key: an ECDSA P-256 JWK (RFC 7518 §6.2.1). */
export const PopPublicKey = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: base64url(43),
  y: base64url(43),
  ext: z.optional(z.boolean()),
  key_ops: z.optional(z.array(z.string().check(z.maxLength(16))).check(z.maxLength(4))),
});
export type PopPublicKey = z.infer<typeof PopPublicKey>;

export const PopChallengeResponse = z.object({ challenge: base64url(128), expiresAt: timestamp });
export type PopChallengeResponse = z.infer<typeof PopChallengeResponse>;

/** The signature is ECDSA P-256 SHA-256 over the challenge's bytes, raw r‖s (64 bytes). */
export const PopProveRequest = z.strictObject({
  challenge: base64url(128),
  signature: base64url(128),
});
export type PopProveRequest = z.infer<typeof PopProveRequest>;

export const PopProveResponse = z.object({ provenAt: timestamp, nextProofBy: timestamp });
export type PopProveResponse = z.infer<typeof PopProveResponse>;

/**
 * `POST /tier`. Moving to `locked` binds the current session to `popKey` (the
 * browser's new device key), so the session that asked keeps working.
 */
export const TierRequest = z.strictObject({
  tier: z.enum(['standard', 'locked']),
  popKey: z.optional(PopPublicKey),
});
export type TierRequest = z.infer<typeof TierRequest>;
