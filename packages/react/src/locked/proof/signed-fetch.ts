'use client';
import { base64urlEncode, PROOF_HEADER, requestProofMessage } from '@latchkey/core';
import { defaultDeviceKeyStore } from '../device-key/default-device-key-store.js';
import { type DeviceKey, loadDeviceKey } from '../device-key/device-key.js';
import type { DeviceKeyStore } from '../device-key/device-key-store.js';

export { PROOF_HEADER };

/**
 * A `Latchkey-Proof` value for one request: `<iat>.<nonce>.<signature>`, the
 * device key's ECDSA P-256 / SHA-256 signature (raw r‖s, base64url) over
 * core's `requestProofMessage` (`latchkey-proof/2`, method, origin, path, iat,
 * nonce). `url` is resolved against the page. The server takes each nonce once,
 * for its own origin only, with an `iat` within 60 s of its clock.
 *
 * @example
 * const key = await loadDeviceKey(defaultDeviceKeyStore());
 * headers.set('Latchkey-Proof', await requestProof(key!, 'GET', '/api/me'));
 */
export async function requestProof(
  key: DeviceKey,
  method: string,
  url: string | URL,
  now: number = Date.now(),
): Promise<string> {
  const { origin, pathname } = new URL(url, globalThis.location?.href);
  const iat = Math.floor(now / 1000);
  const nonce = base64urlEncode(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const signature = await globalThis.crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key.pair.privateKey,
    new TextEncoder().encode(requestProofMessage(method, origin, pathname, iat, nonce)),
  );
  return `${iat}.${nonce}.${base64urlEncode(new Uint8Array(signature))}`;
}

/**
 * Options of `createSignedFetch`.
 *
 * @example
 * const options: SignedFetchOptions = { allowOrigins: ['https://auth.example.com'] };
 */
export interface SignedFetchOptions {
  /** Where the device key lives (default: `defaultDeviceKeyStore()`). */
  keyStore?: DeviceKeyStore;
  /** The fetch to call with the signed request (default: the global `fetch`). */
  fetch?: typeof fetch;
  /**
   * Origins besides the page's own whose requests are signed: only servers that
   * check this app's locked sessions (`https://auth.example.com`). Requests to
   * any other origin go unsigned, so no other site receives a proof.
   */
  allowOrigins?: readonly string[];
}

/** Server clock minus ours; ignored below this, the `Date` header being whole seconds. */
const MIN_OFFSET_MS = 5_000;

/**
 * Makes a `fetch` that adds a fresh `Latchkey-Proof` header to each request to
 * the page's own origin (and `allowOrigins`) while this browser holds a device
 * key, so a locked session's API calls pass the server's check
 * (`api.sessions.fromRequest`, the gate, Latchkey's routes). Without a key
 * (no IndexedDB, never signed in here) requests go unsigned.
 *
 * Proofs are dated on the server's clock, as its `Date` header tells, so a
 * browser whose clock is off still proves. A `401` to a signed request makes
 * it read the key again (another tab may have made a new one); when the key or
 * the clock offset changed, a request with a body that can be sent again is
 * sent once more.
 *
 * @example
 * const apiFetch = createSignedFetch({ keyStore: memoryDeviceKeyStore() });
 * const me = await apiFetch('/api/me');
 */
export function createSignedFetch(options: SignedFetchOptions = {}): typeof fetch {
  let key: DeviceKey | undefined;
  let offset = 0;
  const read = async () => {
    try {
      // The key is made at sign-in: look again until there is one, then keep it.
      key ??= await loadDeviceKey(options.keyStore ?? defaultDeviceKeyStore());
    } catch {
      // No IndexedDB (some private modes): the request goes unsigned.
    }
    return key;
  };
  return async (input, init) => {
    const next = options.fetch ?? globalThis.fetch;
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(href, globalThis.location?.href ?? 'http://localhost');
    // Only the page's own origin and those allowed: a proof is a credential.
    const own = url.origin === globalThis.location?.origin;
    if ((!own && !options.allowOrigins?.includes(url.origin)) || !(await read()))
      return next(input, init);
    const method = init?.method ?? (isRequest ? input.method : 'GET');
    const send = async (signer: DeviceKey) => {
      const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
      headers.set(PROOF_HEADER, await requestProof(signer, method, url, Date.now() + offset));
      const response = await next(input, { ...init, headers });
      const date = Date.parse(response.headers.get('date') ?? '');
      const measured = Number.isNaN(date) ? offset : date + 500 - Date.now();
      offset = Math.abs(measured) >= MIN_OFFSET_MS ? measured : 0;
      return response;
    };
    const used = key!;
    const before = offset;
    const response = await send(used);
    if (response.status !== 401) return response;
    key = undefined;
    const again = await read();
    const body = init?.body;
    const replayable =
      !isRequest && !(typeof ReadableStream !== 'undefined' && body instanceof ReadableStream);
    if (!again || !replayable || (again.publicJwk.x === used.publicJwk.x && offset === before))
      return response;
    return send(again);
  };
}

/**
 * `fetch` with a request proof from the default device key store: use it for
 * your own API calls when sessions are locked. It signs requests to the page's
 * own origin only; use `createSignedFetch({ allowOrigins })` for another.
 *
 * @example
 * import { signedFetch } from '@latchkey/react/locked';
 * const response = await signedFetch('/api/me', { headers: { accept: 'application/json' } });
 */
export const signedFetch: typeof fetch = createSignedFetch();
