import type { ErrorCode, LatchkeyError } from '@latchkey/core';

/**
 * What each error means for the person in front of the screen, in their words.
 * Passed to the kit's components as `labels.errors`, and used for the calls the
 * pages make themselves.
 */
export const ERROR_SENTENCES: Partial<Record<ErrorCode, string>> = {
  // Browsers report a dismissed prompt, a timeout, failed user verification and "no passkey
  // here" alike, as NotAllowedError (WebAuthn L3 §5.1.4.1 step 19), so one sentence covers them.
  CEREMONY_CANCELLED:
    'The passkey request was cancelled, or this device could not confirm it is you, or it has no passkey for this site. Nothing was changed; try again.',
  USER_VERIFICATION_REQUIRED:
    'Your device could not confirm it is you (fingerprint, face or screen lock). Try again and complete that check.',
  VERIFICATION_FAILED: 'That passkey could not be checked. Try again, or use another passkey.',
  UNKNOWN_CREDENTIAL:
    'This passkey is no longer registered here (it may have been removed). Use another passkey or a recovery code.',
  CREDENTIAL_PENDING: 'This passkey is waiting for approval from one of your trusted devices.',
  CREDENTIAL_EXISTS: 'This device already has a passkey for your account.',
  LAST_CREDENTIAL:
    'This is your only passkey, so removing it would lock you out. Add another passkey first.',
  EMAIL_TAKEN: 'That email address already has an account. Sign in instead.',
  SESSION_CONFLICT:
    'You are signed in here to another account. Choose whether to switch before following this link.',
  SIGN_UP_CLOSED: 'New accounts cannot be created here right now.',
  UNAUTHENTICATED: 'You are signed out. Sign in to continue.',
  STEP_UP_REQUIRED: 'Confirm with your passkey to do this.',
  ENROLMENT_REQUIRED: 'Add a passkey on this device before doing anything else.',
  FORBIDDEN: 'You are not allowed to do that.',
  NOT_FOUND: 'That no longer exists. Reload the page to see what is there now.',
  INVALID_CREDENTIALS:
    'That email and password do not match, or password sign-in is off for this account. Try again, or use a passkey or an email link.',
  PASSWORD_TOO_SHORT: 'Choose a password of at least 8 characters.',
  PASSWORD_TOO_LONG: 'Choose a password of at most 128 characters.',
  PASSWORD_TOO_COMMON: 'That password is one of the most common ones. Choose another.',
  FALLBACK_UNAVAILABLE: 'This service does not offer that way to sign in.',
  INVALID_CODE: 'That code is not valid. Check it and try again; each recovery code works once.',
  CHALLENGE_EXPIRED: 'That took too long. Try again.',
  CHALLENGE_MISMATCH: 'The request went stale. Try again.',
  ORIGIN_MISMATCH: 'This page’s address is not one the server accepts passkeys from.',
  ORIGIN_NOT_ALLOWED: 'This page’s address is not one the server accepts requests from.',
  RP_ID_MISMATCH: 'This site’s passkeys cannot be used from this address.',
  COUNTER_REGRESSION:
    'This passkey looks like a copy of another one, so it was refused. Use another passkey or a recovery code.',
  INVALID_BODY: 'Something in the form is not valid. Check it and try again.',
  RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
  NETWORK_ERROR: 'The server could not be reached. Check your connection and try again.',
  STORE_UNAVAILABLE: 'The service is briefly unavailable. Try again in a moment.',
  REQUEST_TIMEOUT: 'The service is slow to answer right now. Try again in a moment.',
  WEBAUTHN_UNSUPPORTED:
    'This browser cannot use passkeys. Try an up-to-date browser or another device.',
  INTERNAL_ERROR: 'Something went wrong on our side. Try again.',
  INVALID_TOKEN: 'That token was revoked or has expired. Make a new one.',
  INSUFFICIENT_SCOPE: 'That token does not have the access this needs.',
  HANDOFF_INVALID:
    'This sign-in link no longer works: each one opens a session once, within 60 seconds, on the address it was made for. Go back to where you are signed in and open a new one.',
};

/**
 * A sentence for an error; a generic one for codes that should never reach a person.
 *
 * @example
 * describeError(result.error) // 'This is your only passkey, so removing it would lock you out. …'
 */
export function describeError(error: Pick<LatchkeyError, 'code'>): string {
  return ERROR_SENTENCES[error.code] ?? 'Something went wrong. Try again.';
}
