import { useSession, useSessionStore } from '@latchkey/react';
import { type FormEvent, useId, useState } from 'react';
import { describeError } from '../errors/describe-error.js';

export interface PasswordSignInProps {
  /** The address to start with: the one typed for the passkey, if any. */
  defaultEmail?: string;
  /** Once signed in: the session is a `password` one. */
  onSignedIn: () => void;
}

/**
 * Sign in with the password an account set as its fallback (`POST /password/sign-in`).
 * A wrong address, a wrong password and an account with the fallback off get the
 * same answer. The session it opens is full for everyday pages but cannot confirm
 * with a passkey, so security settings need a passkey sign-in.
 *
 * @example
 * <PasswordSignIn onSignedIn={() => navigate('/account')} />
 */
export function PasswordSignIn({ defaultEmail = '', onSignedIn }: PasswordSignInProps) {
  const store = useSessionStore();
  const { refresh } = useSession();
  const id = useId();
  const [email, setEmail] = useState(defaultEmail);
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    // A locked-tier account wants the session bound to this browser's device key.
    const popKey = await store.popKey();
    const result = await store.client.passwordSignIn({
      email: email.trim(),
      password,
      ...(popKey ? { popKey } : {}),
    });
    setPending(false);
    if (result.error) {
      setError(describeError(result.error));
      return;
    }
    setPassword('');
    await refresh();
    onSignedIn();
  };

  return (
    <form
      className="form"
      data-testid="password-sign-in"
      aria-labelledby={`${id}-title`}
      aria-busy={pending}
      onSubmit={submit}
      noValidate
    >
      <h3 id={`${id}-title`}>Or use your password</h3>
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input
          id={`${id}-email`}
          type="email"
          autoComplete="username"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <button type="submit" className="button-secondary" aria-disabled={pending || undefined}>
        {pending ? 'Signing in…' : 'Sign in with a password'}
      </button>
      <p role="status" className="error">
        {error}
      </p>
    </form>
  );
}
