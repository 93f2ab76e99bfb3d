import * as z from 'zod/mini';
import { PopPublicKey } from './pop.js';
import { email } from './primitives.js';

/**
 * A password as typed. The schema only bounds the body (4× the longest
 * password accepted, for characters that NFKC expands); the server applies
 * the rules (NIST SP 800-63B §3.1.1.2: 8 to 128 characters after NFKC, not a
 * common password) and answers `PASSWORD_TOO_SHORT`, `PASSWORD_TOO_LONG` or `PASSWORD_TOO_COMMON`.
 */
const password = z.string().check(z.minLength(1), z.maxLength(512));

/** `PUT /password`: sets or changes the account's password (after step-up). */
export const SetPasswordRequest = z.strictObject({ password });
export type SetPasswordRequest = z.infer<typeof SetPasswordRequest>;

/**
 * `POST /password/sign-in`: a session of kind `password`. A wrong address and
 * a wrong password get the same answer, `INVALID_CREDENTIALS`.
 */
export const PasswordSignInRequest = z.strictObject({
  email,
  password,
  /** Binds the session to a device key: required to sign in to an account on the locked tier. */
  popKey: z.optional(PopPublicKey),
});
export type PasswordSignInRequest = z.infer<typeof PasswordSignInRequest>;

/** The ways in besides a passkey, one flag each. */
const fallbackFlags = {
  recoveryCodes: z.boolean(),
  magicLink: z.boolean(),
  password: z.boolean(),
};

/**
 * `GET`/`PUT /fallbacks`: which ways in besides a passkey the account accepts
 * (`account`), within what the deployment allows (`deployment`); a method the
 * deployment has off is off for every account. `passwordSet`: the account has a password.
 */
export const FallbacksResponse = z.object({
  deployment: z.object(fallbackFlags),
  account: z.object(fallbackFlags),
  passwordSet: z.boolean(),
});
export type FallbacksResponse = z.infer<typeof FallbacksResponse>;

/** `PUT /fallbacks`: the flags to change; the others stay. */
export const UpdateFallbacksRequest = z.strictObject({
  recoveryCodes: z.optional(z.boolean()),
  magicLink: z.optional(z.boolean()),
  password: z.optional(z.boolean()),
});
export type UpdateFallbacksRequest = z.infer<typeof UpdateFallbacksRequest>;
