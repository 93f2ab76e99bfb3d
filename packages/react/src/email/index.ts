'use client';

// @latchkey/react/email: sign-in by email link, the fallback when no passkey is at hand.
// Its own entry, so an app that does not offer it does not ship it.

export type {
  EmailLinkLandingLabels,
  EmailLinkLandingProps,
  EmailLinkLandingState,
} from './email-link-landing.js';
export { DEFAULT_EMAIL_LINK_LANDING_LABELS, EmailLinkLanding } from './email-link-landing.js';
export type {
  EmailLinkSignInLabels,
  EmailLinkSignInProps,
  EmailLinkSignInState,
} from './email-link-sign-in.js';
export { DEFAULT_EMAIL_LINK_SIGN_IN_LABELS, EmailLinkSignIn } from './email-link-sign-in.js';
export type { EmailLinkState, EmailLinkStatus } from './use-email-link.js';
export { takeEmailLinkToken, useEmailLink } from './use-email-link.js';
