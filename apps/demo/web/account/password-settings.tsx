import { useLatchkeyClient, useStepUp } from '@latchkey/react';
import { type FormEvent, useId, useState } from 'react';
import { describeError } from '../errors/describe-error.js';

export interface PasswordSettingsProps {
  /** After the password was set or removed: the fallback settings show whether one is set. */
  onChanged?: () => void;
}

/**
 * Sets or removes the account's password (`PUT`/`DELETE /password`), each after
 * a step-up with a passkey. The password only lets anyone in while the password
 * fallback is on (`FallbackSettings`).
 *
 * @example
 * <PasswordSettings onChanged={() => setVersion((n) => n + 1)} />
 */
export function PasswordSettings({ onChanged }: PasswordSettingsProps) {
  const client = useLatchkeyClient();
  const { withStepUp } = useStepUp();
  const id = useId();
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ text: string; tone: 'success' | 'error' } | null>(null);

  const run = async (call: () => ReturnType<typeof client.removePassword>, done: string) => {
    if (pending) return;
    setPending(true);
    setMessage(null);
    const result = await withStepUp(call);
    setPending(false);
    if (result.error) {
      setMessage({ text: describeError(result.error), tone: 'error' });
      return;
    }
    setPassword('');
    setMessage({ text: done, tone: 'success' });
    onChanged?.();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(() => client.setPassword({ password }), 'Your password is set.');
  };

  return (
    <form
      className="form"
      aria-labelledby={`${id}-title`}
      aria-busy={pending}
      onSubmit={submit}
      noValidate
    >
      <h3 id={`${id}-title`}>Password</h3>
      <div className="field">
        <label htmlFor={`${id}-password`}>New password</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="new-password"
          aria-describedby={`${id}-hint`}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <span id={`${id}-hint`} className="muted">
          At least 8 characters; no rules about digits or symbols, only not a common password.
        </span>
      </div>
      <div className="actions">
        <button type="submit" className="button-secondary" aria-disabled={pending || undefined}>
          Set password
        </button>
        <button
          type="button"
          className="button-secondary"
          aria-disabled={pending || undefined}
          onClick={() => void run(() => client.removePassword(), 'Your password is removed.')}
        >
          Remove password
        </button>
      </div>
      <p role="status" className={message?.tone ?? ''}>
        {message?.text}
      </p>
    </form>
  );
}
