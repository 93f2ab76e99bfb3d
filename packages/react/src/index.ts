'use client';

// @latchkey/react: a provider, useSession, headless hooks and accessible passkey components.

// The User-Agent parser is core's, shared with the server, so both name a device alike.
export type {
  CeremonyCoordinator,
  CeremonyMediation,
  CeremonyTask,
} from './client/ceremony-coordinator.js';
export { createCeremonyCoordinator, toCeremonyError } from './client/ceremony-coordinator.js';
export type { WebAuthnSupport } from './client/detect-webauthn-support.js';
export { detectWebAuthnSupport } from './client/detect-webauthn-support.js';
export type { Enrolled, EnrolOptions } from './client/enrol-passkey.js';
export { enrolPasskeyIn } from './client/enrol-passkey.js';
export type { LatchkeyExtension } from './client/latchkey-extension.js';
export { resetPairPromptDismissal } from './client/pair-prompt-dismissal.js';
export type {
  RelyingPartyInfo,
  SessionSnapshot,
  SessionStatus,
  SessionStore,
  SessionStoreOptions,
} from './client/session-store.js';
export { createSessionStore } from './client/session-store.js';
export type { SignedIn, SignInOptions } from './client/sign-in-with-passkey.js';
export type { PasskeyManagerSignal, SignalName } from './client/signal-passkey-manager.js';
export { signalPasskeyManager } from './client/signal-passkey-manager.js';
export type { SteppedUp } from './client/step-up.js';
export {
  isConditionalCreateAvailable,
  upgradeToPasskeyIn,
} from './client/upgrade-to-passkey.js';
export type { UseEnrolPasskeyResult } from './hooks/use-enrol-passkey.js';
export { useEnrolPasskey } from './hooks/use-enrol-passkey.js';
export { useLatchkeyClient, useSessionStore } from './hooks/use-latchkey-client.js';
export type { PairingState, UsePairingOptions, UsePairingResult } from './hooks/use-pairing.js';
export { usePairing } from './hooks/use-pairing.js';
export type { UsePasskeysResult } from './hooks/use-passkeys.js';
export { usePasskeys } from './hooks/use-passkeys.js';
export type { UsePendingApprovalsResult } from './hooks/use-pending-approvals.js';
export { usePendingApprovals } from './hooks/use-pending-approvals.js';
export type { UseRecoveryCodesResult } from './hooks/use-recovery-codes.js';
export { useRecoveryCodes } from './hooks/use-recovery-codes.js';
export type { UseSessionResult } from './hooks/use-session.js';
export { useSession } from './hooks/use-session.js';
export type { UseStepUpResult } from './hooks/use-step-up.js';
export { useStepUp } from './hooks/use-step-up.js';
export type { UseUpgradeToPasskeyResult } from './hooks/use-upgrade-to-passkey.js';
export { useUpgradeToPasskey } from './hooks/use-upgrade-to-passkey.js';
export type { UseWebAuthnSupportResult } from './hooks/use-webauthn-support.js';
export { useWebAuthnSupport } from './hooks/use-webauthn-support.js';
export type { ErrorLabels } from './internal/error-message.js';
export type { ActionState, ActionStatus } from './internal/use-action.js';
export type { ResourceStatus } from './internal/use-resource.js';
export type { PairPromptLabels, PairPromptProps, PairPromptState } from './pair-prompt/index.js';
export { DEFAULT_PAIR_PROMPT_LABELS, PairPrompt } from './pair-prompt/index.js';
export type {
  PasskeyEnrolButtonLabels,
  PasskeyEnrolButtonProps,
  PasskeyEnrolButtonState,
} from './passkey-enrol-button/index.js';
export {
  DEFAULT_PASSKEY_ENROL_BUTTON_LABELS,
  PasskeyEnrolButton,
} from './passkey-enrol-button/index.js';
export type {
  PasskeyItemState,
  PasskeyListLabels,
  PasskeyListProps,
  PasskeyListState,
} from './passkey-list/index.js';
export { DEFAULT_PASSKEY_LIST_LABELS, PasskeyList } from './passkey-list/index.js';
export type {
  PasskeySignInFallbackContext,
  PasskeySignInLabels,
  PasskeySignInProps,
  PasskeySignInState,
} from './passkey-sign-in/index.js';
export { DEFAULT_PASSKEY_SIGN_IN_LABELS, PasskeySignIn } from './passkey-sign-in/index.js';
export type {
  PendingApprovalsLabels,
  PendingApprovalsProps,
  PendingApprovalsState,
} from './pending-approvals/index.js';
export { DEFAULT_PENDING_APPROVALS_LABELS, PendingApprovals } from './pending-approvals/index.js';
export type { ComponentLabels, LatchkeyLabels } from './provider/latchkey-labels.js';
export type { LatchkeyProviderProps } from './provider/latchkey-provider.js';
export { LatchkeyProvider } from './provider/latchkey-provider.js';
export type {
  RecoveryCodesLabels,
  RecoveryCodesProps,
  RecoveryCodesState,
} from './recovery-codes/index.js';
export { DEFAULT_RECOVERY_CODES_LABELS, RecoveryCodes } from './recovery-codes/index.js';
