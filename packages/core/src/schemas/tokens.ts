import * as z from 'zod/mini';
import { User } from './account.js';
import { PopPublicKey } from './pop.js';
import { id, label, timestamp } from './primitives.js';

/** A scope: `read`, `write`, `admin`, or one an app defines (`notes:write`). */
export const Scope = z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z][a-z0-9:._-]*$/));

export const TokenInfo = z.object({
  id,
  name: label(64),
  scopes: z.array(Scope),
  agent: z.boolean(),
  createdAt: timestamp,
  expiresAt: z.nullable(timestamp),
  lastUsedAt: z.nullable(timestamp),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const CreateTokenRequest = z.strictObject({
  name: label(64),
  scopes: z.array(Scope).check(z.minLength(1), z.maxLength(32)),
  /** Lifetime in seconds; the server caps it at its configured maximum. */
  expiresIn: z.optional(z.number().check(z.int(), z.positive())),
  agent: z.optional(z.boolean()),
});
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

/** The token itself is in this answer only; the server keeps a hash. */
export const CreateTokenResponse = z.object({ token: z.string(), info: TokenInfo });
export type CreateTokenResponse = z.infer<typeof CreateTokenResponse>;

export const TokensResponse = z.object({ tokens: z.array(TokenInfo) });
export type TokensResponse = z.infer<typeof TokensResponse>;

/** RFC 8628 §3.1, with a client name to show the approving person. */
export const DeviceCodeRequest = z.strictObject({
  clientName: z.optional(label(64)),
  scopes: z.optional(z.array(Scope).check(z.maxLength(32))),
  agent: z.optional(z.boolean()),
});
export type DeviceCodeRequest = z.infer<typeof DeviceCodeRequest>;

/** RFC 8628 §3.2 (its names are snake_case on purpose). */
export const DeviceCodeResponse = z.object({
  device_code: z.string(),
  user_code: z.string(),
  verification_uri: z.string(),
  verification_uri_complete: z.string(),
  expires_in: z.number(),
  interval: z.number(),
});
export type DeviceCodeResponse = z.infer<typeof DeviceCodeResponse>;

/** RFC 8628 §3.4. */
export const DeviceTokenRequest = z.strictObject({
  grant_type: z.literal('urn:ietf:params:oauth:grant-type:device_code'),
  device_code: z.string().check(z.minLength(16), z.maxLength(128)),
});
export type DeviceTokenRequest = z.infer<typeof DeviceTokenRequest>;

/** RFC 8628 §3.5 / RFC 6749 §5.1. */
export const DeviceTokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  scope: z.string(),
  expires_in: z.optional(z.number()),
});
export type DeviceTokenResponse = z.infer<typeof DeviceTokenResponse>;

const userCode = z.string().check(z.minLength(6), z.maxLength(16), z.regex(/^[A-Za-z0-9-]+$/));

export const DeviceUserCodeRequest = z.strictObject({ user_code: userCode });
export type DeviceUserCodeRequest = z.infer<typeof DeviceUserCodeRequest>;

/** What the approving person sees before approving a CLI or agent. */
export const DeviceLookupResponse = z.object({
  device: z.object({
    userCode: z.string(),
    clientName: z.nullable(z.string()),
    scopes: z.array(Scope),
    agent: z.boolean(),
    ip: z.nullable(z.string()),
    createdAt: timestamp,
    expiresAt: timestamp,
  }),
});
export type DeviceLookupResponse = z.infer<typeof DeviceLookupResponse>;

export const HandoffRequest = z.strictObject({
  /** The origin that will trade the token for its own session. */
  audience: z.url().check(z.maxLength(256)),
});
export type HandoffRequest = z.infer<typeof HandoffRequest>;

export const HandoffResponse = z.object({
  token: z.string(),
  url: z.string(),
  expiresAt: timestamp,
});
export type HandoffResponse = z.infer<typeof HandoffResponse>;

export const HandoffExchangeRequest = z.strictObject({
  token: z.string().check(z.minLength(16), z.maxLength(4096)),
  /** The target browser's device key: required for an account on the locked tier. */
  popKey: z.optional(PopPublicKey),
  /**
   * `true` only after the person chose to leave the account this browser is
   * signed in to here: without it, a session of another user answers 409
   * `SESSION_CONFLICT` and stays.
   */
  replace: z.optional(z.boolean()),
});
export type HandoffExchangeRequest = z.infer<typeof HandoffExchangeRequest>;

/** `POST /handoff/preview`: whose link this is, without using it up. */
export const HandoffPreviewRequest = z.strictObject({
  token: z.string().check(z.minLength(16), z.maxLength(4096)),
});
export type HandoffPreviewRequest = z.infer<typeof HandoffPreviewRequest>;

export const HandoffPreviewResponse = z.object({
  /** The account the link signs in to. */
  user: User,
  /** This browser is signed in here as someone else: exchange only with `replace: true`. */
  conflict: z.boolean(),
});
export type HandoffPreviewResponse = z.infer<typeof HandoffPreviewResponse>;

/** `POST /jwt`: a signed-in caller asks for a JWT that another service will accept. */
export const IssueJwtRequest = z.strictObject({
  /** Who the JWT is for (its `aud`): a service's origin or name, as that service checks it. */
  audience: label(256),
});
export type IssueJwtRequest = z.infer<typeof IssueJwtRequest>;

/** A signed JWT (EdDSA or ES256) that verifies against `/.well-known/jwks.json`. */
export const IssueJwtResponse = z.object({ token: z.string(), expiresAt: timestamp });
export type IssueJwtResponse = z.infer<typeof IssueJwtResponse>;

export const Jwks = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.optional(z.string()) })),
});
export type Jwks = z.infer<typeof Jwks>;

/** WebAuthn L3 §5.11.1, related origin requests. */
export const RelatedOrigins = z.object({ origins: z.array(z.string()) });
export type RelatedOrigins = z.infer<typeof RelatedOrigins>;
