import {
  PasskeyEnrolButton,
  PasskeyList,
  PendingApprovals,
  RecoveryCodes,
  useSession,
} from '@latchkey/react';
import { TierUpgrade } from '@latchkey/react/locked';
import { ERROR_SENTENCES } from '../errors/describe-error.js';
import { Page } from '../layout/page.js';
import { RequireSession } from '../layout/require-session.js';
import { PersonalTokens } from '../tokens/personal-tokens.js';
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
