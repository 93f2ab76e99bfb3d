import type { SessionInfo } from '@latchkey/core';
import { useLatchkeyClient, useSession } from '@latchkey/react';
import { formatDateTime } from '../formatting/format-date-time.js';
import { useRevocableList } from '../lists/use-revocable-list.js';
import { navigate } from '../navigation/use-location.js';

const KIND_NAMES: Record<SessionInfo['kind'], string> = {
  full: 'Signed in',
  recovery: 'Recovery (must add a passkey)',
  email: 'Email link (must add a passkey)',
  password: 'Signed in with a password',
  enrol: 'Paired (must add a passkey)',
};

/**
 * The account's sessions (`GET /auth/sessions`), each with a button that ends it
 * (`DELETE /auth/sessions/:id`). Ending this device's session signs it out.
 *
 * @example
 * <SessionsList />
 */
export function SessionsList() {
  const client = useLatchkeyClient();
  const { refresh: refreshSession } = useSession();
  const {
    items: sessions,
    busy,
    message,
    revoke: revokeItem,
  } = useRevocableList(
    () => client.listSessions(),
    (data) => data.sessions,
    (session) => client.revokeSession({ id: session.id }),
  );

  const revoke = (session: SessionInfo) =>
    revokeItem(session, async () => {
      if (!session.current) return `Signed out ${describeDevice(session)}.`;
      await refreshSession();
      navigate('/sign-in');
      return null;
    });

  return (
    <div aria-busy={sessions === null || busy !== null}>
      {sessions === null && !message && <p className="muted">Loading…</p>}
      {sessions && (
        <ul className="session-list">
          {sessions.map((session) => (
            <li key={session.id} data-current={session.current || undefined}>
              <div>
                <strong>{describeDevice(session)}</strong>
                {session.current && <span className="badge">This device</span>}
                <div className="muted">
                  {KIND_NAMES[session.kind]} {formatDateTime(session.createdAt)} · last seen{' '}
                  {formatDateTime(session.lastSeenAt)}
                  {session.ip ? ` · ${session.ip}` : ''}
                </div>
              </div>
              <button
                type="button"
                className="button-danger"
                aria-label={`Sign out ${describeDevice(session)}${session.current ? ' (this device)' : ''}`}
                aria-disabled={busy !== null || undefined}
                onClick={() => void revoke(session)}
              >
                Sign out
              </button>
            </li>
          ))}
        </ul>
      )}
      <p role="status" className={message?.tone === 'success' ? 'success' : 'error'}>
        {message?.text}
      </p>
    </div>
  );
}

function describeDevice(session: SessionInfo): string {
  return `${session.device.browser} on ${session.device.os}`;
}
