import type { RegisterResponse } from '@latchkey/core';
import { PasskeyEnrolButton, RecoveryCodes, useSession } from '@latchkey/react';
import { type FormEvent, useId, useRef, useState } from 'react';
import { ERROR_SENTENCES } from '../errors/describe-error.js';
import { Page } from '../layout/page.js';
import { Link } from '../navigation/link.js';
import { navigate } from '../navigation/use-location.js';

/**
 * Sign up with a passkey: an optional email and a display name, then the
 * account's recovery codes, shown once.
 *
 * @example
 * <SignUpPage />
 */
export function SignUpPage() {
  const { status, user } = useSession();
  const id = useId();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [enrolled, setEnrolled] = useState<RegisterResponse | null>(null);
  // The address given at sign-up: it joins the account once its verification link is opened.
  const [emailToVerify, setEmailToVerify] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    button.current?.click();
  };

  return (
    <Page
      title="Create an account"
      intro="Your account is a passkey on this device: nothing to remember, nothing to phish. The email is optional, and so is the name shown to you in lists."
    >
      {enrolled ? (
        <section className="panel" aria-labelledby={`${id}-done`}>
          <h2 id={`${id}-done`}>Your account is ready</h2>
          <p>
            Your passkey “{enrolled.passkey.name}” is saved on this device. If you ever lose every
            passkey, a recovery code gets you back in.
          </p>
          {emailToVerify && (
            <p role="note" className="warning">
              Check your email: we sent a link to {emailToVerify} to verify it. Until you open it,
              the address is not on your account and cannot be used to sign in.
            </p>
          )}
          {enrolled.recoveryCodes ? (
            <RecoveryCodes codes={enrolled.recoveryCodes} onContinue={() => navigate('/account')} />
          ) : (
            <p>
              <Link to="/account">Go to account security</Link>
            </p>
          )}
        </section>
      ) : status === 'authenticated' && user ? (
        <section className="panel" aria-labelledby={`${id}-already`}>
          <h2 id={`${id}-already`}>You already have an account</h2>
          <p>
            You are signed in as {user.email ?? user.displayName ?? 'an account without an email'}.
            To add a passkey to it, go to <Link to="/account">Account security</Link>.
          </p>
        </section>
      ) : (
        <form className="panel form" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor={`${id}-email`}>Email (optional)</label>
            <input
              id={`${id}-email`}
              type="email"
              inputMode="email"
              autoComplete="email"
              aria-describedby={`${id}-email-hint`}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <span id={`${id}-email-hint`} className="hint">
              Lets you sign in by typing it. Without one, you pick your passkey from the list.
            </span>
          </div>
          <div className="field">
            <label htmlFor={`${id}-name`}>Display name</label>
            <input
              id={`${id}-name`}
              type="text"
              autoComplete="name"
              maxLength={128}
              value={displayName}
              onChange={(event) => setDisplayName(event.target.value)}
            />
          </div>
          <PasskeyEnrolButton
            ref={button}
            email={email.trim() || undefined}
            displayName={displayName.trim() || undefined}
            showRecoveryCodes={false}
            labels={{
              enrol: 'Create account with a passkey',
              failed: 'Could not create the account. Try again.',
              errors: ERROR_SENTENCES,
            }}
            onEnrolled={(result) => {
              setEmailToVerify(email.trim() || null);
              setEnrolled(result);
            }}
          />
        </form>
      )}
      {!enrolled && (
        <p className="aside-links">
          Already have an account? <Link to="/sign-in">Sign in</Link>.
        </p>
      )}
    </Page>
  );
}
