import * as z from 'zod/mini';
import { Session, User } from './account.js';
import { PopPublicKey } from './pop.js';
import { email } from './primitives.js';

/**
 * `POST /email/link-options`: send a sign-in link to this address. The answer
 * is the same whether or not the address has an account.
 */
export const EmailLinkOptionsRequest = z.strictObject({ email });
export type EmailLinkOptionsRequest = z.infer<typeof EmailLinkOptionsRequest>;

/**
 * `POST /email/verify`: the token from an email link (sign-in or address
 * verification). `confirm: true` accepts a sign-in link opened in another
 * browser than the one that asked for it (after `LINK_CONFIRM_REQUIRED`).
 */
export const EmailVerifyRequest = z.strictObject({
  token: z.string().check(z.minLength(16), z.maxLength(128), z.regex(/^[A-Za-z0-9_-]+$/)),
  confirm: z.optional(z.boolean()),
  /** Binds the session to a device key: required to sign in to an account on the locked tier. */
  popKey: z.optional(PopPublicKey),
});
export type EmailVerifyRequest = z.infer<typeof EmailVerifyRequest>;

/**
 * The account the link was for, its address now verified. `session`: the
 * session a sign-in link opened (kind `email`: it may only add a passkey until
 * it has one), or `null` for an address-verification link, which signs no one in.
 */
export const EmailVerifyResponse = z.object({
  purpose: z.enum(['sign-in', 'verify']),
  user: User,
  session: z.nullable(Session),
});
export type EmailVerifyResponse = z.infer<typeof EmailVerifyResponse>;
