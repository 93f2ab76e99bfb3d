import type { DeviceLookupResponse, LatchkeyError } from '@latchkey/core';
import { useLatchkeyClient, useStepUp } from '@latchkey/react';
import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { DecisionButtons } from '../approvals/decision-buttons.js';
import { describeError } from '../errors/describe-error.js';
import { formatDateTime } from '../formatting/format-date-time.js';
import { Link } from '../navigation/link.js';
import { describeScope } from '../tokens/describe-scope.js';
import { normaliseUserCode } from './normalise-user-code.js';

type DeviceRequest = DeviceLookupResponse['device'];

type Outcome = { decision: 'approved' | 'denied'; request: DeviceRequest };

export interface DeviceApprovalProps {
  /** The code from the link the CLI printed (`?user_code=`), if any. */
  initialCode: string | null;
}

/**
 * The words for what went wrong on this page. A device code that is unknown,
 * expired, mistyped, or already approved or denied is one answer from the server
 * (`INVALID_CODE`, so that codes cannot be probed), and one sentence here.
 *
 * @example
 * describeDeviceError(result.error) // 'No device is waiting with that code. …'
 */
export function describeDeviceError(error: Pick<LatchkeyError, 'code' | 'details'>): string {
  switch (error.code) {
    case 'INVALID_CODE':
      return 'No device is waiting with that code. It may have expired (a code lasts 10 minutes), been approved or denied already, or been mistyped. Check the code your terminal shows, or run latchkey login again for a new one.';
    case 'INVALID_BODY':
      return 'A code has 8 letters and digits, like ABCD-EFGH. Check it and try again.';
    case 'RATE_LIMITED': {
      const wait = Number(error.details?.retryAfter);
      return `Too many codes tried in a short time. Wait ${wait > 0 ? `${wait} seconds` : 'a minute'} and try again.`;
    }
    case 'CEREMONY_CANCELLED':
      return 'Nothing was approved: the passkey request was cancelled, or this device could not confirm it is you. Try again.';
    default:
      return describeError(error);
  }
}

/**
 * Looks a device code up, shows who asks (name, script or agent, scopes, address,
 * expiry), then approves it after a passkey step-up (`STEP_UP_REQUIRED` answers
 * are handled by the kit's `withStepUp`) or denies it.
 *
 * @example
 * <DeviceApproval initialCode="WDJB-MJHT" />
 */
export function DeviceApproval({ initialCode }: DeviceApprovalProps) {
  const client = useLatchkeyClient();
  const { withStepUp } = useStepUp();
  const id = useId();
  const [code, setCode] = useState(initialCode ?? '');
  const [found, setFound] = useState<DeviceRequest | null>(null);
  const [expired, setExpired] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [pending, setPending] = useState<'lookup' | 'approve' | 'deny' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const lookUp = useCallback(
    async (typed: string) => {
      const userCode = normaliseUserCode(typed);
      if (!userCode) {
        setError('A code has 8 letters and digits, like ABCD-EFGH. Check it and try again.');
        return;
      }
      setPending('lookup');
      setError(null);
      const result = await client.lookupDevice({ user_code: userCode });
      setPending(null);
      if (result.error) setError(describeDeviceError(result.error));
      else {
        setExpired(false);
        setFound(result.data.device);
      }
    },
    [client],
  );

  // The link carries the code: look it up at once (React's development double
  // effects would otherwise ask twice, and each ask counts against a rate limit).
  const lookedUpFromLink = useRef(false);
  useEffect(() => {
    if (lookedUpFromLink.current || !initialCode) return;
    lookedUpFromLink.current = true;
    void lookUp(initialCode);
  }, [initialCode, lookUp]);

  // RFC 8628 §3.2 `expires_in`: past it the server refuses the code; say so before it does.
  useEffect(() => {
    if (!found) return;
    const timer = setTimeout(
      () => setExpired(true),
      Math.max(0, Date.parse(found.expiresAt) - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [found]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!pending) void lookUp(code);
  };

  const decide = async (decision: 'approve' | 'deny') => {
    if (!found || pending) return;
    setPending(decision);
    setError(null);
    const input = { user_code: found.userCode };
    const result =
      decision === 'approve'
        ? await withStepUp(() => client.approveDevice(input))
        : await client.denyDevice(input);
    setPending(null);
    if (result.error) {
      setError(describeDeviceError(result.error));
      return;
    }
    setOutcome({ decision: decision === 'approve' ? 'approved' : 'denied', request: found });
    setFound(null);
    setCode('');
  };

  const startOver = () => {
    setOutcome(null);
    setFound(null);
    setError(null);
  };

  const who = (request: DeviceRequest) => request.clientName ?? 'A client that gave no name';

  return (
    <section className="panel" aria-labelledby={`${id}-title`} aria-busy={pending !== null}>
      {outcome ? (
        <>
          <h2 id={`${id}-title`}>{outcome.decision === 'approved' ? 'Approved' : 'Denied'}</h2>
          {outcome.decision === 'approved' ? (
            <p className="success" data-testid="device-outcome">
              Approved: “{who(outcome.request)}” can now act as you. Go back to your terminal; it
              finishes by itself within a few seconds. You can revoke its token at any time on{' '}
              <Link to="/account">Account security</Link>.
            </p>
          ) : (
            <p className="success" data-testid="device-outcome">
              Denied: “{who(outcome.request)}” was refused, and its code no longer works.
            </p>
          )}
          <div className="actions">
            <button type="button" className="button-secondary" onClick={startOver}>
              Approve another device
            </button>
          </div>
        </>
      ) : found ? (
        <>
          <h2 id={`${id}-title`}>Is this request yours?</h2>
          <p>Your terminal should show this code:</p>
          <p className="user-code" data-testid="device-user-code">
            {found.userCode}
          </p>
          <dl className="details device-request">
            <div>
              <dt>Asked by</dt>
              <dd>
                {who(found)}
                {found.agent && <span className="badge">AI agent</span>}
              </dd>
            </div>
            <div>
              <dt>Kind</dt>
              <dd>{found.agent ? 'An AI agent' : 'A script or command-line tool'}</dd>
            </div>
            <div>
              <dt>Access</dt>
              <dd>
                <ul className="scope-list">
                  {found.scopes.map((scope) => (
                    <li key={scope}>{describeScope(scope)}</li>
                  ))}
                </ul>
              </dd>
            </div>
            <div>
              <dt>From address</dt>
              <dd>{found.ip ?? 'Unknown'}</dd>
            </div>
            <div>
              <dt>Asked at</dt>
              <dd>{formatDateTime(found.createdAt)}</dd>
            </div>
            <div>
              <dt>Code expires</dt>
              <dd>{formatDateTime(found.expiresAt)}</dd>
            </div>
          </dl>
          {expired ? (
            <p className="error">This code has expired. Run latchkey login again for a new one.</p>
          ) : (
            <p className="muted">
              Approve only a request you started yourself, just now: whoever holds this code gets a
              token that acts as you.
            </p>
          )}
          <DecisionButtons
            pending={pending}
            approveLabel="Approve with your passkey"
            approveDisabled={expired}
            onDecide={(decision) => void decide(decision)}
          >
            <button type="button" className="button-quiet" onClick={startOver}>
              Use another code
            </button>
          </DecisionButtons>
        </>
      ) : (
        <>
          <h2 id={`${id}-title`}>Enter the code</h2>
          <form className="form" onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor={`${id}-code`}>Code</label>
              <input
                id={`${id}-code`}
                type="text"
                autoComplete="one-time-code"
                autoCapitalize="characters"
                spellCheck={false}
                aria-describedby={`${id}-hint`}
                value={code}
                onChange={(event) => setCode(event.target.value)}
              />
              <span id={`${id}-hint`} className="hint">
                The code latchkey login shows in your terminal, like ABCD-EFGH.
              </span>
            </div>
            <button
              type="submit"
              className="button-primary"
              aria-disabled={pending !== null || undefined}
            >
              {pending === 'lookup' ? 'Looking up…' : 'Look up'}
            </button>
          </form>
        </>
      )}
      <p role="status" className="error" data-testid="device-error">
        {error}
      </p>
    </section>
  );
}
