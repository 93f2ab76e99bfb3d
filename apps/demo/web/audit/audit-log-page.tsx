import type { AuditEvent, AuditEventType } from '@latchkey/core';
import { useLatchkeyClient } from '@latchkey/react';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { formatDateTime } from '../formatting/format-date-time.js';
import { Page } from '../layout/page.js';
import { RequireSession } from '../layout/require-session.js';

const EVENT_NAMES: Partial<Record<AuditEventType, string>> = {
  'user.created': 'Account created',
  'passkey.registered': 'Passkey added',
  'passkey.renamed': 'Passkey renamed',
  'passkey.revoked': 'Passkey removed',
  'passkey.approved': 'New device’s passkey approved',
  'passkey.denied': 'New device’s passkey refused',
  'signin.succeeded': 'Signed in',
  'signin.failed': 'Sign-in failed',
  'counter.regression': 'Possible cloned passkey refused',
  'session.elevated': 'Confirmed with a passkey',
  'session.revoked': 'Session ended',
  signout: 'Signed out',
  'recovery.codes_generated': 'New recovery codes made',
  'recovery.used': 'Recovery code used',
  'recovery.failed': 'Wrong recovery code',
  'pairing.requested': 'A new device asked to pair',
  'pairing.approved': 'New device approved',
  'pairing.denied': 'New device refused',
  'token.created': 'Token created',
  'token.revoked': 'Token revoked',
  'token.used': 'Token used',
  'device.approved': 'Command-line sign-in approved',
  'device.denied': 'Command-line sign-in refused',
  'handoff.issued': 'Sign-in handed to another address',
  'handoff.exchanged': 'Sign-in handoff used',
  'tier.changed': 'Security level changed',
  'pop.failed': 'Device key check failed',
  'rate.limited': 'Too many attempts',
};

/**
 * The account's security events, newest first, from `GET /auth/audit`.
 *
 * @example
 * <AuditLogPage />
 */
export function AuditLogPage() {
  return (
    <Page
      title="Audit log"
      intro="Security events on your account, newest first: sign-ins, passkeys added, renamed or removed, recovery codes used and sessions ended."
    >
      <RequireSession>
        <AuditTable />
      </RequireSession>
    </Page>
  );
}

function AuditTable() {
  const client = useLatchkeyClient();
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await client.audit();
    if (result.error) setError(describeError(result.error));
    else {
      setError(null);
      setEvents(result.data.events);
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="panel" aria-labelledby="audit-title" aria-busy={events === null && !error}>
      <div className="section-heading">
        <h2 id="audit-title">Events</h2>
        <button type="button" className="button-secondary" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <p role="status" className="error">
        {error}
      </p>
      {events === null && !error && <p className="muted">Loading…</p>}
      {events && events.length === 0 && <p>No events yet.</p>}
      {events && events.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Security events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">From</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id} data-event-type={event.type}>
                  <td>{formatDateTime(event.at)}</td>
                  <td>{EVENT_NAMES[event.type] ?? event.type}</td>
                  <td>{event.ip ?? '—'}</td>
                  <td>
                    <EventDetails data={event.data} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function EventDetails({ data }: { data: Record<string, unknown> }) {
  const entries = Object.entries(data).filter(([, value]) => value !== null && value !== undefined);
  if (entries.length === 0) return <>—</>;
  return (
    <dl className="details">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{describeValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return shorten(value);
  // Devices are recorded as `{ browser, os, deviceType }`.
  if (typeof value === 'object' && value !== null && 'browser' in value && 'os' in value) {
    return `${String(value.browser)} on ${String(value.os)}`;
  }
  return JSON.stringify(value);
}

/** Credential ids are long; the start is enough to tell them apart. */
function shorten(value: string): string {
  return value.length > 24 ? `${value.slice(0, 12)}…${value.slice(-6)}` : value;
}
