'use client';
import type { LatchkeyClient, LatchkeyError, PopPublicKey } from '@latchkey/core';
import type { LatchkeyExtension } from '../client/latchkey-extension.js';
import { defaultDeviceKeyStore } from './device-key/default-device-key-store.js';
import { loadDeviceKey } from './device-key/device-key.js';
import type { DeviceKeyStore } from './device-key/device-key-store.js';
import { provePossession } from './proof/prove-possession.js';
import { createSignedFetch } from './proof/signed-fetch.js';

export interface LockedSessionsOptions {
  /** Where the device key lives (default: IndexedDB, one key per origin). */
  keyStore?: DeviceKeyStore;
  /**
   * How long to wait before trying again after a proof failed for a passing
   * reason (the network, a rate limit, a busy store). Default 10 000 ms.
   */
  retryDelay?: number;
  /**
   * A proof was refused for good: the browser has no key for this session
   * (`POP_INVALID`) or the session ended. The session stops working once its
   * last proof is older than the server's `pop.maxAge`.
   */
  onProofFailed?: (error: LatchkeyError) => void;
}

/** Codes after which proving again cannot help. */
const FINAL = new Set(['POP_INVALID', 'FORBIDDEN', 'UNAUTHENTICATED']);

/**
 * Locked sessions for `LatchkeyProvider`: at sign-in and sign-up the browser
 * sends the public half of a non-extractable ECDSA P-256 device key (made once
 * per origin with Web Crypto and kept in IndexedDB), and the server binds the
 * session to it. Every request of the provider's client (with `baseUrl`) then
 * carries a `Latchkey-Proof` header signed by the key, which the server checks,
 * so a copied cookie without the key is refused at once; send your own API
 * calls with `signedFetch`. For page loads and streams, which cannot sign, a
 * locked session also proves possession at once and then every half
 * `pop.maxAge` (from the server's `nextProofBy`), and again when a request
 * answers `POP_REQUIRED`.
 *
 * When the browser cannot keep a key (no IndexedDB), sessions are not bound:
 * accounts on the `locked` tier then cannot sign in here (`POP_REQUIRED`).
 *
 * @example
 * import { lockedSessions } from '@latchkey/react/locked';
 * <LatchkeyProvider baseUrl="/auth" extensions={[lockedSessions()]}>
 *   <App />
 * </LatchkeyProvider>
 */
export function lockedSessions(options: LockedSessionsOptions = {}): LatchkeyExtension {
  const retryDelay = options.retryDelay ?? 10_000;
  if (!Number.isFinite(retryDelay) || retryDelay < 0)
    throw new TypeError('lockedSessions: retryDelay must be a number of milliseconds');
  const keyStore = (): DeviceKeyStore => options.keyStore ?? defaultDeviceKeyStore();
  // Tabs and effects that prove at the same moment share one flight.
  let inFlight: ReturnType<typeof provePossession> | null = null;
  const prove = (client: LatchkeyClient) => {
    inFlight ??= provePossession(client, keyStore()).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return {
    async popKey(): Promise<PopPublicKey | undefined> {
      try {
        return (await loadDeviceKey(keyStore(), { create: true }))?.publicJwk;
      } catch {
        // No IndexedDB (some private modes, a server render): do not bind the session.
        return undefined;
      }
    },

    onSession({ client, session }) {
      if (!session.locked) return;
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let interval = 0;
      let lastProof = 0;

      const run = async () => {
        clearTimeout(timer);
        const result = await prove(client);
        if (stopped) return;
        if (result.data) {
          lastProof = Date.now();
          // The server's own clock says how long a proof lasts (pop.maxAge); prove at
          // half of it so one late or lost proof never lets the session lapse.
          const lasts = Date.parse(result.data.nextProofBy) - Date.parse(result.data.provenAt);
          interval = Math.max(1_000, lasts / 2);
          timer = setTimeout(run, interval);
        } else if (FINAL.has(result.error.code)) {
          options.onProofFailed?.(result.error);
        } else {
          timer = setTimeout(run, interval ? Math.min(retryDelay, interval) : retryDelay);
        }
      };

      // Background tabs have their timers throttled; prove when the page is back in view.
      const onVisible = () => {
        if (
          document.visibilityState === 'visible' &&
          interval &&
          Date.now() - lastProof >= interval
        )
          void run();
      };
      const doc = typeof document === 'undefined' ? null : document;
      doc?.addEventListener('visibilitychange', onVisible);
      void run();
      return () => {
        stopped = true;
        clearTimeout(timer);
        doc?.removeEventListener('visibilitychange', onVisible);
      };
    },

    // Every request of the provider's client carries a request proof: the server
    // refuses a locked session's request without one, so a copied cookie is useless.
    fetch(next) {
      return createSignedFetch({ keyStore: options.keyStore, fetch: next });
    },

    async onPopRequired(client) {
      const result = await prove(client);
      if (result.error && FINAL.has(result.error.code)) options.onProofFailed?.(result.error);
      return result.data !== null;
    },
  };
}
