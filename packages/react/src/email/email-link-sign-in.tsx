'use client';
import type { LatchkeyError } from '@latchkey/core';
import {
  type ComponentPropsWithoutRef,
  type FormEvent,
  type ForwardedRef,
  forwardRef,
  useId,
  useState,
} from 'react';
import { useSessionStore } from '../hooks/use-latchkey-client.js';
import { composeEventHandlers } from '../internal/compose-event-handlers.js';
import { type ErrorLabels, errorMessage } from '../internal/error-message.js';
import { StatusMessage } from '../internal/status-message.js';
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
  const [state, setState] = useState<EmailLinkSignInState>('idle');
  const [message, setMessage] = useState<string | null>(null);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (state === 'pending') return;
    const trimmed = email.trim();
    if (!trimmed) {
      setState('error');
      setMessage(labels.missing);
      return;
    }
    setState('pending');
    setMessage(null);
    const result = await store.client.emailLinkOptions({ email: trimmed });
    if (result.error) {
      setState('error');
      setMessage(errorMessage(result.error, labels));
      onError?.(result.error);
      return;
    }
    setState('sent');
    setMessage(labels.sent(trimmed));
    onSent?.(trimmed);
  };

  const pending = state === 'pending';
  return (
    <form
      ref={ref}
      data-latchkey-email-link=""
      data-state={state}
      aria-busy={pending}
      noValidate
      onSubmit={composeEventHandlers(onSubmit, handleSubmit)}
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
      <StatusMessage message={message} tone={state === 'sent' ? 'success' : 'error'} />
    </form>
  );
});
