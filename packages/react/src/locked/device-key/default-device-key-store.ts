'use client';
import type { DeviceKeyStore } from './device-key-store.js';
import { indexedDbDeviceKeyStore } from './indexeddb-device-key-store.js';

let shared: DeviceKeyStore | undefined;

/**
 * The store `lockedSessions()`, `useTier()` and `answerPopChallenges()` use when
 * given none: IndexedDB database `latchkey`, record `pop`. One key per origin, so
 * every tab signs with the key its session was bound to.
 *
 * @example
 * const key = await loadDeviceKey(defaultDeviceKeyStore());
 */
export function defaultDeviceKeyStore(): DeviceKeyStore {
  shared ??= indexedDbDeviceKeyStore();
  return shared;
}
