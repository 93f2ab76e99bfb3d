'use client';

// @latchkey/react/fallbacks: the account's choice of ways in besides a passkey.
// Its own entry, so an app that does not show it does not ship it. Built on the main entry
// as `@latchkey/react/locked` is: importing it keeps the main entry's code in one chunk (the
// hooks this entry shares with it would otherwise split off into a chunk of their own and
// grow the main entry). Nothing runs: every module of the kit is free of side effects.
import '../index.js';

export type {
  FallbackMethod,
  FallbackSettingsLabels,
  FallbackSettingsProps,
  FallbackSettingsState,
} from './fallback-settings.js';
export { DEFAULT_FALLBACK_SETTINGS_LABELS, FallbackSettings } from './fallback-settings.js';
