import * as z from 'zod/mini';
import { base64url, credentialId } from './primitives.js';

/**
 * The most a wrapped data key may take on the wire (base64url characters). Real
 * ones are far smaller (AES-KW of a 256-bit key is 40 bytes); the bound keeps a
 * caller from parking arbitrary data on a passkey record.
 */
export const WRAPPED_KEY_MAX_LENGTH = 4096;

/**
 * One of the user's passkeys as the PRF feature sees it: can it give the PRF
 * extension's output (WebAuthn L3 §10.1.4), and the data key wrapped for it, if any.
 */
export const PrfKeyInfo = z.object({
  credentialId,
  /** Opaque to the server: the browser's data key, wrapped with this passkey's PRF output. */
  wrappedKey: z.nullable(base64url(WRAPPED_KEY_MAX_LENGTH)),
  prf: z.boolean(),
});
export type PrfKeyInfo = z.infer<typeof PrfKeyInfo>;

/**
 * `GET /prf`: the per-user PRF salt (the `eval.first` input, base64url of 32
 * random bytes) and the user's passkeys usable on this site.
 */
export const PrfKeysResponse = z.object({
  salt: base64url(128),
  keys: z.array(PrfKeyInfo),
});
export type PrfKeysResponse = z.infer<typeof PrfKeysResponse>;

/**
 * `PUT /passkeys/:credentialId/wrapped-key`: store the data key wrapped for that
 * passkey, on a condition, so a stale or wrong answer never overwrites a key:
 * `first: true` stores only while none of the user's passkeys holds a wrapped
 * key (the account's first data key; two first unlocks cannot both win);
 * `replaces` stores only while this passkey's wrapped key is exactly that value
 * (`null`: it holds none). Otherwise `409 WRAPPED_KEY_CONFLICT`, nothing stored.
 * Without either, the key is stored unconditionally (0.1 clients).
 */
export const WrappedKeyRequest = z
  .strictObject({
    wrappedKey: base64url(WRAPPED_KEY_MAX_LENGTH),
    first: z.optional(z.literal(true)),
    replaces: z.optional(z.nullable(base64url(WRAPPED_KEY_MAX_LENGTH))),
  })
  .check(
    z.refine((body) => !(body.first && body.replaces !== undefined), {
      message: 'Send first or replaces, not both',
    }),
  );
export type WrappedKeyRequest = z.infer<typeof WrappedKeyRequest>;
