'use client';
import { useEffect, useState } from 'react';
import { detectWebAuthnSupport, type WebAuthnSupport } from '../client/detect-webauthn-support.js';

/** `checking` until the browser answered (always on a server), then `ready`. */
export type UseWebAuthnSupportResult = WebAuthnSupport & { status: 'checking' | 'ready' };

const CHECKING: UseWebAuthnSupportResult = {
  status: 'checking',
  webauthn: false,
  platformAuthenticator: false,
  conditionalMediation: false,
};

/**
 * What this browser can do with passkeys: WebAuthn at all, a built-in
 * (platform) authenticator, and passkeys in autofill (conditional mediation).
 *
 * @example
 * const support = useWebAuthnSupport();
 * if (support.status === 'ready' && !support.webauthn) return <p>Passkeys need a newer browser.</p>;
 */
export function useWebAuthnSupport(): UseWebAuthnSupportResult {
  const [support, setSupport] = useState(CHECKING);
  useEffect(() => {
    let live = true;
    void detectWebAuthnSupport().then((found) => {
      if (live) setSupport({ status: 'ready', ...found });
    });
    return () => {
      live = false;
    };
  }, []);
  return support;
}
