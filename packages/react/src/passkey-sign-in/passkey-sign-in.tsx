'use client';
import type { LatchkeyError } from '@latchkey/core';
import {
  type ComponentPropsWithoutRef,
  type ForwardedRef,
  forwardRef,
  type ReactNode,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import type { SignedIn } from '../client/sign-in-with-passkey.js';
import { useSessionStore } from '../hooks/use-latchkey-client.js';
import { useWebAuthnSupport } from '../hooks/use-webauthn-support.js';
import type { ErrorLabels } from '../internal/error-message.js';
import { FormShell, outcomeMessage, useFormOutcome } from '../internal/form-shell.js';
import { useLabels } from '../provider/latchkey-labels.js';

export interface PasskeySignInLabels {
  email: string;
  emailHint: string;
  submit: string;
  pending: string;
  success: string;
  failed: string;
  unsupported: string;
  /** Instead of `unsupported` when the form has a `fallback` to offer. */
  unsupportedFallback: string;
  /** The name of the group that holds the `fallback`. */
  fallback: string;
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
  unsupportedFallback: 'This browser cannot use passkeys. Sign in another way.',
  fallback: 'Other ways to sign in',
  errors: {},
};

export type PasskeySignInState = 'idle' | 'pending' | 'success' | 'error';

/**
 * Why the `fallback` shows: the browser has no WebAuthn (`unsupported`), or an
 * attempt with a passkey did not sign in (`failed`, a cancelled prompt included:
 * often there is no passkey on this device).
 */
export interface PasskeySignInFallbackContext {
  reason: 'unsupported' | 'failed';
  /** What the email field holds, trimmed (empty without one). */
  email: string;
}

export interface PasskeySignInProps
  extends Omit<ComponentPropsWithoutRef<'form'>, 'onError' | 'children'> {
  /** Show the email field (default true). Without an email the browser offers any passkey for this site. */
  withEmail?: boolean;
  /** Offer passkeys in the email field's autofill where the browser can (default true). */
  autofill?: boolean;
  /**
   * Another way in, shown after the form when the browser has no WebAuthn (in
   * place of the form) or once a passkey attempt has not signed in: an element
   * such as `<EmailLinkSignIn />` from `@latchkey/react/email`, or a function of
   * the reason and the email typed so far.
   */
  fallback?: ReactNode | ((context: PasskeySignInFallbackContext) => ReactNode);
  onSignedIn?: (result: SignedIn) => void;
  onError?: (error: LatchkeyError) => void;
  labels?: Partial<PasskeySignInLabels>;
}

/**
 * Passkey sign-in: an optional email field (`autocomplete="username webauthn"`,
 * so passkeys appear in its autofill) and a button. An empty email means a
 * discoverable sign-in: the browser lists this site's passkeys. A cancelled
 * prompt is reported, never thrown. With a `fallback`, a browser without
 * WebAuthn, or a passkey that did not work, is offered another way in.
 *
 * @example
 * import { EmailLinkSignIn } from '@latchkey/react/email';
 *
 * <PasskeySignIn
 *   onSignedIn={() => navigate('/')}
 *   fallback={({ email }) => <EmailLinkSignIn defaultEmail={email} />}
 * />
 */
export const PasskeySignIn = /*#__PURE__*/ forwardRef(function PasskeySignIn(
  {
    withEmail = true,
    autofill = true,
    fallback,
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
  const outcome = useFormOutcome<'success'>();
  // A passkey attempt has not signed in: the fallback stays from then on.
  const [failed, setFailed] = useState(false);
  // Bumped after a modal attempt so the autofill request starts again.
  const [round, setRound] = useState(0);
  const callbacks = useRef({ onSignedIn, onError, outcome });
  callbacks.current = { onSignedIn, onError, outcome };

  const conditional = withEmail && autofill && support.conditionalMediation;
  useEffect(() => {
    // `round` is read so that bumping it starts a fresh autofill request.
    if (!conditional || round < 0) return;
    let live = true;
    void store.signIn({ mediation: 'conditional' }).then((result) => {
      if (result.data) {
        // Told even after an unmount: the new session may itself have replaced the form.
        callbacks.current.onSignedIn?.(result.data);
        if (live) callbacks.current.outcome.finish('success');
      } else if (live && result.error.code !== 'CEREMONY_CANCELLED') {
        callbacks.current.outcome.fail(result.error);
        setFailed(true);
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

  const send = async () => {
    outcome.start();
    const trimmed = email.trim();
    const result = await store.signIn(trimmed ? { email: trimmed } : {});
    if (result.data) {
      outcome.finish('success');
      onSignedIn?.(result.data);
      return;
    }
    outcome.fail(result.error);
    setFailed(true);
    onError?.(result.error);
    setRound((n) => n + 1);
  };

  const unsupported = support.status === 'ready' && !support.webauthn;
  const other =
    fallback != null && (unsupported || failed) ? (
      <fieldset
        data-latchkey-sign-in-fallback=""
        data-reason={unsupported ? 'unsupported' : 'failed'}
        aria-label={labels.fallback}
      >
        {typeof fallback === 'function'
          ? fallback({ reason: unsupported ? 'unsupported' : 'failed', email: email.trim() })
          : fallback}
      </fieldset>
    ) : null;

  if (unsupported) {
    return (
      <>
        <p data-latchkey-sign-in="" data-state="unsupported" role="note">
          {other ? labels.unsupportedFallback : labels.unsupported}
        </p>
        {other}
      </>
    );
  }

  const pending = outcome.state === 'pending';
  return (
    <>
      <FormShell
        ref={ref}
        part="sign-in"
        state={outcome.state}
        busy={pending}
        message={outcomeMessage(outcome, labels, labels.success)}
        tone={outcome.state === 'success' ? 'success' : 'error'}
        onSubmit={onSubmit}
        onSend={send}
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
      </FormShell>
      {other}
    </>
  );
});
