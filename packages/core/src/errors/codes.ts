/**
 * The one registry of Latchkey error codes. Each code carries the HTTP status a
 * server answers with; status 0 marks outcomes that only a client produces (no
 * response was read, or a browser ceremony ended before reaching the server).
 */
export const ERROR_CODES = {
  // Bad input.
  INVALID_JSON: 400,
  INVALID_BODY: 400,
  INVALID_PARAMS: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,

  // Who is calling.
  UNAUTHENTICATED: 401,
  INVALID_TOKEN: 401,
  ORIGIN_NOT_ALLOWED: 403,
  STEP_UP_REQUIRED: 403,
  ENROLMENT_REQUIRED: 403,
  INSUFFICIENT_SCOPE: 403,
  FORBIDDEN: 403,
  SIGN_UP_CLOSED: 403,

  // WebAuthn ceremonies.
  CHALLENGE_EXPIRED: 400,
  CHALLENGE_MISMATCH: 400,
  ORIGIN_MISMATCH: 400,
  RP_ID_MISMATCH: 400,
  USER_VERIFICATION_REQUIRED: 400,
  VERIFICATION_FAILED: 400,
  COUNTER_REGRESSION: 400,
  UNKNOWN_CREDENTIAL: 400,
  CREDENTIAL_PENDING: 403,
  /** The authenticator's AAGUID is outside the server's allow/deny lists, or (allow-list) not attested. */
  AUTHENTICATOR_NOT_ALLOWED: 403,
  CREDENTIAL_EXISTS: 409,
  LAST_CREDENTIAL: 409,
  EMAIL_TAKEN: 409,
  /** Another user already has this `externalId` (the host app's id; `api.users`, `identify`). */
  EXTERNAL_ID_TAKEN: 409,
  /** `api.users.create` with an `id` another user has. */
  USER_EXISTS: 409,
  /** A handoff would end this browser's session of another user: ask, then send `replace: true`. */
  SESSION_CONFLICT: 409,
  NOT_FOUND: 404,

  // Recovery, pairing, approvals.
  INVALID_CODE: 400,

  // Email links.
  /** An email link's token that is unknown, used or expired: ask for a new link. */
  LINK_INVALID: 400,
  /** A sign-in link opened in another browser than the one that asked: confirm, then send `confirm: true`. */
  LINK_CONFIRM_REQUIRED: 409,

  // Passwords and fallback settings.
  /** A password sign-in with an unknown address or a wrong password (the same answer for both). */
  INVALID_CREDENTIALS: 401,
  /** A new password under 8 characters (after NFKC; NIST SP 800-63B §3.1.1.2). */
  PASSWORD_TOO_SHORT: 400,
  /** A new password over 128 characters (after NFKC). */
  PASSWORD_TOO_LONG: 400,
  /** A new password on the bundled list of common passwords. */
  PASSWORD_TOO_COMMON: 400,
  /** A fallback the deployment has off cannot be turned on for an account. */
  FALLBACK_UNAVAILABLE: 400,

  // Tokens, the device flow, handoff, proof of possession.
  AUTHORIZATION_PENDING: 400,
  SLOW_DOWN: 400,
  ACCESS_DENIED: 403,
  EXPIRED_TOKEN: 400,
  HANDOFF_INVALID: 401,
  POP_REQUIRED: 401,
  POP_INVALID: 401,

  // Keys derived from a passkey (the PRF extension, WebAuthn L3 §10.1.4).
  /** The passkey (or the browser) cannot give a PRF output. */
  PRF_UNSUPPORTED: 400,
  /** A conditional wrapped-key write lost: another data key was stored first, or this one changed. */
  WRAPPED_KEY_CONFLICT: 409,

  // Limits and infrastructure.
  RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
  /** No answer within the server's `requestTimeout` (a slow store); nothing was half written. */
  REQUEST_TIMEOUT: 503,
  INTERNAL_ERROR: 500,

  // Client-side outcomes.
  NETWORK_ERROR: 0,
  INVALID_RESPONSE: 0,
  CEREMONY_CANCELLED: 0,
  WEBAUTHN_UNSUPPORTED: 0,
  /** The passkey used has no wrapped data key while others do: unlock with one of those first. */
  PRF_KEY_NOT_ENROLLED: 0,
  /** An encrypted envelope is malformed, was changed, or was made with another key. */
  DECRYPTION_FAILED: 0,
} as const;

/** Every code in the registry. `switch (error.code)` over it narrows. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * True when `value` is a registered error code.
 *
 * @example
 * isErrorCode('RATE_LIMITED') // true
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/**
 * The HTTP status that goes with a code.
 *
 * @example
 * statusOf('LAST_CREDENTIAL') // 409
 */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}
