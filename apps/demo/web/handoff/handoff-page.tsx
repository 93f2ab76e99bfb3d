import { useLatchkeyClient, useStepUp } from '@latchkey/react';
import { signedFetch } from '@latchkey/react/locked';
import { useEffect, useId, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { Page } from '../layout/page.js';
import { RequireSession } from '../layout/require-session.js';

/**
 * `/handoff`: open this account on another address of the demo (another port on
 * 127.0.0.1, a LAN name, a tunnel) without signing in there again.
 *
 * @example
 * <HandoffPage />
 */
export function HandoffPage() {
  return (
    <Page
      title="Open elsewhere"
      intro="Open this account on another address of this app, such as a tunnel or a second port, without a passkey there: a one-time link, valid for 60 seconds, carries your sign-in across. Each address keeps its own session."
    >
      <RequireSession>
        <HandoffTargets />
      </RequireSession>
    </Page>
  );
}

/**
 * The demo's other origins (`GET /api/handoff-targets`, less this one), each with
 * a button that asks for a handoff link (`POST /auth/handoff {audience}`,
 * after a passkey confirmation on a locked account) and follows it.
 *
 * @example
 * <HandoffTargets />
 */
export function HandoffTargets() {
  const client = useLatchkeyClient();
  const { withStepUp } = useStepUp();
  const id = useId();
  const [targets, setTargets] = useState<string[] | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        // signedFetch: a locked session's API calls carry a proof signed by the device key.
        const response = await signedFetch('/api/handoff-targets', {
          headers: { accept: 'application/json' },
        });
        const body = (await response.json()) as {
          origins?: string[];
          error?: { code: 'UNAUTHENTICATED' };
        };
        if (!live) return;
        if (body.error || !body.origins)
          setError(describeError(body.error ?? { code: 'INTERNAL_ERROR' }));
        else setTargets(body.origins.filter((origin) => origin !== window.location.origin));
      } catch {
        if (live) setError(describeError({ code: 'NETWORK_ERROR' }));
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  const open = async (audience: string) => {
    if (pending) return;
    setPending(audience);
    setError(null);
    // A locked account confirms with its passkey first (`STEP_UP_REQUIRED`).
    const result = await withStepUp(() => client.handoff({ audience }));
    if (result.error) {
      setPending(null);
      setError(describeError(result.error));
      return;
    }
    // The token rides in the fragment, which the browser never sends to a server.
    window.location.assign(result.data.url);
  };

  return (
    <section
      className="panel"
      aria-labelledby={`${id}-title`}
      aria-busy={targets === null || pending !== null}
    >
      <h2 id={`${id}-title`}>Other addresses of this app</h2>
      {targets === null && !error && <p className="muted">Loading…</p>}
      {targets?.length === 0 && (
        <p>
          This demo answers on one address only. Start it with{' '}
          <code>LATCHKEY_HANDOFF_PORT=3001</code> to add <code>http://127.0.0.1:3001</code>, or list
          a tunnel in <code>LATCHKEY_ORIGINS</code>.
        </p>
      )}
      {targets && targets.length > 0 && (
        <ul className="session-list">
          {targets.map((origin) => (
            <li key={origin}>
              <div>
                <strong>{origin}</strong>
                <div className="muted">
                  A separate origin: its own cookies, so its own session once you arrive.
                </div>
              </div>
              <button
                type="button"
                className="button-primary"
                aria-disabled={pending !== null || undefined}
                onClick={() => void open(origin)}
              >
                {pending === origin ? 'Opening…' : `Open this account on ${new URL(origin).host}`}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p role="status" className="error">
        {error}
      </p>
    </section>
  );
}
