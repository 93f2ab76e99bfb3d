'use client';

/**
 * Where a browser keeps its device key pair (the proof-of-possession key).
 * `CryptoKey` objects are structured-cloneable, so a non-extractable private key
 * can be stored and used later without its bytes ever being readable
 * (W3C Web Cryptography API §14.3.1, "[[extractable]]").
 *
 * @example
 * const store: DeviceKeyStore = memoryDeviceKeyStore();
 * const pair = await store.add(await crypto.subtle.generateKey(...));
 */
export interface DeviceKeyStore {
  /** The stored pair, or `undefined` when there is none yet. */
  get(): Promise<CryptoKeyPair | undefined>;
  /**
   * Stores `pair` unless a pair is stored already, in one step, and resolves with
   * the pair that is stored: the first writer wins, so two tabs that make a key
   * at once end up using the same one.
   */
  add(pair: CryptoKeyPair): Promise<CryptoKeyPair>;
  /** Forgets the pair: sessions bound to it stop working here. */
  delete(): Promise<void>;
}

/**
 * A device key store in memory: the key lives as long as the page. For tests,
 * and for runtimes without IndexedDB (a locked session then ends with the page).
 *
 * @example
 * const extension = lockedSessions({ keyStore: memoryDeviceKeyStore() });
 */
export function memoryDeviceKeyStore(): DeviceKeyStore {
  let stored: CryptoKeyPair | undefined;
  return {
    get: async () => stored,
    async add(pair) {
      stored ??= pair;
      return stored;
    },
    async delete() {
      stored = undefined;
    },
  };
}
