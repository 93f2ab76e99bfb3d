'use client';

// @latchkey/react/locked: locked sessions (proof of possession) and passkey-derived keys (PRF).
// Built on the main entry: importing it puts all of the main entry's code in the chunk both
// entries share (tsup.config.ts), so an app pays for one import of React and one of the JSX
// runtime instead of two. Nothing runs: every module of the kit is free of side effects.
import '../index.js';

export type { LatchkeyExtension } from '../client/latchkey-extension.js';
export { defaultDeviceKeyStore } from './device-key/default-device-key-store.js';
export type { DeviceKey } from './device-key/device-key.js';
export { loadDeviceKey } from './device-key/device-key.js';
export type { DeviceKeyStore } from './device-key/device-key-store.js';
export { memoryDeviceKeyStore } from './device-key/device-key-store.js';
export type { IndexedDbDeviceKeyStoreOptions } from './device-key/indexeddb-device-key-store.js';
export { indexedDbDeviceKeyStore } from './device-key/indexeddb-device-key-store.js';
export type { LockedSessionsOptions } from './locked-sessions.js';
export { lockedSessions } from './locked-sessions.js';
export type {
  PasskeyKeyUnlockLabels,
  PasskeyKeyUnlockProps,
  UsePasskeyKeyResult,
} from './passkey-key/index.js';
export {
  DEFAULT_PASSKEY_KEY_LABELS,
  PasskeyKeyUnlock,
  usePasskeyKey,
} from './passkey-key/index.js';
export {
  createDataKey,
  dataKeyId,
  rewrapDataKey,
  unwrapDataKey,
  wrapDataKey,
  wrappedKeyId,
} from './prf/data-key.js';
export type { PrfSupport } from './prf/detect-prf-support.js';
export { detectPrfSupport } from './prf/detect-prf-support.js';
export type { EnvelopeOptions } from './prf/envelope.js';
export { decryptEnvelope, decryptEnvelopeText, encryptEnvelope } from './prf/envelope.js';
export type { PrfAssertion } from './prf/get-prf-assertion.js';
export { getPrfAssertion } from './prf/get-prf-assertion.js';
export type { PasskeyKeyUnlocked } from './prf/passkey-key-ceremonies.js';
export { enrolPasskeyWrapping, unlockWithPasskey } from './prf/passkey-key-ceremonies.js';
export type {
  PasskeyKeyPasskey,
  PasskeyKeySnapshot,
  PasskeyKeyStatus,
  PasskeyKeyStore,
  PasskeyKeyStoreOptions,
} from './prf/passkey-key-store.js';
export { createPasskeyKeyStore } from './prf/passkey-key-store.js';
export { deriveWrappingKey } from './prf/wrapping-key.js';
export type {
  AnswerPopChallengesOptions,
  PopChallengeSource,
} from './proof/answer-pop-challenges.js';
export { answerPopChallenges } from './proof/answer-pop-challenges.js';
export { answerChallenge, provePossession } from './proof/prove-possession.js';
export type { SignedFetchOptions } from './proof/signed-fetch.js';
export {
  createSignedFetch,
  PROOF_HEADER,
  requestProof,
  signedFetch,
} from './proof/signed-fetch.js';
export type {
  TierUpgradeLabels,
  TierUpgradeProps,
  TierUpgradeState,
  UseTierOptions,
  UseTierResult,
} from './tier/index.js';
export { DEFAULT_TIER_UPGRADE_LABELS, TierUpgrade, useTier } from './tier/index.js';
