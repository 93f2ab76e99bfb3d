'use client';
import type { EmailVerifyResponse, LatchkeyError } from '@latchkey/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSessionStore } from '../hooks/use-latchkey-client.js';

/**
 * `verifying` → `signed-in` (a sign-in link) | `verified` (an address-verification
 * link) | `confirm` (a sign-in link opened in another browser than the one that
 * asked for it: call `confirm()` once the person agrees) | `error`. `idle` without a token.
 */
export type EmailLinkStatus = 'idle' | 'verifying' | 'confirm' | 'signed-in' | 'verified' | 'error';

export interface EmailLinkState {
  status: EmailLinkStatus;
  /** The server's answer once the link worked. */
  data: EmailVerifyResponse | null;
  /** `LINK_INVALID` (used, expired or unknown), or any other failure. */
  error: LatchkeyError | null;
  /** After `confirm`: sign in on this browser anyway. */
  confirm(): Promise<void>;
}

/**
 * Opens an email link: posts its token to `POST /email/verify` once (a link
 * works only once, so StrictMode's second effect does not post it again), and
 * on a sign-in refreshes the session (kind `email`: it may add a passkey and
 * nothing else until it has). A link opened in another browser answers
 * `LINK_CONFIRM_REQUIRED` without being used: the state becomes `confirm`, and
 * `confirm()` signs in here. The device key of `lockedSessions()`, if any, binds
 * the session.
 *
 * @example
 * const link = useEmailLink(takeEmailLinkToken());
 * if (link.status === 'confirm') return <button onClick={link.confirm}>Sign in here</button>;
 */
export function useEmailLink(token: string | null): EmailLinkState {
  const store = useSessionStore();
  const [state, setState] = useState<Omit<EmailLinkState, 'confirm'>>({
    status: token ? 'verifying' : 'idle',
    data: null,
    error: null,
  });
  const posted = useRef<string | null>(null);

  const verify = useCallback(
    async (linkToken: string, confirm: boolean) => {
      setState({ status: 'verifying', data: null, error: null });
      const popKey = await store.popKey();
      const result = await store.client.emailVerify({
        token: linkToken,
        ...(confirm ? { confirm: true } : {}),
        ...(popKey ? { popKey } : {}),
      });
      if (result.error) {
        setState({
          status: result.error.code === 'LINK_CONFIRM_REQUIRED' ? 'confirm' : 'error',
          data: null,
          error: result.error,
        });
        return;
      }
      // Either kind may change what the session shows: a new session, or a verified address.
      await store.changed(null);
      setState({
        status: result.data.session ? 'signed-in' : 'verified',
        data: result.data,
        error: null,
      });
    },
    [store],
  );

  useEffect(() => {
    if (!token || posted.current === token) return;
    posted.current = token;
    void verify(token, false);
  }, [token, verify]);

  const confirm = useCallback(async () => {
    if (token && state.status === 'confirm') await verify(token, true);
  }, [token, state.status, verify]);

  return { ...state, confirm };
}

/**
 * The token of an email link, read from the address bar's fragment (`#token=…`,
 * where the server puts it so that no server log or `Referer` sees it) and
 * removed from it, so a reload or a shared screenshot does not carry it.
 * `null` when there is none.
 *
 * @example
 * const [token] = useState(takeEmailLinkToken);
 */
export function takeEmailLinkToken(): string | null {
  if (typeof window === 'undefined') return null;
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token === null) return null;
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', pathname + search);
  return token;
}
