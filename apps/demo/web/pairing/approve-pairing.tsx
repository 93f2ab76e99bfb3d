import type { PairingLookupResponse } from '@latchkey/core';
import { useLatchkeyClient, useStepUp } from '@latchkey/react';
import { type FormEvent, useId, useState } from 'react';
import { DecisionButtons } from '../approvals/decision-buttons.js';
import { describeError } from '../errors/describe-error.js';
import { formatDateTime } from '../formatting/format-date-time.js';

type Pairing = PairingLookupResponse['pairing'];

/**
 * The trusted device's half of pairing: type the code the new device shows,
 * see which device asked (confirming with a passkey first), then approve or deny.
 *
 * @example
 * <ApprovePairing />
 */
export function ApprovePairing() {
  const client = useLatchkeyClient();
  const { withStepUp } = useStepUp();
  const id = useId();
  // A scanned QR (or a shared link) opens /pair?code=…: the code is filled in already.
  // Anyone can send such a link (RFC 8628 §5.4, remote phishing): say where it came from.
  const [linked] = useState(() => new URLSearchParams(window.location.search).get('code') ?? '');
  const [code, setCode] = useState(linked);
  const [found, setFound] = useState<Pairing | null>(null);
  const [pending, setPending] = useState<'lookup' | 'approve' | 'deny' | null>(null);
  const [message, setMessage] = useState<{ text: string; tone: 'error' | 'success' } | null>(null);

  const lookUp = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const typed = code.trim().toUpperCase();
    if (!typed) {
      setMessage({ text: 'Type the code the new device shows.', tone: 'error' });
      return;
    }
    setPending('lookup');
    setMessage(null);
    const result = await withStepUp(() => client.lookupPairing({ code: typed }));
    setPending(null);
    if (result.error) setMessage({ text: describeError(result.error), tone: 'error' });
    else setFound(result.data.pairing);
  };

  const decide = async (decision: 'approve' | 'deny') => {
    if (!found || pending) return;
    setPending(decision);
    setMessage(null);
    const result = await withStepUp(() =>
      decision === 'approve'
        ? client.approvePairing({ code: found.code })
        : client.denyPairing({ code: found.code }),
    );
    setPending(null);
    if (result.error) {
      setMessage({ text: describeError(result.error), tone: 'error' });
      return;
    }
    setFound(null);
    setCode('');
    setMessage(
      decision === 'approve'
        ? { text: 'Approved. The new device can now create its own passkey.', tone: 'success' }
        : { text: 'Denied. The new device was not let in.', tone: 'success' },
    );
  };

  return (
    <section className="panel" aria-labelledby={`${id}-title`} aria-busy={pending !== null}>
      <h2 id={`${id}-title`}>Approve a new device</h2>
      {found ? (
        <section className="pairing-request" aria-labelledby={`${id}-request`}>
          <h3 id={`${id}-request`}>Is this your device?</h3>
          <p id={`${id}-check`}>Check that the new device shows exactly this code:</p>
          <output className="pairing-code" aria-labelledby={`${id}-check`}>
            {found.code}
          </output>
          {linked && found.code === linked.trim().toUpperCase() && (
            <p className="warning" role="note">
              This code came from a link or a QR code. If someone sent it to you, deny: approving
              lets their device into your account.
            </p>
          )}
          <dl className="details">
            <div>
              <dt>Name (as the new device reports it)</dt>
              <dd>{found.deviceName ?? 'Not given'}</dd>
            </div>
            <div>
              <dt>Browser (as the new device reports it)</dt>
              <dd>
                {found.device.browser} on {found.device.os}
              </dd>
            </div>
            <div>
              <dt>Address</dt>
              <dd>{found.ip ?? 'Unknown'}</dd>
            </div>
            <div>
              <dt>Asked at</dt>
              <dd>{formatDateTime(found.createdAt)}</dd>
            </div>
          </dl>
          <p className="muted">
            The new device chose its name and browser itself. Approve only a device you are holding
            right now and whose screen shows this code.
          </p>
          <DecisionButtons
            pending={pending}
            approveLabel="Approve this device"
            onDecide={(decision) => void decide(decision)}
          />
        </section>
      ) : (
        <form className="form" onSubmit={lookUp} noValidate>
          <div className="field">
            <label htmlFor={`${id}-code`}>Pairing code</label>
            <input
              id={`${id}-code`}
              type="text"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              aria-describedby={`${id}-hint`}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
            <span id={`${id}-hint`} className="hint">
              The code the new device shows. You will confirm with your passkey before you see the
              device.
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
      )}
      <p role="status" className={message?.tone === 'success' ? 'success' : 'error'}>
        {message?.text}
      </p>
    </section>
  );
}
