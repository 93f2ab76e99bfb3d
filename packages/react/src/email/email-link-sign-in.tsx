'use client';
import type { LatchkeyError } from '@latchkey/core';
import {
  type ComponentPropsWithoutRef,
  type ForwardedRef,
  forwardRef,
  useId,
  useState,
} from 'react';
import { useSessionStore } from '../hooks/use-latchkey-client.js';
import type { ErrorLabels } from '../internal/error-message.js';
import { FormShell, outcomeMessage, useFormOutcome } from '../internal/form-shell.js';
import { useLabels } from '../provider/latchkey-labels.js';

export interface EmailLinkSignInLabels {
  email: string;
  submit: string;
  pending: string;
  /** After the request: the same words whether or not the address has an account. */
  sent: (email: string) => string;
  /** Asked to send without an address. */
  missing: string;
  failed: string;
  errors: ErrorLabels;
}

export const DEFAULT_EMAIL_LINK_SIGN_IN_LABELS: EmailLinkSignInLabels = {
  email: 'Email',
  submit: 'Email me a sign-in link',
  pending: 'Sending…',
  sent: (email) =>
    `If ${email} belongs to an account, a sign-in link is on its way. It works for 15 minutes, once.`,
  missing: 'Type your email address.',
  failed: 'Could not send a sign-in link. Try again.',
  errors: {
    INVALID_BODY: 'That does not look like an email address.',
  },
};

/** `idle` → `pending` → `sent` | `error`. */
export type EmailLinkSignInState = 'idle' | 'pending' | 'sent' | 'error';

export interface EmailLinkSignInProps
  extends Omit<ComponentPropsWithoutRef<'form'>, 'children' | 'onError'> {
  /** The address to start with (for example the one typed into `PasskeySignIn`). */
  defaultEmail?: string;
  /** Once the server has taken the request (it answers alike for every address). */
  onSent?: (email: string) => void;
  onError?: (error: LatchkeyError) => void;
  labels?: Partial<EmailLinkSignInLabels>;
}

/**
 * A form that asks for a sign-in link by email (`POST /email/link-options`): the
 * fallback for a browser without passkeys or a passkey that failed. The answer
 * never tells whether the address has an account; the link works in this browser
 * (elsewhere it asks to confirm). Pair it with `EmailLinkLanding` on the page the
 * link opens (`email.linkUrl` on the server).
 *
 * @example
 * <EmailLinkSignIn onSent={(email) => console.log('link sent to', email)} />
 */
export const EmailLinkSignIn = /*#__PURE__*/ forwardRef(function EmailLinkSignIn(
  { defaultEmail = '', onSent, onError, labels: custom, onSubmit, ...rest }: EmailLinkSignInProps,
  ref: ForwardedRef<HTMLFormElement>,
) {
  const labels = useLabels('emailLinkSignIn', DEFAULT_EMAIL_LINK_SIGN_IN_LABELS, custom);
  const store = useSessionStore();
  const id = useId();
  const [email, setEmail] = useState(defaultEmail);
  // The address the link went to, for the sentence after sending.
  const [sentTo, setSentTo] = useState('');
  const outcome = useFormOutcome<'sent'>();

  const send = async () => {
    const trimmed = email.trim();
    if (!trimmed) {
      outcome.fail(labels.missing);
      return;
    }
    outcome.start();
    const result = await store.client.emailLinkOptions({ email: trimmed });
    if (result.error) {
      outcome.fail(result.error);
      onError?.(result.error);
      return;
    }
    setSentTo(trimmed);
    outcome.finish('sent');
    onSent?.(trimmed);
  };

  const { state } = outcome;
  const pending = state === 'pending';
  return (
    <FormShell
      ref={ref}
      part="email-link"
      state={state}
      busy={pending}
      message={outcomeMessage(outcome, labels, labels.sent(sentTo))}
      tone={state === 'sent' ? 'success' : 'error'}
      onSubmit={onSubmit}
      onSend={send}
      {...rest}
    >
      <div data-latchkey-field="">
        <label htmlFor={`${id}-email`}>{labels.email}</label>
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          inputMode="email"
          autoComplete="email"
          aria-invalid={state === 'error' || undefined}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </div>
      <button type="submit" data-latchkey-button="secondary" aria-disabled={pending || undefined}>
        {pending ? labels.pending : labels.submit}
      </button>
    </FormShell>
  );
});
