'use client';
import type { LatchkeyError } from '@latchkey/core';
import { type ComponentPropsWithoutRef, forwardRef, useId, useState } from 'react';
import { type ErrorLabels, errorMessage } from '../../internal/error-message.js';
import { StatusMessage } from '../../internal/status-message.js';
import { useLabels } from '../../provider/latchkey-labels.js';
import { usePasskeyKey } from './use-passkey-key.js';

export interface PasskeyKeyUnlockLabels {
  /** Shown with every state but `signed-out`: what losing the passkeys means. */
  warning: string;
  unlock: string;
  create: string;
  unlocking: string;
  unlocked: string;
  created: string;
  lock: string;
  checking: string;
  unsupportedBrowser: string;
  noPrfPasskey: string;
  enrol: string;
  enrolling: string;
  enrolled: string;
  failed: string;
  errors: ErrorLabels;
}

export const DEFAULT_PASSKEY_KEY_LABELS: PasskeyKeyUnlockLabels = {
  warning:
    'Your data is encrypted with a key only your passkeys can produce. We cannot recover it: if you lose every passkey that unlocks it, the data is lost for good. Add a second passkey.',
  unlock: 'Unlock with your passkey',
  create: 'Set up encryption with your passkey',
  unlocking: 'Follow your device’s prompt…',
  unlocked: 'Unlocked.',
  created: 'Encryption is set up and unlocked.',
  lock: 'Lock',
  checking: 'Checking what your passkeys can do…',
  unsupportedBrowser:
    'This browser cannot derive keys from passkeys. Try an up-to-date Chrome, Edge, Safari or Firefox.',
  noPrfPasskey:
    'None of your passkeys on this site can derive keys. Add a passkey from a device that supports it.',
  enrol: 'Also unlock with another passkey',
  enrolling: 'Use the other passkey now…',
  enrolled: 'That passkey now unlocks your data too.',
  failed: 'Could not unlock.',
  errors: {
    PRF_UNSUPPORTED: 'That passkey cannot derive keys. Use another one.',
    PRF_KEY_NOT_ENROLLED:
      'That passkey does not unlock your data yet. Unlock with another passkey, then add this one.',
    DECRYPTION_FAILED: 'That passkey did not open your data key.',
    NOT_FOUND: 'There is no other passkey to add. Create one on another device first.',
  },
};

export interface PasskeyKeyUnlockProps
  extends Omit<ComponentPropsWithoutRef<'section'>, 'children' | 'onError'> {
  /** Offer `enrolWrapping` for the user's other PRF-capable passkeys (default true). */
  offerEnrol?: boolean;
  onUnlocked?: (result: { credentialId: string; created: boolean }) => void;
  onError?: (error: LatchkeyError) => void;
  labels?: Partial<PasskeyKeyUnlockLabels>;
}

/**
 * Unlocks the user's passkey-derived data key (`usePasskeyKey`): the warning
 * that losing every passkey loses the data, a button for each step (unlock or
 * set up, lock, let another passkey unlock too), and a polite live region.
 * `data-state` is the key's status.
 *
 * @example
 * <PasskeyKeyUnlock onUnlocked={() => loadNotes()} />
 */
export const PasskeyKeyUnlock = /*#__PURE__*/ forwardRef<HTMLElement, PasskeyKeyUnlockProps>(
  function PasskeyKeyUnlock(
    { offerEnrol = true, onUnlocked, onError, labels: custom, ...rest },
    ref,
  ) {
    const labels = useLabels('passkeyKeyUnlock', DEFAULT_PASSKEY_KEY_LABELS, custom);
    const key = usePasskeyKey();
    const warningId = useId();
    const [news, setNews] = useState<{ text: string; tone: 'success' | 'error' } | null>(null);
    if (key.status === 'signed-out') return null;

    const unlock = async () => {
      setNews(null);
      const result = await key.unlock();
      if (result.data) {
        setNews({ text: result.data.created ? labels.created : labels.unlocked, tone: 'success' });
        onUnlocked?.(result.data);
      } else {
        onError?.(result.error);
        setNews({ text: errorMessage(result.error, labels), tone: 'error' });
      }
    };
    const enrol = async () => {
      setNews(null);
      const result = await key.enrolWrapping();
      if (result.data) setNews({ text: labels.enrolled, tone: 'success' });
      else {
        onError?.(result.error);
        setNews({ text: errorMessage(result.error, labels), tone: 'error' });
      }
    };

    const busy = key.status === 'unlocking' || key.enrolling;
    const note =
      key.status === 'checking'
        ? labels.checking
        : key.status === 'unsupported'
          ? key.reason === 'browser'
            ? labels.unsupportedBrowser
            : labels.noPrfPasskey
          : null;

    return (
      <section
        ref={ref}
        data-latchkey-passkey-key=""
        data-state={key.status}
        aria-busy={busy}
        aria-describedby={warningId}
        {...rest}
      >
        <p id={warningId} role="note" data-latchkey-passkey-key-warning="">
          {labels.warning}
        </p>
        {note && <p data-latchkey-hint="">{note}</p>}
        {(key.status === 'locked' || key.status === 'unlocking') && (
          <button
            type="button"
            data-latchkey-passkey-key-unlock=""
            aria-busy={key.status === 'unlocking'}
            aria-disabled={key.status === 'unlocking' || undefined}
            onClick={() => {
              if (key.status === 'locked') void unlock();
            }}
          >
            {key.status === 'unlocking'
              ? labels.unlocking
              : key.firstUnlock
                ? labels.create
                : labels.unlock}
          </button>
        )}
        {key.status === 'unlocked' && (
          <>
            {offerEnrol && key.enrollable.length > 0 && (
              <button
                type="button"
                data-latchkey-passkey-key-enrol=""
                aria-busy={key.enrolling}
                aria-disabled={key.enrolling || undefined}
                onClick={() => {
                  if (!key.enrolling) void enrol();
                }}
              >
                {key.enrolling ? labels.enrolling : labels.enrol}
              </button>
            )}
            <button
              type="button"
              data-latchkey-passkey-key-lock=""
              onClick={() => {
                setNews(null);
                key.lock();
              }}
            >
              {labels.lock}
            </button>
          </>
        )}
        <StatusMessage message={news?.text ?? null} tone={news?.tone} />
      </section>
    );
  },
);
