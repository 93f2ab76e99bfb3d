'use client';
import type { LatchkeyError } from '@latchkey/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { passkeyName } from '../internal/passkey-name.js';
import { useSessionStore } from './use-latchkey-client.js';

/**
 * `idle` → `starting` → `pending` (show the code) → `approved` (this device may
 * now enrol a passkey) | `denied` | `expired`; `error` when the server refused.
 */
export type PairingState =
  | 'idle'
  | 'starting'
  | 'pending'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'error';

export interface UsePairingOptions {
  /** Milliseconds between status polls (default 2000). */
  interval?: number;
}

export interface UsePairingResult {
  status: PairingState;
  /** The code to type on the trusted device, while `pending`. */
  code: string | null;
  expiresAt: string | null;
  error: LatchkeyError | null;
  /** Asks to pair; the name the trusted device sees defaults to "Browser on OS". */
  start: (options?: { deviceName?: string }) => Promise<void>;
  /** Stops polling and goes back to `idle`. */
  cancel: () => void;
}

/**
 * Pairs this device with a trusted one: shows a code, waits for the trusted
 * device to approve it, after which this device holds an enrol-only session
 * and can create its passkey (`useEnrolPasskey`).
 *
 * @example
 * const pairing = usePairing();
 * if (pairing.status === 'pending') return <p>Enter {pairing.code} on your other device</p>;
 * if (pairing.status === 'approved') return <PasskeyEnrolButton />;
 */
export function usePairing({ interval = 2000 }: UsePairingOptions = {}): UsePairingResult {
  const store = useSessionStore();
  const [state, setState] = useState<Omit<UsePairingResult, 'start' | 'cancel'>>({
    status: 'idle',
    code: null,
    expiresAt: null,
    error: null,
  });
  const run = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const cancel = useCallback(() => {
    run.current++;
    clearTimeout(timer.current);
    setState({ status: 'idle', code: null, expiresAt: null, error: null });
  }, []);

  useEffect(
    () => () => {
      run.current++;
      clearTimeout(timer.current);
    },
    [],
  );

  const start = useCallback(
    async ({ deviceName }: { deviceName?: string } = {}) => {
      const id = ++run.current;
      clearTimeout(timer.current);
      setState({ status: 'starting', code: null, expiresAt: null, error: null });
      const started = await store.client.startPairing({
        deviceName: passkeyName(deviceName),
      });
      if (id !== run.current) return;
      if (started.error) {
        setState({ status: 'error', code: null, expiresAt: null, error: started.error });
        return;
      }
      const { pairingId, code, expiresAt } = started.data;
      setState({ status: 'pending', code, expiresAt, error: null });
      // A locked account's paired session is bound to this browser's device key.
      const popKey = await store.popKey();
      const headers = popKey ? { 'latchkey-pop-key': JSON.stringify(popKey) } : undefined;

      const poll = async () => {
        if (id !== run.current) return;
        const result = await store.client.pairingStatus({ pairingId }, { headers });
        if (id !== run.current) return;
        if (result.error) {
          const { code: errorCode } = result.error;
          const transient =
            errorCode === 'NETWORK_ERROR' ||
            errorCode === 'RATE_LIMITED' ||
            errorCode === 'STORE_UNAVAILABLE' ||
            errorCode === 'REQUEST_TIMEOUT';
          if (transient && Date.parse(expiresAt) > Date.now()) {
            // The server decides expiry; our clock only ends the wait when it cannot be asked.
            timer.current = setTimeout(poll, interval);
          } else if (transient || errorCode === 'NOT_FOUND') {
            setState({ status: 'expired', code: null, expiresAt, error: null });
          } else {
            setState({ status: 'error', code: null, expiresAt, error: result.error });
          }
          return;
        }
        const { status } = result.data;
        if (status === 'pending') {
          timer.current = setTimeout(poll, interval);
          return;
        }
        // Approved: the answer set an enrol-only session cookie; let the session show it.
        if (status === 'approved') await store.refresh();
        if (id === run.current) setState({ status, code: null, expiresAt, error: null });
      };
      timer.current = setTimeout(poll, interval);
    },
    [store, interval],
  );

  return { ...state, start, cancel };
}
