import * as z from 'zod/mini';
import { base64url, label } from './primitives.js';

/**
 * The WebAuthn Level 3 JSON shapes (§5.1.8, §5.4, §5.5 and the `toJSON()` forms of
 * §5.1), as `@simplewebauthn/browser` and `PublicKeyCredential.toJSON()` produce
 * and consume them. Lengths are generous upper bounds for real authenticators.
 */

const transport = z.string().check(z.maxLength(32), z.regex(/^[a-z-]+$/));
export const AuthenticatorTransport = transport;

export const PublicKeyCredentialDescriptorJSON = z.object({
  id: base64url(1364),
  type: z.literal('public-key'),
  transports: z.optional(z.array(transport).check(z.maxLength(8))),
});
export type PublicKeyCredentialDescriptorJSON = z.infer<typeof PublicKeyCredentialDescriptorJSON>;

const userVerification = z.enum(['required', 'preferred', 'discouraged']);
/** WebAuthn L3 §5.8.7 hints: which kind of authenticator the browser offers first. */
export const WebAuthnHints = z.optional(
  z.array(z.enum(['security-key', 'client-device', 'hybrid'])).check(z.maxLength(3)),
);
const hints = WebAuthnHints;

/** §5.4.5: the authenticator attachment a ceremony asks for. */
export const AuthenticatorAttachment = z.enum(['platform', 'cross-platform']);

/** PRF inputs (§10.1.4 `AuthenticationExtensionsPRFValues`), base64url. */
const prfValues = z.object({ first: base64url(128), second: z.optional(base64url(128)) });

/**
 * Extension inputs sent to the browser (`prf`, `credProps`); WebAuthn L3 §10.
 * `prf: {}` at registration asks whether the new passkey can give PRF outputs.
 * Other members are the app's own extensions (`webauthn.extensions` in the
 * server config), passed on as they are.
 */
const extensionInputs = z.optional(
  z.looseObject({
    credProps: z.optional(z.boolean()),
    prf: z.optional(
      z.object({
        eval: z.optional(prfValues),
        // §10.1.4: inputs per credential (keys are base64url credential ids); get() only.
        evalByCredential: z.optional(
          z.record(base64url(1364), prfValues).check(
            z.refine((value) => Object.keys(value).length <= 256, {
              message: 'at most 256 credentials',
            }),
          ),
        ),
      }),
    ),
  }),
);

export const PublicKeyCredentialCreationOptionsJSON = z.object({
  rp: z.object({ id: z.optional(label(253)), name: label(128) }),
  user: z.object({
    id: base64url(86),
    name: label(254),
    displayName: z.string().check(z.maxLength(128)),
  }),
  challenge: base64url(128),
  pubKeyCredParams: z
    .array(z.object({ alg: z.number().check(z.int()), type: z.literal('public-key') }))
    .check(z.minLength(1), z.maxLength(16)),
  timeout: z.optional(z.number().check(z.int(), z.nonnegative())),
  excludeCredentials: z.optional(
    z.array(PublicKeyCredentialDescriptorJSON).check(z.maxLength(256)),
  ),
  authenticatorSelection: z.optional(
    z.object({
      authenticatorAttachment: z.optional(AuthenticatorAttachment),
      residentKey: z.optional(z.enum(['discouraged', 'preferred', 'required'])),
      requireResidentKey: z.optional(z.boolean()),
      userVerification: z.optional(userVerification),
    }),
  ),
  hints,
  attestation: z.optional(z.enum(['none', 'indirect', 'direct', 'enterprise'])),
  attestationFormats: z.optional(z.array(z.string().check(z.maxLength(32))).check(z.maxLength(8))),
  extensions: extensionInputs,
});
export type PublicKeyCredentialCreationOptionsJSON = z.infer<
  typeof PublicKeyCredentialCreationOptionsJSON
>;

export const PublicKeyCredentialRequestOptionsJSON = z.object({
  challenge: base64url(128),
  timeout: z.optional(z.number().check(z.int(), z.nonnegative())),
  rpId: z.optional(label(253)),
  allowCredentials: z.optional(z.array(PublicKeyCredentialDescriptorJSON).check(z.maxLength(256))),
  userVerification: z.optional(userVerification),
  hints,
  extensions: extensionInputs,
});
export type PublicKeyCredentialRequestOptionsJSON = z.infer<
  typeof PublicKeyCredentialRequestOptionsJSON
>;

/**
 * Client extension outputs (§5.1.4.1). Other members are the outputs of the
 * app's own extensions; the server hands only those the app configured to its
 * hooks, and never stores the rest.
 */
export const AuthenticationExtensionsClientOutputsJSON = z.looseObject({
  credProps: z.optional(z.object({ rk: z.optional(z.boolean()) })),
  prf: z.optional(
    z.object({
      enabled: z.optional(z.boolean()),
      results: z.optional(z.object({ first: base64url(128), second: z.optional(base64url(128)) })),
    }),
  ),
});

const attachment = z.optional(AuthenticatorAttachment);

export const RegistrationResponseJSON = z.object({
  id: base64url(1364),
  rawId: base64url(1364),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(8192),
    attestationObject: base64url(49152),
    authenticatorData: z.optional(base64url(16384)),
    transports: z.optional(z.array(transport).check(z.maxLength(8))),
    publicKeyAlgorithm: z.optional(z.number().check(z.int())),
    // Room for ML-DSA-87 (FIPS 204): a 2,592-byte key, 2,614 bytes as SPKI.
    publicKey: z.optional(base64url(3600)),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults: AuthenticationExtensionsClientOutputsJSON,
});
export type RegistrationResponseJSON = z.infer<typeof RegistrationResponseJSON>;

export const AuthenticationResponseJSON = z.object({
  id: base64url(1364),
  rawId: base64url(1364),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(8192),
    authenticatorData: base64url(16384),
    // Room for an ML-DSA-87 signature (4,627 bytes, 6,170 characters); RSA-4096 needs 683.
    signature: base64url(6400),
    userHandle: z.optional(base64url(128)),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults: AuthenticationExtensionsClientOutputsJSON,
});
export type AuthenticationResponseJSON = z.infer<typeof AuthenticationResponseJSON>;
