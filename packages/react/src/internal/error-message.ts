'use client';
import type { ErrorCode, LatchkeyError } from '@latchkey/core';

/** Error messages by code; any code not listed falls back to the component's `failed` label. */
export type ErrorLabels = Partial<Record<ErrorCode, string>>;

export const DEFAULT_ERROR_LABELS: ErrorLabels = {
  CEREMONY_CANCELLED: 'The passkey request was cancelled.',
  WEBAUTHN_UNSUPPORTED: 'This browser does not support passkeys.',
  NETWORK_ERROR: 'Could not reach the server. Check your connection and try again.',
  RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
  UNKNOWN_CREDENTIAL: 'This passkey is not recognised here.',
  CREDENTIAL_PENDING: 'This passkey is waiting for approval from one of your trusted devices.',
  AUTHENTICATOR_NOT_ALLOWED: 'This kind of passkey or security key is not accepted here.',
  CREDENTIAL_EXISTS: 'This device already has a passkey for your account.',
  LAST_CREDENTIAL: 'This is your only passkey. Add another one before removing it.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  SIGN_UP_CLOSED: 'Sign-up is closed.',
  EMAIL_TAKEN: 'That email address already has an account.',
};

/**
 * The visible message for an error: its label (the labels from `useLabels`, which hold
 * these English defaults under the provider's and the component's own), else `fallback`.
 */
export function errorMessage(
  error: LatchkeyError | null,
  labels: { errors: ErrorLabels; failed: string },
  fallback = labels.failed,
): string {
  return (error && labels.errors[error.code]) ?? fallback;
}
