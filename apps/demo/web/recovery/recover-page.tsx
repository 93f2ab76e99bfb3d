import { useSession, useSessionStore } from '@latchkey/react';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { mustAddPasskey } from '../../shared/session-kinds.js';
import { describeError } from '../errors/describe-error.js';
import { FinishEnrolment } from '../layout/finish-enrolment.js';
import { Page } from '../layout/page.js';
import { Link } from '../navigation/link.js';
import { navigate } from '../navigation/use-location.js';

/**
 * Recover an account with a recovery code; the session it opens may only
 * create a new passkey on this device, which this page asks for next.
 *
 * @example
 * <RecoverPage />
 */
export function RecoverPage() {
  const store = useSessionStore();
  const { status, session, user, refresh } = useSession();
  const id = useId();
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const trimmed = code.trim();
    if (!trimmed) {
      setError('Type one of your recovery codes.');
      return;
    }
    setPending(true);
    setError(null);
    // The device key binds the recovery session: an account on the locked tier needs it.
    const popKey = await store.popKey();
    const result = await store.client.recover({
      code: trimmed,
      ...(email.trim() ? { email: email.trim() } : {}),
      ...(popKey ? { popKey } : {}),
    });
    if (result.error) {
      setError(describeError(result.error));
    } else {
      setCode('');
      await refresh();
    }
    setPending(false);
  };

  let body: ReactNode;
  if (status === 'authenticated' && session && mustAddPasskey(session.kind)) {
    body = <FinishEnrolment kind={session.kind} onEnrolled={() => navigate('/account')} />;
  } else if (status === 'authenticated' && user) {
    body = (
      <section className="panel" aria-labelledby={`${id}-signed-in`}>
        <h2 id={`${id}-signed-in`}>You are signed in</h2>
        <p>
          Nothing to recover: you are signed in as{' '}
          {user.email ?? user.displayName ?? 'your account'}. Your remaining recovery codes are on{' '}
          <Link to="/account">Account security</Link>.
        </p>
      </section>
    );
  } else {
    body = (
      <form className="panel form" onSubmit={submit} aria-busy={pending} noValidate>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email (optional)</label>
          <input
            id={`${id}-email`}
            type="email"
            inputMode="email"
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-code`}>Recovery code</label>
          <input
            id={`${id}-code`}
            type="text"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            aria-describedby={`${id}-code-hint`}
            aria-invalid={error ? true : undefined}
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
          <span id={`${id}-code-hint`} className="hint">
            One of the codes you saved when you created your account. Each works once.
          </span>
        </div>
        <button type="submit" className="button-primary" aria-disabled={pending || undefined}>
          {pending ? 'Checking…' : 'Recover my account'}
        </button>
        <p role="status" className="error">
          {error}
        </p>
      </form>
    );
  }

  return (
    <Page
      title="Recover your account"
      intro="Lost every passkey? A recovery code signs you in once, and then you create a new passkey on this device."
    >
      {body}
    </Page>
  );
}
