import type {
  LatchkeyClient,
  LatchkeyError,
  LatchkeyResult,
  SignedInResponse,
} from '@latchkey/core';
import { useLatchkeyClient, useSession } from '@latchkey/react';
import { useEffect, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { navigate, usePath } from '../navigation/use-location.js';
import { takeHandoffToken } from './take-handoff-token.js';

type Landing =
  | { status: 'exchanging' }
  | { status: 'signed-in'; who: string; path: string }
  | { status: 'failed'; error: LatchkeyError; path: string };

// One exchange per page load: the token works once, and React's development double
// effects must not spend it twice.
let exchange: Promise<LatchkeyResult<SignedInResponse>> | null = null;
function exchangeOnce(client: LatchkeyClient, token: string) {
  exchange ??= client.exchangeHandoff({ token });
  return exchange;
}

/**
 * The receiving end of a handoff: when the page was opened with
 * `#latchkey-handoff=<token>`, it trades the token for this origin's own session
 * (`POST /auth/handoff/exchange`, from this origin, which the token's `aud` must
 * name), then shows the account. A used, expired or foreign link says so. Renders
 * nothing on an ordinary page load, and goes away on the next navigation.
 *
 * @example
 * <main><HandoffLanding /><CurrentPage /></main>
 */
export function HandoffLanding() {
  const client = useLatchkeyClient();
  const { refresh } = useSession();
  const path = usePath();
  const [landing, setLanding] = useState<Landing | null>(() =>
    takeHandoffToken() ? { status: 'exchanging' } : null,
  );

  useEffect(() => {
    const token = takeHandoffToken();
    if (!token) return;
    let live = true;
    void exchangeOnce(client, token).then(async (result) => {
      if (result.error) {
        if (live)
          setLanding({ status: 'failed', error: result.error, path: window.location.pathname });
        return;
      }
      await refresh();
      if (!live) return;
      const { user } = result.data;
      navigate('/account', { replace: true });
      setLanding({
        status: 'signed-in',
        who: user.email ?? user.displayName ?? 'your account',
        path: '/account',
      });
    });
    return () => {
      live = false;
    };
  }, [client, refresh]);

  if (!landing || (landing.status !== 'exchanging' && landing.path !== path)) return null;
  if (landing.status === 'exchanging') {
    return (
      <p role="status" className="panel handoff-landing" data-testid="handoff-landing">
        Opening your account on this address…
      </p>
    );
  }
  if (landing.status === 'signed-in') {
    return (
      <p role="status" className="panel handoff-landing success" data-testid="handoff-landing">
        You are signed in on this address too, as {landing.who}. The link you followed has now been
        used, and cannot open another session.
      </p>
    );
  }
  return (
    <div
      role="alert"
      className="panel panel-attention handoff-landing"
      data-testid="handoff-landing"
    >
      <p className="error">{describeError(landing.error)}</p>
      <p className="muted">The server said: {landing.error.message}</p>
    </div>
  );
}
