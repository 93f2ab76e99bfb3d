'use client';
import { localStorageOrNull } from '../internal/local-storage.js';

const KEY = 'latchkey:pair-prompt-dismissed:';
const listeners = new Set<() => void>();

function emit() {
  for (const listener of [...listeners]) listener();
}

/**
 * Whether the pair prompt was dismissed for an RP ID in this browser.
 *
 * @example
 * isPairPromptDismissed('alice.ts.net') // false
 */
export function isPairPromptDismissed(rpId: string): boolean {
  const store = localStorageOrNull();
  return store !== null && store.getItem(KEY + rpId) !== null;
}

/**
 * Remembers that the pair prompt was dismissed for an RP ID.
 *
 * @example
 * dismissPairPrompt('alice.ts.net');
 */
export function dismissPairPrompt(rpId: string): void {
  try {
    localStorageOrNull()?.setItem(KEY + rpId, new Date().toISOString());
  } catch {
    // Full or blocked storage: the prompt comes back on the next visit, which is harmless.
  }
  emit();
}

/**
 * Brings the pair prompt back: for one RP ID, or for every RP ID when called
 * without one. Mounted prompts update at once.
 *
 * @example
 * <button onClick={() => resetPairPromptDismissal()}>Show the pairing prompt again</button>
 */
export function resetPairPromptDismissal(rpId?: string): void {
  const store = localStorageOrNull();
  // A Storage object lists its keys as its own properties.
  for (const key of rpId === undefined ? Object.keys(store ?? {}) : [KEY + rpId]) {
    if (key.startsWith(KEY)) store?.removeItem(key);
  }
  emit();
}

/**
 * Calls `listener` when a dismissal changes, in this tab or another.
 *
 * @example
 * const stop = subscribePairPromptDismissal(() => render());
 */
export function subscribePairPromptDismissal(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key.startsWith(KEY)) listener();
  };
  globalThis.addEventListener?.('storage', onStorage);
  return () => {
    listeners.delete(listener);
    globalThis.removeEventListener?.('storage', onStorage);
  };
}
