import { useSession } from '@latchkey/react';
import { useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { Link } from '../navigation/link.js';
import { navigate } from '../navigation/use-location.js';

const SIGNED_IN_LINKS = [
  ['/account', 'Account security'],
  ['/pair', 'Pair a device'],
  ['/me', 'Who am I'],
  ['/audit', 'Audit log'],
  ['/handoff', 'Open elsewhere'],
  ['/note', 'Encrypted note'],
] as const;

const SIGNED_OUT_LINKS = [
  ['/sign-in', 'Sign in'],
  ['/sign-up', 'Sign up'],
  ['/pair', 'Pair this device'],
  ['/recover', 'Recover'],
  ['/me', 'Who am I'],
] as const;

/**
 * The site's banner: its name, the pages, who is signed in and a sign-out button.
 *
 * @example
 * <SiteHeader />
 */
export function SiteHeader() {
  const { status, user, signOut } = useSession();
  const [error, setError] = useState<string | null>(null);
  const signedIn = status === 'authenticated' && user;
  // Until the session is known, no links at all: a signed-in person is never offered "Sign in".
  const links = status === 'loading' ? [] : signedIn ? SIGNED_IN_LINKS : SIGNED_OUT_LINKS;

  return (
    <header className="site-header">
      <Link to="/" className="brand">
        Latchkey demo
      </Link>
      <nav aria-label="Pages" aria-busy={status === 'loading'}>
        <ul>
          {links.map(([to, label]) => (
            <li key={to}>
              <Link to={to}>{label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="who" aria-live="polite">
        {signedIn ? (
          <>
            <span data-testid="signed-in-as">
              Signed in as <strong>{user.email ?? user.displayName ?? 'you (no email)'}</strong>
            </span>
            <button
              type="button"
              className="button-quiet"
              onClick={async () => {
                setError(null);
                const result = await signOut();
                if (result.error && result.error.code !== 'UNAUTHENTICATED')
                  setError(describeError(result.error));
                else navigate('/sign-in');
              }}
            >
              Sign out
            </button>
          </>
        ) : status === 'loading' ? null : (
          <span data-testid="signed-out">Signed out</span>
        )}
        {error && (
          <span role="alert" className="error">
            {error}
          </span>
        )}
      </div>
    </header>
  );
}
