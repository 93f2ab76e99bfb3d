'use client';
import { LatchkeyError, type LatchkeyResult } from '@latchkey/core';
import type { SessionStore } from '../../client/session-store.js';
import { detectPrfSupport, type PrfSupport } from './detect-prf-support.js';
import {
  decryptEnvelope,
  decryptEnvelopeText,
  type EnvelopeOptions,
  encryptEnvelope,
} from './envelope.js';
import {
  enrolPasskeyWrapping,
  type PasskeyKeyUnlocked,
  unlockWithPasskey,
} from './passkey-key-ceremonies.js';

/**
 * - `checking`: reading what the browser and the account's passkeys can do;
 * - `signed-out`: no session, nothing to unlock;
 * - `unsupported`: the browser cannot evaluate PRF, or no passkey of the user
 *   on this site can (see `reason`);
 * - `locked`: `unlock()` asks a passkey for the key;
 * - `unlocking`: that ceremony is running;
 * - `unlocked`: `encrypt` and `decrypt` work.
 */
export type PasskeyKeyStatus =
  | 'checking'
  | 'signed-out'
  | 'unsupported'
  | 'locked'
  | 'unlocking'
  | 'unlocked';

/** One of the user's passkeys on this site, as far as derived keys go. */
export interface PasskeyKeyPasskey {
  readonly credentialId: string;
  /** It can give PRF outputs (it said so when it was created). */
  readonly prf: boolean;
  /** It holds a wrapped copy of the data key: it unlocks the data. */
  readonly wrapped: boolean;
}

export interface PasskeyKeySnapshot {
  readonly status: PasskeyKeyStatus;
  /** Why `unsupported`: `browser` (no PRF here) or `no-prf-passkey` (none of the user's). */
  readonly reason: 'browser' | 'no-prf-passkey' | null;
  readonly passkeys: readonly PasskeyKeyPasskey[];
  /** No passkey holds the data key yet: the first unlock makes it. */
  readonly firstUnlock: boolean;
  /** PRF-capable passkeys that do not unlock the data yet: candidates for `enrolWrapping`. */
  readonly enrollable: readonly string[];
  /** The passkey that unlocked, while `unlocked`. */
  readonly credentialId: string | null;
  /** `enrolWrapping` is running. */
  readonly enrolling: boolean;
  /** What the last action or check failed with. */
  readonly error: LatchkeyError | null;
}

/** A framework-free store for the user's passkey-derived data key (`usePasskeyKey` reads it). */
export interface PasskeyKeyStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): PasskeyKeySnapshot;
  /** Always `checking`: a server knows nothing of the browser's keys. */
  getServerSnapshot(): PasskeyKeySnapshot;
  /** Reads the account's passkeys again (`GET /prf`). */
  refresh(): Promise<void>;
  /** One passkey ceremony (also a step-up) that unlocks, or on first use makes, the data key. */
  unlock(): Promise<LatchkeyResult<{ credentialId: string; created: boolean }>>;
  /** Wraps the unlocked data key for another PRF-capable passkey. Unlock first. */
  enrolWrapping(options?: {
    credentialId?: string;
  }): Promise<LatchkeyResult<{ credentialId: string }>>;
  /** Forgets the data key in this page (it stays wrapped on the server). */
  lock(): void;
  /** `v2.<iv>.<ciphertext>`, bound to `aad` when given. Rejects with a `TypeError` while locked. */
  encrypt(plaintext: string | Uint8Array, options?: EnvelopeOptions): Promise<string>;
  /** Rejects with a `TypeError` while locked; a bad envelope (or another `aad`) is `DECRYPTION_FAILED`. */
  decrypt(envelope: string, options?: EnvelopeOptions): Promise<LatchkeyResult<Uint8Array>>;
  decryptText(envelope: string, options?: EnvelopeOptions): Promise<LatchkeyResult<string>>;
  destroy(): void;
}

export interface PasskeyKeyStoreOptions {
  /** Capability detection (default `detectPrfSupport`). */
  detect?: () => Promise<PrfSupport>;
}

const CHECKING: PasskeyKeySnapshot = Object.freeze({
  status: 'checking',
  reason: null,
  passkeys: [],
  firstUnlock: false,
  enrollable: [],
  credentialId: null,
  enrolling: false,
  error: null,
});

/**
 * Creates the store behind `usePasskeyKey()` for a session store. The data key
 * lives only in this page's memory: signing out, another account signing in,
 * or `lock()` forgets it, and `unlock()` brings the same key back from any
 * passkey it was wrapped for.
 *
 * Losing every passkey that holds a wrapped key loses the data key, and with
 * it everything encrypted with it: the server cannot recover it.
 *
 * @example
 * const keys = createPasskeyKeyStore(sessionStore);
 * await keys.unlock();
 * const envelope = await keys.encrypt('Dear diary');
 */
export function createPasskeyKeyStore(
  sessions: SessionStore,
  options: PasskeyKeyStoreOptions = {},
): PasskeyKeyStore {
  const detect = options.detect ?? detectPrfSupport;
  const listeners = new Set<() => void>();
  let snapshot = CHECKING;
  // The unlocked key: a non-extractable working copy, and what rewraps it for another passkey.
  let unlocked: PasskeyKeyUnlocked | null = null;
  let userId: string | null = null;
  let unsubscribe: (() => void) | null = null;
  let loadId = 0;

  function set(patch: Partial<PasskeyKeySnapshot>) {
    snapshot = { ...snapshot, ...patch };
    for (const listener of [...listeners]) listener();
  }

  function forget() {
    unlocked = null;
  }

  async function load(): Promise<void> {
    const id = ++loadId;
    const support = await detect();
    if (id !== loadId) return;
    if (support === 'unavailable') {
      set({ status: 'unsupported', reason: 'browser', error: null });
      return;
    }
    const info = await sessions.client.prfKeys();
    if (id !== loadId) return;
    if (info.error) {
      set({ status: unlocked ? 'unlocked' : 'locked', error: info.error });
      return;
    }
    const passkeys = info.data.keys.map((k) => ({
      credentialId: k.credentialId,
      prf: k.prf,
      wrapped: k.wrappedKey !== null,
    }));
    const capable = passkeys.filter((k) => k.prf);
    set({
      status: capable.length === 0 ? 'unsupported' : unlocked ? 'unlocked' : 'locked',
      reason: capable.length === 0 ? 'no-prf-passkey' : null,
      passkeys,
      firstUnlock: !passkeys.some((k) => k.wrapped),
      enrollable: capable.filter((k) => !k.wrapped).map((k) => k.credentialId),
      error: null,
    });
  }

  function onSession() {
    const session = sessions.getSnapshot();
    if (session.status === 'loading') return;
    const next = session.status === 'authenticated' ? session.user.id : null;
    if (next === userId && snapshot !== CHECKING) return;
    // Another account, or none: the key in memory belongs to someone else.
    forget();
    userId = next;
    if (next === null) {
      loadId++;
      set({ ...CHECKING, status: 'signed-out' });
    } else {
      set(CHECKING);
      void load();
    }
  }

  function requireKey(action: string): PasskeyKeyUnlocked {
    if (!unlocked) throw new TypeError(`${action}: unlock the passkey key first`);
    return unlocked;
  }

  const store: PasskeyKeyStore = {
    subscribe(listener) {
      listeners.add(listener);
      if (!unsubscribe) {
        unsubscribe = sessions.subscribe(onSession);
        onSession();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          unsubscribe?.();
          unsubscribe = null;
        }
      };
    },
    getSnapshot: () => snapshot,
    getServerSnapshot: () => CHECKING,
    refresh: load,
    async unlock() {
      const before = snapshot.status;
      set({ status: 'unlocking', error: null });
      const owner = userId;
      const result = await unlockWithPasskey(sessions.client, sessions.coordinator);
      if (owner !== userId) {
        // Signed out (or someone else signed in) during the ceremony: keep nothing.
        if (result.error) return result;
        return {
          data: null,
          error: new LatchkeyError('UNAUTHENTICATED', 'The account changed during the ceremony', {
            status: 0,
          }),
        };
      }
      if (result.error) {
        set({ status: before === 'unlocked' ? 'unlocked' : 'locked', error: result.error });
        return result;
      }
      unlocked = result.data;
      set({ status: 'unlocked', credentialId: result.data.credentialId });
      // The ceremony was a step-up: the session is elevated (and has a new id).
      await Promise.all([sessions.refresh(), load()]);
      return {
        data: { credentialId: result.data.credentialId, created: result.data.created },
        error: null,
      };
    },
    async enrolWrapping(enrolOptions) {
      const key = requireKey('enrolWrapping');
      set({ enrolling: true, error: null });
      const result = await enrolPasskeyWrapping(
        sessions.client,
        sessions.coordinator,
        key,
        enrolOptions,
      );
      set({ enrolling: false, error: result.error });
      if (result.data) await Promise.all([sessions.refresh(), load()]);
      return result;
    },
    lock() {
      forget();
      if (snapshot.status === 'unlocked') set({ status: 'locked', credentialId: null });
    },
    // async: misuse rejects the promise rather than throwing at the call.
    encrypt: async (plaintext, o) => encryptEnvelope(requireKey('encrypt').dataKey, plaintext, o),
    decrypt: async (envelope, o) => decryptEnvelope(requireKey('decrypt').dataKey, envelope, o),
    decryptText: async (envelope, o) =>
      decryptEnvelopeText(requireKey('decryptText').dataKey, envelope, o),
    destroy() {
      listeners.clear();
      unsubscribe?.();
      unsubscribe = null;
      forget();
    },
  };
  return store;
}
