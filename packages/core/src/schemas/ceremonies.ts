import * as z from 'zod/mini';
import { PasskeyInfo } from './passkey.js';
import { PopPublicKey } from './pop.js';
import { email, label, timestamp } from './primitives.js';
import {
  AuthenticationResponseJSON,
  AuthenticatorAttachment,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  WebAuthnHints,
} from './webauthn.js';

/**
 * `POST /passkeys/register-options`: `email` and `displayName` only matter at
 * sign-up. `authenticatorAttachment` and `hints` replace the server's defaults
 * for this ceremony (they only steer the browser's choice). `conditional: true`
 * asks for a conditional create (WebAuthn L3 §5.1.3, `mediation: 'conditional'`):
 * only when adding a passkey to a signed-in account, whose `register` then
 * accepts a response without user presence.
 */
export const RegisterOptionsRequest = z.strictObject({
  email: z.optional(email),
  displayName: z.optional(label(128)),
  authenticatorAttachment: z.optional(AuthenticatorAttachment),
  hints: WebAuthnHints,
  conditional: z.optional(z.boolean()),
});
export type RegisterOptionsRequest = z.infer<typeof RegisterOptionsRequest>;

export const RegisterOptionsResponse = z.object({
  options: PublicKeyCredentialCreationOptionsJSON,
});
export type RegisterOptionsResponse = z.infer<typeof RegisterOptionsResponse>;

/** `POST /passkeys/register`. `popKey` binds the new session at sign-up (locked tier). */
export const RegisterRequest = z.strictObject({
  response: RegistrationResponseJSON,
  name: z.optional(label(64)),
  popKey: z.optional(PopPublicKey),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const RegisterResponse = z.object({
  credentialId: z.string(),
  passkey: PasskeyInfo,
  /** Only after the first enrolment of an account: shown once, never again. */
  recoveryCodes: z.optional(z.array(z.string())),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

export const AuthOptionsRequest = z.strictObject({ email: z.optional(email) });
export type AuthOptionsRequest = z.infer<typeof AuthOptionsRequest>;

export const AuthOptionsResponse = z.object({ options: PublicKeyCredentialRequestOptionsJSON });
export type AuthOptionsResponse = z.infer<typeof AuthOptionsResponse>;

/** `POST /passkeys/authenticate`. `popKey` binds the session to a device key. */
export const AuthenticateRequest = z.strictObject({
  response: AuthenticationResponseJSON,
  popKey: z.optional(PopPublicKey),
});
export type AuthenticateRequest = z.infer<typeof AuthenticateRequest>;

export const RenamePasskeyRequest = z.strictObject({ name: label(64) });
export type RenamePasskeyRequest = z.infer<typeof RenamePasskeyRequest>;

/** `POST /passkeys/verify`: a step-up, no new session. */
export const VerifyRequest = z.strictObject({ response: AuthenticationResponseJSON });
export type VerifyRequest = z.infer<typeof VerifyRequest>;

export const VerifyResponse = z.object({ elevatedUntil: timestamp });
export type VerifyResponse = z.infer<typeof VerifyResponse>;
