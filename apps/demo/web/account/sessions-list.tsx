import type { SessionInfo } from '@latchkey/core';
import { useLatchkeyClient, useSession } from '@latchkey/react';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { formatDateTime } from '../formatting/format-date-time.js';
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
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; tone: 'error' | 'success' } | null>(null);

  const load = useCallback(async () => {
    const result = await client.listSessions();
    if (result.error) setMessage({ text: describeError(result.error), tone: 'error' });
    else setSessions(result.data.sessions);
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (session: SessionInfo) => {
    if (busy) return;
    setBusy(session.id);
    setMessage(null);
    const result = await client.revokeSession({ id: session.id });
    setBusy(null);
    if (result.error) {
      setMessage({ text: describeError(result.error), tone: 'error' });
      return;
    }
    if (session.current) {
      await refreshSession();
      navigate('/sign-in');
      return;
    }
    setMessage({ text: `Signed out ${describeDevice(session)}.`, tone: 'success' });
    await load();
  };

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
