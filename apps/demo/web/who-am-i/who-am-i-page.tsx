import { useSession } from '@latchkey/react';
import { signedFetch } from '@latchkey/react/locked';
import { useCallback, useEffect, useState } from 'react';
import { Page } from '../layout/page.js';

interface ApiAnswer {
  status: number;
  body: unknown;
}

/**
 * Calls the demo's own protected API, `GET /api/me`, and shows its answer: who
 * the server thinks you are (from the session cookie and, for a locked session,
 * the request proof), or a 401.
 *
 * @example
 * <WhoAmIPage />
 */
export function WhoAmIPage() {
  const { session } = useSession();
  const [answer, setAnswer] = useState<ApiAnswer | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const ask = useCallback(async () => {
    setPending(true);
    setFailure(null);
    try {
      // signedFetch: a locked session's API calls carry a proof signed by the device key.
      const response = await signedFetch('/api/me', { headers: { accept: 'application/json' } });
      setAnswer({ status: response.status, body: await response.json() });
    } catch {
      setAnswer(null);
      setFailure('The server could not be reached. Check your connection and try again.');
    } finally {
      setPending(false);
    }
  }, []);

  // Ask again whenever the session changes (sign-in, sign-out, another tab).
  const sessionId = session?.id ?? null;
  useEffect(() => {
    void sessionId;
    void ask();
  }, [ask, sessionId]);

  return (
    <Page
      title="Who am I"
      intro="This page calls the demo’s own protected API, GET /api/me. The server reads your session cookie with Latchkey and answers who you are, or 401 when you are signed out."
    >
      <section className="panel" aria-labelledby="api-answer-title" aria-busy={pending}>
        <h2 id="api-answer-title">Answer{answer ? `: HTTP ${answer.status}` : ''}</h2>
        {answer && (
          <p data-testid="api-verdict">
            {answer.status === 200
              ? 'The API knows who you are.'
              : answer.status === 401
                ? 'The API does not know you: you are signed out.'
                : answer.status === 403
                  ? 'The API wants this device to have a passkey first.'
                  : 'The API answered with an error.'}
          </p>
        )}
        <pre className="json" data-testid="api-answer">
          {answer ? JSON.stringify(answer.body, null, 2) : pending ? 'Asking…' : ''}
        </pre>
        <button
          type="button"
          className="button-secondary"
          onClick={() => void ask()}
          aria-disabled={pending || undefined}
        >
          Ask again
        </button>
        <p role="status" className="error">
          {failure}
        </p>
      </section>
    </Page>
  );
}
