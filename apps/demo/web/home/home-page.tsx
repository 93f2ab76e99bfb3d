import { useSession } from '@latchkey/react';
import { Page } from '../layout/page.js';
import { Link } from '../navigation/link.js';

const SCREENS = [
  [
    '/sign-up',
    'Sign up',
    'create an account with a passkey; email optional; recovery codes shown once.',
  ],
  [
    '/sign-in',
    'Sign in',
    'with an email, without one (pick a passkey), from autofill, or by an email link when no passkey is at hand.',
  ],
  [
    '/account',
    'Account security',
    'passkeys (rename, remove, add), sessions, recovery codes, approvals, tokens.',
  ],
  ['/pair', 'Pair a device', 'a new device shows a code; a signed-in device approves it.'],
  ['/recover', 'Recover', 'sign in with a recovery code, then create a new passkey.'],
  ['/me', 'Who am I', 'the demo’s own protected API answering from your session.'],
  ['/audit', 'Audit log', 'every security event on your account.'],
  ['/device', 'Approve a device', 'let latchkey login (a script, an AI agent) act as you.'],
  ['/handoff', 'Open elsewhere', 'carry your sign-in to another address of this app.'],
  ['/dev/mailbox', 'Mailbox', 'development only: the emails the demo sent, with their links.'],
] as const;

/**
 * The demo's front page: what it is and where each screen is.
 *
 * @example
 * <HomePage />
 */
export function HomePage() {
  const { status, user } = useSession();
  return (
    <Page
      title="Latchkey demo"
      intro="A small app that signs people in with passkeys only, built on Latchkey’s server SDK and React kit."
    >
      <section className="panel" aria-labelledby="start-title">
        <h2 id="start-title">
          {status === 'authenticated' && user ? 'Welcome back' : 'Start here'}
        </h2>
        <ul className="screen-list">
          {SCREENS.map(([to, name, what]) => (
            <li key={to}>
              <Link to={to}>{name}</Link>: {what}
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}
