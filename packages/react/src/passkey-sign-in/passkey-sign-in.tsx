'use client';
import type { LatchkeyError } from '@latchkey/core';
import {
  type ComponentPropsWithoutRef,
  type FormEvent,
  type ForwardedRef,
  forwardRef,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import type { SignedIn } from '../client/sign-in-with-passkey.js';
import { useSessionStore } from '../hooks/use-latchkey-client.js';
import { useWebAuthnSupport } from '../hooks/use-webauthn-support.js';
import { composeEventHandlers } from '../internal/compose-event-handlers.js';
import { type ErrorLabels, errorMessage } from '../internal/error-message.js';
import { StatusMessage } from '../internal/status-message.js';
import { useLabels } from '../provider/latchkey-labels.js';

export interface PasskeySignInLabels {
  email: string;
  emailHint: string;
  submit: string;
  pending: string;
  success: string;
  failed: string;
  unsupported: string;
  errors: ErrorLabels;
}

export const DEFAULT_PASSKEY_SIGN_IN_LABELS: PasskeySignInLabels = {
  email: 'Email',
  emailHint: 'Optional: leave it empty to choose a passkey.',
  submit: 'Sign in with a passkey',
  pending: 'Follow your device’s prompt…',
  success: 'Signed in.',
  failed: 'Could not sign in.',
  unsupported: 'This browser cannot use passkeys. Try an up-to-date browser or another device.',
  errors: {},
};

export type PasskeySignInState = 'idle' | 'pending' | 'success' | 'error';

export interface PasskeySignInProps
  extends Omit<ComponentPropsWithoutRef<'form'>, 'onError' | 'children'> {
  /** Show the email field (default true). Without an email the browser offers any passkey for this site. */
  withEmail?: boolean;
  /** Offer passkeys in the email field's autofill where the browser can (default true). */
  autofill?: boolean;
  onSignedIn?: (result: SignedIn) => void;
  onError?: (error: LatchkeyError) => void;
  labels?: Partial<PasskeySignInLabels>;
}

/**
 * Passkey sign-in: an optional email field (`autocomplete="username webauthn"`,
 * so passkeys appear in its autofill) and a button. An empty email means a
 * discoverable sign-in: the browser lists this site's passkeys. A cancelled
 * prompt is reported, never thrown.
 *
 * @example
 * <PasskeySignIn onSignedIn={() => navigate('/')} />
 */
export const PasskeySignIn = /*#__PURE__*/ forwardRef(function PasskeySignIn(
  {
    withEmail = true,
    autofill = true,
    onSignedIn,
    onError,
    labels: custom,
    onSubmit,
    ...rest
  }: PasskeySignInProps,
  ref: ForwardedRef<HTMLFormElement>,
) {
  const labels = useLabels('passkeySignIn', DEFAULT_PASSKEY_SIGN_IN_LABELS, custom);
  const store = useSessionStore();
  const support = useWebAuthnSupport();
  const id = useId();
  const [email, setEmail] = useState('');
  const [state, setState] = useState<PasskeySignInState>('idle');
  const [outcome, setOutcome] = useState<LatchkeyError | 'success' | null>(null);
  // Bumped after a modal attempt so the autofill request starts again.
  const [round, setRound] = useState(0);
  const callbacks = useRef({ onSignedIn, onError });
  callbacks.current = { onSignedIn, onError };

  const conditional = withEmail && autofill && support.conditionalMediation;
  useEffect(() => {
    // `round` is read so that bumping it starts a fresh autofill request.
    if (!conditional || round < 0) return;
    let live = true;
    void store.signIn({ mediation: 'conditional' }).then((result) => {
      if (result.data) {
        // Told even after an unmount: the new session may itself have replaced the form.
        callbacks.current.onSignedIn?.(result.data);
        if (!live) return;
        setState('success');
        setOutcome('success');
      } else if (!live) {
        return;
      } else if (result.error.code !== 'CEREMONY_CANCELLED') {
        setState('error');
        setOutcome(result.error);
        // No automatic retry: a failing server would be asked again and again. The next press
        // of the button starts autofill afresh.
        callbacks.current.onError?.(result.error);
      }
    });
    return () => {
      live = false;
      // StrictMode runs effects twice and users navigate away: never leave a request behind.
      store.coordinator.cancel('conditional');
    };
  }, [conditional, round, store]);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (state === 'pending') return;
    setState('pending');
    setOutcome(null);
    const trimmed = email.trim();
    const result = await store.signIn(trimmed ? { email: trimmed } : {});
    if (result.data) {
      setState('success');
      setOutcome('success');
      onSignedIn?.(result.data);
      return;
    }
    setState(result.error.code === 'CEREMONY_CANCELLED' ? 'idle' : 'error');
    setOutcome(result.error);
    onError?.(result.error);
    setRound((n) => n + 1);
  };

  if (support.status === 'ready' && !support.webauthn) {
    return (
      <p data-latchkey-sign-in="" data-state="unsupported" role="note">
        {labels.unsupported}
      </p>
    );
  }

  const pending = state === 'pending';
  return (
    <form
      ref={ref}
      data-latchkey-sign-in=""
      data-state={state}
      aria-busy={pending}
      noValidate
      onSubmit={composeEventHandlers(onSubmit, handleSubmit)}
      {...rest}
    >
      {withEmail && (
        <div data-latchkey-field="">
          <label htmlFor={`${id}-email`}>{labels.email}</label>
          <input
            id={`${id}-email`}
            name="email"
            type="email"
            inputMode="email"
            autoComplete="username webauthn"
            aria-describedby={`${id}-hint`}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <span id={`${id}-hint`} data-latchkey-hint="">
            {labels.emailHint}
          </span>
        </div>
      )}
      <button type="submit" data-latchkey-button="primary" aria-disabled={pending || undefined}>
        {pending ? labels.pending : labels.submit}
      </button>
      <StatusMessage
        message={
          outcome === 'success' ? labels.success : outcome ? errorMessage(outcome, labels) : null
        }
        tone={outcome === 'success' ? 'success' : 'error'}
      />
    </form>
  );
});
