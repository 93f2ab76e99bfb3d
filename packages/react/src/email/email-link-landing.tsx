'use client';
import type { EmailVerifyResponse } from '@latchkey/core';
import {
  type ComponentPropsWithoutRef,
  type ForwardedRef,
  forwardRef,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { type ErrorLabels, errorMessage } from '../internal/error-message.js';
import { StatusMessage } from '../internal/status-message.js';
import { useLabels } from '../provider/latchkey-labels.js';
import { type EmailLinkStatus, takeEmailLinkToken, useEmailLink } from './use-email-link.js';

export interface EmailLinkLandingLabels {
  title: string;
  verifying: string;
  /** Without a token in the address. */
  missing: string;
  confirmPrompt: string;
  confirm: string;
  signedIn: string;
  verified: string;
  failed: string;
  errors: ErrorLabels;
}

export const DEFAULT_EMAIL_LINK_LANDING_LABELS: EmailLinkLandingLabels = {
  title: 'Email link',
  verifying: 'Checking your link…',
  missing: 'This page opens the link from your email; this address has no link in it.',
  confirmPrompt:
    'This sign-in link was asked for in another browser. Sign in on this one only if you asked for the link yourself.',
  confirm: 'Sign in on this browser',
  signedIn: 'You are signed in. Add a passkey on this device to finish.',
  verified: 'Your email address is verified.',
  failed: 'Could not open this link. Ask for a new one.',
  errors: {
    LINK_INVALID: 'This link has expired or was already used. Ask for a new one.',
  },
};

/** The landing's `data-state`: the link's status. */
export type EmailLinkLandingState = EmailLinkStatus;

export interface EmailLinkLandingProps
  extends Omit<ComponentPropsWithoutRef<'section'>, 'children'> {
  /** The link's token; default: read from the address bar's `#token=…` (and removed from it). */
  token?: string | null;
  /** After a sign-in link opened a session (kind `email`). */
  onSignedIn?: (data: EmailVerifyResponse) => void;
  /** After an address-verification link. */
  onVerified?: (data: EmailVerifyResponse) => void;
  labels?: Partial<EmailLinkLandingLabels>;
}

/**
 * The page an email link opens: it uses the link once (`useEmailLink`), asks the
 * person to confirm a sign-in link opened in another browser, and says in words
 * what happened, in a polite live region. After a sign-in, offer
 * `PasskeyEnrolButton`: the session may do nothing else until it has a passkey.
 *
 * @example
 * <EmailLinkLanding onSignedIn={() => navigate('/account')} />
 */
export const EmailLinkLanding = /*#__PURE__*/ forwardRef(function EmailLinkLanding(
  { token: given, onSignedIn, onVerified, labels: custom, ...rest }: EmailLinkLandingProps,
  ref: ForwardedRef<HTMLElement>,
) {
  const labels = useLabels('emailLinkLanding', DEFAULT_EMAIL_LINK_LANDING_LABELS, custom);
  const id = useId();
  const [token] = useState(() => (given === undefined ? takeEmailLinkToken() : given));
  const link = useEmailLink(token);
  const callbacks = useRef({ onSignedIn, onVerified });
  callbacks.current = { onSignedIn, onVerified };
  useEffect(() => {
    if (!link.data) return;
    if (link.status === 'signed-in') callbacks.current.onSignedIn?.(link.data);
    else if (link.status === 'verified') callbacks.current.onVerified?.(link.data);
  }, [link.status, link.data]);

  const message =
    link.status === 'idle'
      ? labels.missing
      : link.status === 'verifying'
        ? labels.verifying
        : link.status === 'signed-in'
          ? labels.signedIn
          : link.status === 'verified'
            ? labels.verified
            : link.status === 'error' && link.error
              ? errorMessage(link.error, labels)
              : null;
  return (
    <section
      ref={ref}
      aria-labelledby={`${id}-title`}
      data-latchkey-email-landing=""
      data-state={link.status}
      aria-busy={link.status === 'verifying'}
      {...rest}
    >
      <h2 id={`${id}-title`}>{labels.title}</h2>
      {link.status === 'confirm' && (
        <>
          <p id={`${id}-confirm`}>{labels.confirmPrompt}</p>
          <button
            type="button"
            data-latchkey-button="primary"
            aria-describedby={`${id}-confirm`}
            onClick={() => void link.confirm()}
          >
            {labels.confirm}
          </button>
        </>
      )}
      <StatusMessage
        message={message}
        tone={
          link.status === 'error' || link.status === 'idle'
            ? 'error'
            : link.status === 'signed-in' || link.status === 'verified'
              ? 'success'
              : undefined
        }
      />
    </section>
  );
});
