'use client';
export type {
  PasskeyEnrolButtonLabels,
  PasskeyEnrolButtonProps,
  PasskeyEnrolButtonState,
} from './passkey-enrol-button.js';
export { DEFAULT_PASSKEY_ENROL_BUTTON_LABELS, PasskeyEnrolButton } from './passkey-enrol-button.js';
