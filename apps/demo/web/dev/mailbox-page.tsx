import { useEffect, useState } from 'react';
import { Page } from '../layout/page.js';

interface MailboxEntry {
  id: number;
  to: string;
  subject: string;
  template: string;
  link: string | null;
}

type Loaded =
  | { status: 'loading' }
  | { status: 'ready'; messages: MailboxEntry[] }
  | { status: 'off' };

/**
 * The development mailbox: every email the demo has sent since it started,
 * newest first, with its link. The server offers it only outside production
 * and without `SMTP_URL`.
 *
 * @example
 * <MailboxPage />
 */
export function MailboxPage() {
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    void round;
    let live = true;
    void fetch('/api/dev/mailbox', { credentials: 'same-origin' })
      .then(async (response) => {
        if (!response.ok) return { status: 'off' } as const;
        const body = (await response.json()) as { messages: MailboxEntry[] };
        return { status: 'ready', messages: body.messages } as const;
      })
      .catch(() => ({ status: 'off' }) as const)
      .then((next) => {
        if (live) setLoaded(next);
      });
    return () => {
      live = false;
    };
  }, [round]);

  return (
    <Page
      title="Mailbox"
      intro="Development only: the emails the demo sent, kept in memory instead of being delivered. Set SMTP_URL to send them for real."
    >
      <section
        className="panel"
        aria-labelledby="mailbox-title"
        aria-busy={loaded.status === 'loading'}
      >
        <h2 id="mailbox-title">Sent mail</h2>
        {loaded.status === 'loading' ? (
          <p role="status">Loading…</p>
        ) : loaded.status === 'off' ? (
          <p role="status">There is no development mailbox on this server.</p>
        ) : loaded.messages.length === 0 ? (
          <p role="status">No mail yet.</p>
        ) : (
          <ul className="mailbox">
            {loaded.messages.map((message) => (
              <li key={message.id}>
                <p>
                  <strong>{message.subject}</strong>
                  <br />
                  To: {message.to}
                </p>
                {message.link && (
                  <p>
                    <a href={message.link}>{message.link}</a>
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button type="button" className="button-secondary" onClick={() => setRound((n) => n + 1)}>
            Refresh
          </button>
        </div>
      </section>
    </Page>
  );
}
