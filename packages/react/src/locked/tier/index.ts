'use client';
export type { TierUpgradeLabels, TierUpgradeProps, TierUpgradeState } from './tier-upgrade.js';
export { DEFAULT_TIER_UPGRADE_LABELS, TierUpgrade } from './tier-upgrade.js';
export type { UseTierOptions, UseTierResult } from './use-tier.js';
export { useTier } from './use-tier.js';
