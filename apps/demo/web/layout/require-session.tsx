import { useSession } from '@latchkey/react';
import type { ReactNode } from 'react';
import { mustAddPasskey } from '../../shared/session-kinds.js';
import { Link } from '../navigation/link.js';
import { signInPathReturningTo } from '../navigation/return-path.js';
import { FinishEnrolment } from './finish-enrolment.js';

/**
 * Shows `children` only to a fully signed-in session: a signed-out visitor is
 * offered sign-in (which comes back to this page, query included), and a recovery
 * email-link or paired session must first enrol a passkey (a password session
 * is a full one).
 *
 * @example
 * <RequireSession><AuditLog /></RequireSession>
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const { status, session } = useSession();
  if (status === 'loading') {
    return (
      <p role="status" className="muted">
        Checking your session…
      </p>
    );
  }
  if (status !== 'authenticated' || !session) {
    return (
      <section className="panel" aria-labelledby="signed-out-title">
        <h2 id="signed-out-title">You are signed out</h2>
        <p>
          <Link to={signInPathReturningTo(window.location.pathname + window.location.search)}>
            Sign in
          </Link>{' '}
          to see this page, or <Link to="/sign-up">create an account</Link>.
        </p>
      </section>
    );
  }
  if (mustAddPasskey(session.kind)) return <FinishEnrolment kind={session.kind} />;
  return <>{children}</>;
}
