import type {
  HandoffPreviewResponse,
  LatchkeyError,
  LatchkeyResult,
  SignedInResponse,
  User,
} from '@latchkey/core';
import { type SessionStore, useSession, useSessionStore } from '@latchkey/react';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { navigate, usePath } from '../navigation/use-location.js';
import { takeHandoffToken } from './take-handoff-token.js';

type Landing =
  | { status: 'checking' }
  | { status: 'confirm'; who: string; current: string; token: string }
  | { status: 'signed-in'; who: string; path: string }
  | { status: 'stayed'; current: string; path: string }
  | { status: 'failed'; error: LatchkeyError; path: string };

const nameOf = (user: Pick<User, 'email' | 'displayName'> | null) =>
  user?.email ?? user?.displayName ?? 'your account';

// One preview and at most one exchange per page load: the token works once, and React's
// development double effects must not spend it twice.
let preview: Promise<LatchkeyResult<HandoffPreviewResponse>> | null = null;
let exchange: Promise<LatchkeyResult<SignedInResponse>> | null = null;
function previewOnce(store: SessionStore, token: string) {
  preview ??= store.client.previewHandoff({ token });
  return preview;
}
function exchangeOnce(store: SessionStore, token: string, replace: boolean) {
  exchange ??= (async () => {
    // The device key binds the new session: an account on the locked tier needs it.
    const popKey = await store.popKey();
    return store.client.exchangeHandoff({
      token,
      ...(popKey ? { popKey } : {}),
      ...(replace ? { replace: true } : {}),
    });
  })();
  return exchange;
}

/**
 * The receiving end of a handoff: when the page was opened with
 * `#latchkey-handoff=<token>`, it first asks whose link it is
 * (`POST /auth/handoff/preview`). A browser signed in here to another account
 * is asked "Continue as ada@…?" and switches only when the person says so (a
 * link someone else made must never silently swap accounts); otherwise it
 * trades the token for this origin's own session (`POST /auth/handoff/exchange`,
 * from this origin, which the token's `aud` must name) and names the account.
 * A used, expired or foreign link says so. Renders nothing on an ordinary page
 * load, and goes away on the next navigation.
 *
 * @example
 * <main><HandoffLanding /><CurrentPage /></main>
 */
export function HandoffLanding() {
  const store = useSessionStore();
  const { refresh } = useSession();
  const path = usePath();
  const [landing, setLanding] = useState<Landing | null>(() =>
    takeHandoffToken() ? { status: 'checking' } : null,
  );

  const finish = useCallback(
    async (token: string, replace: boolean, live: () => boolean) => {
      const result = await exchangeOnce(store, token, replace);
      if (result.error) {
        if (live())
          setLanding({ status: 'failed', error: result.error, path: window.location.pathname });
        return;
      }
      await refresh();
      if (!live()) return;
      navigate('/account', { replace: true });
      setLanding({ status: 'signed-in', who: nameOf(result.data.user), path: '/account' });
    },
    [store, refresh],
  );

  useEffect(() => {
    const token = takeHandoffToken();
    if (!token) return;
    let live = true;
    void previewOnce(store, token).then(async (result) => {
      if (result.error) {
        if (live)
          setLanding({ status: 'failed', error: result.error, path: window.location.pathname });
        return;
      }
      if (result.data.conflict) {
        const current = store.getSnapshot().user ?? (await store.refresh()).data?.user ?? null;
        if (live)
          setLanding({
            status: 'confirm',
            who: nameOf(result.data.user),
            current: nameOf(current),
            token,
          });
        return;
      }
      await finish(token, false, () => live);
    });
    return () => {
      live = false;
    };
  }, [store, finish]);

  if (landing?.status === 'confirm') {
    const { who, current, token } = landing;
    return (
      <section
        className="panel panel-attention handoff-landing"
        aria-labelledby="handoff-confirm-title"
        data-testid="handoff-landing"
      >
        <h2 id="handoff-confirm-title">Continue as {who}?</h2>
        <p>
          This link signs this browser in as <strong>{who}</strong>. Here you are signed in as{' '}
          <strong>{current}</strong>; continuing signs that account out on this address. Only
          continue if you asked for this link yourself.
        </p>
        <div className="actions">
          <button
            type="button"
            className="button-primary"
            onClick={() => {
              setLanding({ status: 'checking' });
              void finish(token, true, () => true);
            }}
          >
            Continue as {who}
          </button>
          <button
            type="button"
            onClick={() =>
              setLanding({ status: 'stayed', current, path: window.location.pathname })
            }
          >
            Stay signed in as {current}
          </button>
        </div>
      </section>
    );
  }
  if (!landing || (landing.status !== 'checking' && landing.path !== path)) return null;
  if (landing.status === 'stayed') {
    return (
      <p role="status" className="panel handoff-landing" data-testid="handoff-landing">
        You are still signed in as {landing.current}. The link was not used.
      </p>
    );
  }
  if (landing.status === 'checking') {
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
