import {
  PasskeyEnrolButton,
  PasskeyList,
  PendingApprovals,
  RecoveryCodes,
  useSession,
} from '@latchkey/react';
import { FallbackSettings } from '@latchkey/react/fallbacks';
import { TierUpgrade } from '@latchkey/react/locked';
import { useState } from 'react';
import { ERROR_SENTENCES } from '../errors/describe-error.js';
import { Page } from '../layout/page.js';
import { RequireSession } from '../layout/require-session.js';
import { PersonalTokens } from '../tokens/personal-tokens.js';
import { PasswordSettings } from './password-settings.js';
import { SessionsList } from './sessions-list.js';

/**
 * Everything that can get into the account: passkeys (rename, remove, add one on
 * this device), signed-in sessions, recovery codes, devices awaiting approval, and
 * tokens for scripts and agents.
 *
 * @example
 * <AccountSecurityPage />
 */
export function AccountSecurityPage() {
  return (
    <Page
      title="Account security"
      intro="Everything that can get into your account: your passkeys, where you are signed in, your recovery codes, new devices waiting for your approval, and tokens for scripts and agents."
    >
      <RequireSession>
        <PasswordSessionNote />
        <EmailAddress />
        <section className="panel" aria-labelledby="passkeys-title">
          <h2 id="passkeys-title">Passkeys</h2>
          <p className="muted">
            Rename a passkey so you can tell them apart. Removing one asks you to confirm with a
            passkey first, and you can never remove your last one.
          </p>
          <PasskeyList labels={{ title: 'Your passkeys', errors: ERROR_SENTENCES }} />
          <div className="actions">
            <PasskeyEnrolButton
              className="button-secondary"
              labels={{ enrol: 'Add a passkey on this device', errors: ERROR_SENTENCES }}
            />
          </div>
        </section>
        <section className="panel" aria-labelledby="tier-title">
          <h2 id="tier-title">Session protection</h2>
          <TierUpgrade
            allowDowngrade
            className="button-secondary"
            labels={{ errors: ERROR_SENTENCES }}
          />
        </section>
        <section className="panel" aria-labelledby="sessions-title">
          <h2 id="sessions-title">Where you are signed in</h2>
          <SessionsList />
        </section>
        <section className="panel" aria-labelledby="recovery-title">
          <h2 id="recovery-title">Recovery codes</h2>
          <p className="muted">
            If you lose every passkey, a recovery code signs you in once. Making a new set asks you
            to confirm with a passkey, and the old codes stop working.
          </p>
          <RecoveryCodes labels={{ title: 'Your recovery codes', errors: ERROR_SENTENCES }} />
        </section>
        <OtherWaysIn />
        <section className="panel" aria-labelledby="approvals-title">
          <h2 id="approvals-title">New devices</h2>
          <PendingApprovals labels={{ errors: ERROR_SENTENCES }} />
        </section>
        <section className="panel" aria-labelledby="tokens-title">
          <h2 id="tokens-title">Tokens for scripts and agents</h2>
          <PersonalTokens />
        </section>
      </RequireSession>
    </Page>
  );
}

/**
 * Signed in with a password: everyday pages work, but nothing that asks to confirm
 * with a passkey (the server refuses a step-up from a password session).
 */
function PasswordSessionNote() {
  const { session } = useSession();
  if (session?.kind !== 'password') return null;
  return (
    <section className="panel panel-attention" aria-labelledby="password-session-title">
      <h2 id="password-session-title">You signed in with a password</h2>
      <p>
        You can look around, but changes that ask you to confirm with a passkey (removing a passkey,
        new recovery codes, these sign-in settings) need a passkey sign-in. If this account has no
        passkey yet, add one on this device.
      </p>
    </section>
  );
}

/** The ways in besides a passkey: which ones the account accepts, and its password. */
function OtherWaysIn() {
  // Setting or removing the password changes what the settings say about it: read them again.
  const [version, setVersion] = useState(0);
  return (
    <section className="panel" aria-labelledby="fallbacks-title">
      <h2 id="fallbacks-title">Other ways to sign in</h2>
      <p className="muted">
        When no passkey is at hand, you may sign in with a link sent to your email, a recovery code,
        or a password you set here. A way you turn off stops working at once. Changes ask you to
        confirm with a passkey.
      </p>
      <FallbackSettings key={version} labels={{ errors: ERROR_SENTENCES }} />
      <PasswordSettings onChanged={() => setVersion((n) => n + 1)} />
    </section>
  );
}

/** The account's address and whether its owner opened a link sent to it. */
function EmailAddress() {
  const { user } = useSession();
  if (!user) return null;
  return (
    <section className="panel" aria-labelledby="email-title">
      <h2 id="email-title">Email</h2>
      <p data-testid="account-email">
        {user.email
          ? `${user.email} · ${user.emailVerified ? 'verified' : 'not verified yet'}`
          : 'No verified email address. An address given at sign-up joins the account once you open the link we sent to it.'}
      </p>
    </section>
  );
}
