'use client';
export type {
  RecoveryCodesLabels,
  RecoveryCodesProps,
  RecoveryCodesState,
} from './recovery-codes.js';
export { DEFAULT_RECOVERY_CODES_LABELS, RecoveryCodes } from './recovery-codes.js';
