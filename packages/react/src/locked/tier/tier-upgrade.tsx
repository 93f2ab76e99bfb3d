'use client';
import type { LatchkeyError } from '@latchkey/core';
import {
  type ComponentPropsWithoutRef,
  type ForwardedRef,
  forwardRef,
  type MouseEvent,
  useId,
} from 'react';
import { composeEventHandlers } from '../../internal/compose-event-handlers.js';
import { type ErrorLabels, errorMessage } from '../../internal/error-message.js';
import { Slot } from '../../internal/slot.js';
import { StatusMessage } from '../../internal/status-message.js';
import { useLabels } from '../../provider/latchkey-labels.js';
import type { DeviceKeyStore } from '../device-key/device-key-store.js';
import { useTier } from './use-tier.js';

export interface TierUpgradeLabels {
  upgrade: string;
  downgrade: string;
  pending: string;
  standardDescription: string;
  lockedDescription: string;
  upgraded: string;
  downgraded: string;
  failed: string;
  errors: ErrorLabels;
}

export const DEFAULT_TIER_UPGRADE_LABELS: TierUpgradeLabels = {
  upgrade: 'Lock sessions to my devices',
  downgrade: 'Stop locking sessions',
  pending: 'Confirm with your passkey…',
  standardDescription:
    'Locking ties every new sign-in to a key this browser keeps, so a copied session cookie is useless elsewhere.',
  lockedDescription:
    'Sessions are locked: each one only works in the browser that signed in. A copied cookie is refused.',
  upgraded: 'Sessions are now locked to your devices.',
  downgraded: 'Sessions are no longer locked.',
  failed: 'Could not change how sessions are protected.',
  errors: {
    POP_REQUIRED:
      'This browser cannot keep a device key (private browsing?), so it cannot lock sessions.',
    STEP_UP_REQUIRED: 'Confirm with your passkey to change this.',
  },
};

/** `loading` until the session is known; `standard` or `locked` (the tier); `pending` during the change. */
export type TierUpgradeState = 'loading' | 'standard' | 'pending' | 'locked';

export interface TierUpgradeProps extends Omit<ComponentPropsWithoutRef<'button'>, 'onError'> {
  /** Render your own element (its props and handlers are merged in). */
  asChild?: boolean;
  /** Offer to go back to `standard` when locked (default false: the button is then hidden). */
  allowDowngrade?: boolean;
  /** Where the device key lives (default: the same IndexedDB store as `lockedSessions()`). */
  keyStore?: DeviceKeyStore;
  onChanged?: (tier: 'standard' | 'locked') => void;
  onError?: (error: LatchkeyError) => void;
  labels?: Partial<TierUpgradeLabels>;
}

/**
 * A button that moves the account to the `locked` tier (after a passkey step-up
 * when the server asks), with a description of what that means and a polite
 * live region for the outcome. Locked, it shows what is in force and, with
 * `allowDowngrade`, offers to go back.
 *
 * @example
 * <TierUpgrade onChanged={(tier) => toast(`Tier: ${tier}`)} />
 */
export const TierUpgrade = /*#__PURE__*/ forwardRef(function TierUpgrade(
  {
    asChild,
    allowDowngrade = false,
    keyStore,
    onChanged,
    onError,
    labels: custom,
    children,
    onClick,
    ...rest
  }: TierUpgradeProps,
  ref: ForwardedRef<HTMLButtonElement>,
) {
  const labels = useLabels('tierUpgrade', DEFAULT_TIER_UPGRADE_LABELS, custom);
  const { tier, status, data, error, upgrade, downgrade } = useTier({ keyStore });
  const descriptionId = useId();
  if (tier === null) return null;

  const pending = status === 'pending';
  const state: TierUpgradeState = pending ? 'pending' : tier;
  const message =
    status === 'success' && data
      ? tier === 'locked'
        ? labels.upgraded
        : labels.downgraded
      : error
        ? errorMessage(error, labels)
        : null;
  const Comp = asChild ? Slot : 'button';
  const showButton = tier === 'standard' || allowDowngrade || pending;

  const handleClick = async (event: MouseEvent<HTMLButtonElement>) => {
    event.preventDefault();
    if (pending) return;
    const target = tier === 'standard' ? 'locked' : 'standard';
    const result = await (target === 'locked' ? upgrade() : downgrade());
    if (result.data) onChanged?.(target);
    else onError?.(result.error);
  };

  return (
    <div data-latchkey-tier-upgrade="" data-state={state}>
      <p id={descriptionId} data-latchkey-tier-description="">
        {tier === 'locked' ? labels.lockedDescription : labels.standardDescription}
      </p>
      {showButton && (
        <Comp
          ref={ref}
          {...(asChild ? {} : { type: 'button' as const })}
          data-latchkey-tier-button=""
          data-state={state}
          aria-busy={pending}
          aria-disabled={pending || undefined}
          aria-describedby={descriptionId}
          onClick={composeEventHandlers(onClick, handleClick)}
          {...rest}
        >
          {children ??
            (pending ? labels.pending : tier === 'standard' ? labels.upgrade : labels.downgrade)}
        </Comp>
      )}
      <StatusMessage message={message} tone={status === 'success' ? 'success' : 'error'} />
    </div>
  );
});
