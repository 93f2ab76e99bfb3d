'use client';
import { base64urlEncode } from '@latchkey/core';
import { defaultDeviceKeyStore } from '../device-key/default-device-key-store.js';
import { type DeviceKey, loadDeviceKey } from '../device-key/device-key.js';
import type { DeviceKeyStore } from '../device-key/device-key-store.js';

/**
 * The header that carries a request proof (DESIGN, "Proof of possession").
 *
 * @example
 * headers.set(PROOF_HEADER, await requestProof(key, 'GET', '/api/me'));
 */
export const PROOF_HEADER = 'Latchkey-Proof';

/**
 * A `Latchkey-Proof` value for one request: `<iat>.<nonce>.<signature>`, the
 * device key's ECDSA P-256 / SHA-256 signature (raw r‖s, base64url) over
 * `latchkey-proof\n${METHOD}\n${pathname}\n${iat}\n${nonce}`. The server takes
 * each nonce once and an `iat` within 60 s of its clock.
 *
 * @example
 * const key = await loadDeviceKey(defaultDeviceKeyStore());
 * headers.set('Latchkey-Proof', await requestProof(key!, 'GET', '/api/me'));
 */
export async function requestProof(
  key: DeviceKey,
  method: string,
  pathname: string,
  now: number = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000);
  const nonce = base64urlEncode(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const message = `latchkey-proof\n${method.toUpperCase()}\n${pathname}\n${iat}\n${nonce}`;
  const signature = await globalThis.crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key.pair.privateKey,
    new TextEncoder().encode(message),
  );
  return `${iat}.${nonce}.${base64urlEncode(new Uint8Array(signature))}`;
}

/**
 * Options of `createSignedFetch`.
 *
 * @example
 * const options: SignedFetchOptions = { keyStore: memoryDeviceKeyStore() };
 */
export interface SignedFetchOptions {
  /** Where the device key lives (default: `defaultDeviceKeyStore()`). */
  keyStore?: DeviceKeyStore;
  /** The fetch to call with the signed request (default: the global `fetch`). */
  fetch?: typeof fetch;
}

/**
 * Makes a `fetch` that adds a fresh `Latchkey-Proof` header to every request
 * while this browser holds a device key, so a locked session's API calls pass
 * the server's check (`api.sessions.fromRequest`, the gate, Latchkey's routes).
 * Without a key (no IndexedDB, never signed in here) requests go unsigned.
 *
 * @example
 * const apiFetch = createSignedFetch({ keyStore: memoryDeviceKeyStore() });
 * const me = await apiFetch('/api/me');
 */
export function createSignedFetch(options: SignedFetchOptions = {}): typeof fetch {
  let key: DeviceKey | undefined;
  return async (input, init) => {
    const next = options.fetch ?? globalThis.fetch;
    try {
      // The key is made at sign-in: look again until there is one, then keep it.
      key ??= await loadDeviceKey(options.keyStore ?? defaultDeviceKeyStore());
    } catch {
      // No IndexedDB (some private modes): the request goes unsigned.
    }
    if (!key) return next(input, init);
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(href, globalThis.location?.href ?? 'http://localhost');
    const method = init?.method ?? (isRequest ? input.method : 'GET');
    const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
    headers.set(PROOF_HEADER, await requestProof(key, method, url.pathname));
    return next(input, { ...init, headers });
  };
}

/**
 * `fetch` with a request proof from the default device key store: use it for
 * your own API calls when sessions are locked.
 *
 * @example
 * import { signedFetch } from '@latchkey/react/locked';
 * const response = await signedFetch('/api/me', { headers: { accept: 'application/json' } });
 */
export const signedFetch: typeof fetch = createSignedFetch();
