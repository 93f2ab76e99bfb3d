import { useSession } from '@latchkey/react';
import { EmailLinkLanding } from '@latchkey/react/email';
import { ERROR_SENTENCES } from '../errors/describe-error.js';
import { FinishEnrolment } from '../layout/finish-enrolment.js';
import { Page } from '../layout/page.js';
import { Link } from '../navigation/link.js';
import { navigate } from '../navigation/use-location.js';

/**
 * Where an email link lands (`/email-link#token=…`): a sign-in link opens a
 * session that may only add a passkey, so the page asks for one at once; a
 * verification link marks the address verified.
 *
 * @example
 * <EmailLinkPage />
 */
export function EmailLinkPage() {
  const { status, session } = useSession();
  return (
    <Page
      title="Email link"
      intro="A link from your email signs you in on this browser, or confirms that the address is yours."
    >
      <EmailLinkLanding
        className="panel"
        labels={{ title: 'Your link', errors: ERROR_SENTENCES }}
      />
      {status === 'authenticated' && session?.kind === 'email' && (
        <FinishEnrolment kind="email" onEnrolled={() => navigate('/account')} />
      )}
      <ul className="aside-links">
        <li>
          Link expired? <Link to="/sign-in">Ask for a new one</Link>.
        </li>
      </ul>
    </Page>
  );
}
