'use client';
import type { LatchkeyError } from '@latchkey/core';
import { type ComponentPropsWithoutRef, forwardRef, type MouseEvent, useId } from 'react';
import type { Enrolled } from '../client/enrol-passkey.js';
import { useEnrolPasskey } from '../hooks/use-enrol-passkey.js';
import { useWebAuthnSupport } from '../hooks/use-webauthn-support.js';
import { composeEventHandlers } from '../internal/compose-event-handlers.js';
import { type ErrorLabels, errorMessage } from '../internal/error-message.js';
import { Slot } from '../internal/slot.js';
import { StatusMessage } from '../internal/status-message.js';
import { useLabels } from '../provider/latchkey-labels.js';
import { RecoveryCodes, type RecoveryCodesLabels } from '../recovery-codes/recovery-codes.js';

export interface PasskeyEnrolButtonLabels {
  enrol: string;
  pending: string;
  success: string;
  failed: string;
  unsupported: string;
  noPlatformAuthenticator: string;
  errors: ErrorLabels;
  recoveryCodes: Partial<RecoveryCodesLabels>;
}

export const DEFAULT_PASSKEY_ENROL_BUTTON_LABELS: PasskeyEnrolButtonLabels = {
  enrol: 'Create a passkey',
  pending: 'Follow your device’s prompt…',
  success: 'Passkey created.',
  failed: 'Could not create the passkey.',
  unsupported: 'This browser cannot use passkeys. Try an up-to-date browser or another device.',
  noPlatformAuthenticator:
    'This device has no built-in passkey support: you can use a phone or a security key.',
  errors: {},
  recoveryCodes: {},
};

export type PasskeyEnrolButtonState = 'idle' | 'pending' | 'success' | 'error';

export interface PasskeyEnrolButtonProps
  extends Omit<ComponentPropsWithoutRef<'button'>, 'name' | 'onError'> {
  /** Render your own element (its props and handlers are merged in). */
  asChild?: boolean;
  /** The passkey's name; "Chrome on macOS" (from the User-Agent) by default. */
  name?: string;
  /** At sign-up: the new account's email and display name. */
  email?: string;
  displayName?: string;
  /** Without WebAuthn: explain why (default) or render nothing. */
  whenUnsupported?: 'explain' | 'hide';
  /** Show first-enrolment recovery codes with `RecoveryCodes` (default true). */
  showRecoveryCodes?: boolean;
  onEnrolled?: (result: Enrolled) => void;
  onError?: (error: LatchkeyError) => void;
  labels?: Partial<PasskeyEnrolButtonLabels>;
}

/**
 * A button that creates a passkey on this device. It checks what the browser
 * supports first, names the passkey after the browser and system, reports the
 * outcome in a polite live region, and after an account's first passkey shows
 * its recovery codes once.
 *
 * @example
 * <PasskeyEnrolButton onEnrolled={({ passkey }) => toast(`Added ${passkey.name}`)} />
 * <PasskeyEnrolButton asChild><a href="#enrol">Add a passkey</a></PasskeyEnrolButton>
 */
export const PasskeyEnrolButton = /*#__PURE__*/ forwardRef<
  HTMLButtonElement,
  PasskeyEnrolButtonProps
>(function PasskeyEnrolButton(
  {
    asChild,
    name,
    email,
    displayName,
    whenUnsupported = 'explain',
    showRecoveryCodes = true,
    onEnrolled,
    onError,
    labels: custom,
    children,
    onClick,
    ...rest
  },
  ref,
) {
  const labels = useLabels('passkeyEnrolButton', DEFAULT_PASSKEY_ENROL_BUTTON_LABELS, custom);
  const support = useWebAuthnSupport();
  const { enrol, status, data, error } = useEnrolPasskey();
  const hintId = useId();

  if (support.status === 'ready' && !support.webauthn) {
    return whenUnsupported === 'hide' ? null : (
      <p data-latchkey-enrol-button="" data-state="unsupported" role="note">
        {labels.unsupported}
      </p>
    );
  }
  if (support.status === 'checking' && whenUnsupported === 'hide') return null;

  const pending = status === 'pending';
  const hint =
    support.status === 'ready' && !support.platformAuthenticator
      ? labels.noPlatformAuthenticator
      : null;
  const message =
    status === 'success' ? labels.success : error ? errorMessage(error, labels) : null;
  const Comp = asChild ? Slot : 'button';

  const handleClick = async (event: MouseEvent<HTMLButtonElement>) => {
    event.preventDefault();
    if (pending) return;
    const result = await enrol({ name, email, displayName });
    if (result.data) onEnrolled?.(result.data);
    else onError?.(result.error);
  };

  return (
    <>
      <Comp
        ref={ref}
        {...(asChild ? {} : { type: 'button' as const })}
        data-latchkey-enrol-button=""
        data-state={status satisfies PasskeyEnrolButtonState}
        aria-busy={pending}
        aria-disabled={pending || undefined}
        aria-describedby={hint ? hintId : undefined}
        onClick={composeEventHandlers(onClick, handleClick)}
        {...rest}
      >
        {children ?? (pending ? labels.pending : labels.enrol)}
      </Comp>
      {hint && (
        <span id={hintId} data-latchkey-hint="">
          {hint}
        </span>
      )}
      <StatusMessage message={message} tone={status === 'success' ? 'success' : 'error'} />
      {showRecoveryCodes && data?.recoveryCodes && (
        <RecoveryCodes
          key={data.credentialId}
          codes={data.recoveryCodes}
          labels={labels.recoveryCodes}
        />
      )}
    </>
  );
});
