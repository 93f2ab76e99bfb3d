'use client';
export type {
  PasskeySignInFallbackContext,
  PasskeySignInLabels,
  PasskeySignInProps,
  PasskeySignInState,
} from './passkey-sign-in.js';
export { DEFAULT_PASSKEY_SIGN_IN_LABELS, PasskeySignIn } from './passkey-sign-in.js';
