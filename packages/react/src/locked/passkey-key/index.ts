'use client';
export type {
  PasskeyKeyUnlockLabels,
  PasskeyKeyUnlockProps,
} from './passkey-key-unlock.js';
export { DEFAULT_PASSKEY_KEY_LABELS, PasskeyKeyUnlock } from './passkey-key-unlock.js';
export type { UsePasskeyKeyResult } from './use-passkey-key.js';
export { usePasskeyKey } from './use-passkey-key.js';
