import { PasskeySignIn, useSession } from '@latchkey/react';
import { EmailLinkSignIn } from '@latchkey/react/email';
import { useEffect, useRef } from 'react';
import { ERROR_SENTENCES } from '../errors/describe-error.js';
import { Page } from '../layout/page.js';
import { Link } from '../navigation/link.js';
import { returnPathFrom } from '../navigation/return-path.js';
import { navigate } from '../navigation/use-location.js';
import { PasswordSignIn } from './password-sign-in.js';

/**
 * Sign in with a passkey: with an email (that account's passkeys), without one
 * (any passkey this device holds for the site), or from the email field's autofill.
 * Without a passkey at hand (no WebAuthn here, or an attempt failed), the form
 * offers a sign-in link by email and the account's password, if it set one.
 *
 * @example
 * <SignInPage />
 */
export function SignInPage() {
  const { status, user } = useSession();
  // Signing in here, by the button, from autofill or in another tab, leads on to the account,
  // or back to the page that sent the person here (`?next=`, such as a device to approve).
  // The form says so itself (even when the new session has already unmounted it): a sign-in
  // can finish before this page has learnt it was signed out. Another tab's sign-in shows as
  // the session turning from signed out to signed in.
  const left = useRef(false);
  const leave = () => {
    if (left.current) return;
    left.current = true;
    navigate(returnPathFrom(window.location.search) ?? '/account');
  };
  const signedOutHere = useRef(false);
  useEffect(() => {
    if (status === 'unauthenticated') signedOutHere.current = true;
    else if (status === 'authenticated' && signedOutHere.current) leave();
  });

  return (
    <Page
      title="Sign in"
      intro="Sign in with a passkey, no password. Leave the email empty to choose any passkey this device has for this site; passkeys also show up in the email field’s suggestions."
    >
      {status === 'authenticated' && user ? (
        <section className="panel" aria-labelledby="already-title">
          <h2 id="already-title">You are signed in</h2>
          <p>
            You are signed in as {user.email ?? user.displayName ?? 'an account without an email'}.
            See <Link to="/account">Account security</Link>, or sign out to use another account.
          </p>
        </section>
      ) : (
        <section className="panel">
          <PasskeySignIn
            onSignedIn={leave}
            labels={{ errors: ERROR_SENTENCES, failed: 'Could not sign in. Try again.' }}
            // No passkey at hand: this browser has no WebAuthn, or a passkey attempt failed.
            fallback={({ email }) => (
              <>
                <h2 id="email-link-title">Email me a link</h2>
                <p className="muted">
                  No passkey at hand? We email you a link that signs you in on this browser once.
                  Then you add a passkey here.
                </p>
                <EmailLinkSignIn defaultEmail={email} labels={{ errors: ERROR_SENTENCES }} />
                <PasswordSignIn defaultEmail={email} onSignedIn={leave} />
              </>
            )}
          />
        </section>
      )}
      <ul className="aside-links">
        <li>
          No account yet? <Link to="/sign-up">Sign up with a passkey</Link>.
        </li>
        <li>
          New device? <Link to="/pair">Pair it</Link> with one you are signed in on.
        </li>
        <li>
          Lost your passkeys? <Link to="/recover">Use a recovery code</Link>.
        </li>
      </ul>
    </Page>
  );
}
