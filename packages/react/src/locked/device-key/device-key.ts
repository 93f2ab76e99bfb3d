'use client';
import { base64urlDecode, base64urlEncode, type PopPublicKey } from '@latchkey/core';
import type { DeviceKeyStore } from './device-key-store.js';

/** The browser's device key: a non-extractable ECDSA P-256 pair. */
export interface DeviceKey {
  readonly pair: CryptoKeyPair;
  /** The public half as a JWK (RFC 7518 §6.2.1), as `popKey` on the wire. */
  readonly publicJwk: PopPublicKey;
  /**
   * Signs a challenge's bytes with ECDSA P-256 / SHA-256. Web Crypto gives the
   * signature as raw r‖s (64 bytes, IEEE P1363), which the server expects.
   */
  sign(challenge: string): Promise<string>;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * Loads this browser's device key from `store`; with `create`, makes one first
 * when there is none. A stored private key that is extractable is refused
 * (`TypeError`): its bytes could be read and copied to another browser (`extractable: false`: the private key can sign but never
 * be read, W3C Web Cryptography API §14.3.1).
 *
 * @example
 * const key = await loadDeviceKey(indexedDbDeviceKeyStore(), { create: true });
 * await client.authenticate({ response, popKey: key!.publicJwk });
 */
export async function loadDeviceKey(
  store: DeviceKeyStore,
  { create = false }: { create?: boolean } = {},
): Promise<DeviceKey | undefined> {
  let pair = await store.get();
  if (!pair) {
    if (!create) return undefined;
    const made = (await globalThis.crypto.subtle.generateKey(ALGORITHM, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    pair = await store.add(made);
  }
  // A private key that script can read is a copyable credential: never sign with one
  // (W3C Web Cryptography API §14.3.1), whoever stored it.
  if (pair.privateKey.extractable || pair.privateKey.algorithm.name !== 'ECDSA') {
    throw new TypeError(
      'loadDeviceKey: the stored private key must be a non-extractable ECDSA key',
    );
  }
  const jwk = await globalThis.crypto.subtle.exportKey('jwk', pair.publicKey);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new TypeError('loadDeviceKey: the stored key is not an ECDSA P-256 key');
  }
  const privateKey = pair.privateKey;
  return {
    pair,
    publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
    async sign(challenge) {
      const signature = await globalThis.crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        privateKey,
        new Uint8Array(base64urlDecode(challenge)),
      );
      return base64urlEncode(new Uint8Array(signature));
    },
  };
}
