'use client';

// @latchkey/react/fallbacks: the account's choice of ways in besides a passkey.
// Its own entry, so an app that does not show it does not ship it.

export type {
  FallbackMethod,
  FallbackSettingsLabels,
  FallbackSettingsProps,
  FallbackSettingsState,
} from './fallback-settings.js';
export { DEFAULT_FALLBACK_SETTINGS_LABELS, FallbackSettings } from './fallback-settings.js';
