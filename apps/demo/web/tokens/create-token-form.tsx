import type { CreateTokenResponse } from '@latchkey/core';
import { useLatchkeyClient, useStepUp } from '@latchkey/react';
import { type FormEvent, useId, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { BUILT_IN_SCOPES, type BuiltInScope, describeScope } from './describe-scope.js';

const DAY_S = 24 * 60 * 60;

/** Lifetimes to choose from; the server caps any of them at its `tokens.maxTtl` (90 days by default). */
const LIFETIMES = [
  [DAY_S, '1 day'],
  [7 * DAY_S, '7 days'],
  [30 * DAY_S, '30 days'],
  [90 * DAY_S, '90 days'],
] as const;

export interface CreateTokenFormProps {
  /** Called with the new token: its text is in this answer only. */
  onCreated: (created: CreateTokenResponse) => void;
}

/**
 * Makes a personal or agent token (`POST /auth/tokens`): a name, how much it may do
 * (`read` ⊂ `write` ⊂ `admin`, so one choice), whether an AI agent uses it, and how
 * long it lives. Creating one needs a passkey step-up, which `withStepUp` runs when
 * the server asks for it.
 *
 * @example
 * <CreateTokenForm onCreated={({ token }) => setShown(token)} />
 */
export function CreateTokenForm({ onCreated }: CreateTokenFormProps) {
  const client = useLatchkeyClient();
  const { withStepUp } = useStepUp();
  const id = useId();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<BuiltInScope>('read');
  const [agent, setAgent] = useState(false);
  const [lifetime, setLifetime] = useState<number>(30 * DAY_S);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const trimmed = name.trim();
    if (!trimmed) {
      setError('Give the token a name, such as the script or agent that will use it.');
      return;
    }
    setPending(true);
    setError(null);
    const result = await withStepUp(() =>
      client.createToken({ name: trimmed, scopes: [scope], agent, expiresIn: lifetime }),
    );
    setPending(false);
    if (result.error) {
      setError(describeError(result.error));
      return;
    }
    setName('');
    setAgent(false);
    onCreated(result.data);
  };

  return (
    <form
      className="form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby={`${id}-title`}
      aria-busy={pending}
    >
      <h3 id={`${id}-title`}>Make a token</h3>
      <div className="field">
        <label htmlFor={`${id}-name`}>Token name</label>
        <input
          id={`${id}-name`}
          type="text"
          autoComplete="off"
          maxLength={64}
          aria-describedby={`${id}-name-hint`}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <span id={`${id}-name-hint`} className="hint">
          What will use it, so you can tell tokens apart: “deploy script”, “notes agent”.
        </span>
      </div>
      <fieldset className="field choices">
        <legend>Access</legend>
        {BUILT_IN_SCOPES.map((value) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name={`${id}-scope`}
              value={value}
              checked={scope === value}
              onChange={() => setScope(value)}
            />
            {describeScope(value)}
          </label>
        ))}
      </fieldset>
      <label className="choice">
        <input
          type="checkbox"
          checked={agent}
          onChange={(event) => setAgent(event.target.checked)}
        />
        An AI agent will use it (marked as such in lists and the audit log)
      </label>
      <div className="field">
        <label htmlFor={`${id}-lifetime`}>Expires after</label>
        <select
          id={`${id}-lifetime`}
          value={lifetime}
          onChange={(event) => setLifetime(Number(event.target.value))}
        >
          {LIFETIMES.map(([seconds, label]) => (
            <option key={seconds} value={seconds}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button-primary" aria-disabled={pending || undefined}>
        {pending ? 'Creating…' : 'Create token'}
      </button>
      <p role="status" className="error">
        {error}
      </p>
    </form>
  );
}
