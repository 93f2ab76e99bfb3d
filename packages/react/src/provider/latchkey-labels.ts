'use client';
import { createContext, useContext } from 'react';
import type { EmailLinkLandingLabels } from '../email/email-link-landing.js';
import type { EmailLinkSignInLabels } from '../email/email-link-sign-in.js';
import type { FallbackSettingsLabels } from '../fallbacks/fallback-settings.js';
import { DEFAULT_ERROR_LABELS, type ErrorLabels } from '../internal/error-message.js';
import type { PasskeyKeyUnlockLabels } from '../locked/passkey-key/passkey-key-unlock.js';
import type { TierUpgradeLabels } from '../locked/tier/tier-upgrade.js';
import type { PairPromptLabels } from '../pair-prompt/pair-prompt.js';
import type { PasskeyEnrolButtonLabels } from '../passkey-enrol-button/passkey-enrol-button.js';
import type { PasskeyListLabels } from '../passkey-list/passkey-list.js';
import type { PasskeySignInLabels } from '../passkey-sign-in/passkey-sign-in.js';
import type { PendingApprovalsLabels } from '../pending-approvals/pending-approvals.js';
import type { RecoveryCodesLabels } from '../recovery-codes/recovery-codes.js';

/** Each component's labels, by the key it reads from `LatchkeyLabels`. */
export interface ComponentLabels {
  passkeySignIn: PasskeySignInLabels;
  passkeyEnrolButton: PasskeyEnrolButtonLabels;
  passkeyList: PasskeyListLabels;
  pairPrompt: PairPromptLabels;
  recoveryCodes: RecoveryCodesLabels;
  pendingApprovals: PendingApprovalsLabels;
  tierUpgrade: TierUpgradeLabels;
  passkeyKeyUnlock: PasskeyKeyUnlockLabels;
  emailLinkSignIn: EmailLinkSignInLabels;
  emailLinkLanding: EmailLinkLandingLabels;
  fallbackSettings: FallbackSettingsLabels;
}

/**
 * Every visible string of the kit, for `<LatchkeyProvider labels={…}>`: a language
 * such as `de` from `@latchkey/react/locales/de`, or your own. Any string left out
 * stays English; a component's own `labels` prop overrides these.
 */
export type LatchkeyLabels = {
  /** BCP 47 language tag for dates (`'de'`); the browser's language when absent. */
  locale?: string;
  /** Error messages by code, for every component. */
  errors?: ErrorLabels;
} & { [K in keyof ComponentLabels]?: Partial<ComponentLabels[K]> };

export const LatchkeyLabelsContext = /*#__PURE__*/ createContext<LatchkeyLabels | undefined>(
  undefined,
);

/**
 * A component's labels: its English defaults, then the provider's `labels`, then the
 * component's own `labels` prop. Error messages merge the same way, over the kit's English
 * messages, with the provider's messages for every component between the defaults and the
 * component's own.
 */
export function useLabels<K extends keyof ComponentLabels>(
  key: K,
  defaults: ComponentLabels[K],
  custom: Partial<ComponentLabels[K]> | undefined,
): ComponentLabels[K] & { locale: string | undefined } {
  const provided = useContext(LatchkeyLabelsContext);
  const own = provided?.[key];
  return Object.assign({}, defaults, own, custom, {
    errors: {
      ...DEFAULT_ERROR_LABELS,
      ...defaults.errors,
      ...provided?.errors,
      ...own?.errors,
      ...custom?.errors,
    },
    locale: provided?.locale,
  });
}
