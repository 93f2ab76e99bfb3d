'use client';
import type { PasskeyInfo } from '@latchkey/core';
import { type ComponentPropsWithoutRef, forwardRef, useId, useState } from 'react';
import { usePendingApprovals } from '../hooks/use-pending-approvals.js';
import { type ErrorLabels, errorMessage } from '../internal/error-message.js';
import { formatDate } from '../internal/format-date.js';
import { ProviderIcon } from '../internal/provider-icon.js';
import { StatusMessage } from '../internal/status-message.js';
import { useLabels } from '../provider/latchkey-labels.js';

export interface PendingApprovalsLabels {
  title: string;
  loading: string;
  empty: string;
  failed: string;
  retry: string;
  requested: (date: string, browser: string, os: string) => string;
  approve: string;
  deny: string;
  approved: (name: string) => string;
  denied: (name: string) => string;
  actionFailed: string;
  errors: ErrorLabels;
}

export const DEFAULT_PENDING_APPROVALS_LABELS: PendingApprovalsLabels = {
  title: 'Devices waiting for approval',
  loading: 'Loading…',
  empty: 'No devices are waiting for approval.',
  failed: 'Could not load the devices waiting for approval.',
  retry: 'Try again',
  requested: (date, browser, os) => `Added ${date} from ${browser} on ${os}`,
  approve: 'Approve',
  deny: 'Deny',
  approved: (name) => `Approved ${name}. It can sign in now.`,
  denied: (name) => `Denied ${name}. Its passkey was removed.`,
  actionFailed: 'That did not work. Try again.',
  errors: {},
};

export type PendingApprovalsState = 'loading' | 'ready' | 'empty' | 'error';

export interface PendingApprovalsProps
  extends Omit<ComponentPropsWithoutRef<'section'>, 'children'> {
  /** Locale for dates (default: the provider's `labels.locale`, else the browser's). */
  locale?: string;
  onApproved?: (passkey: PasskeyInfo) => void;
  onDenied?: (passkey: PasskeyInfo) => void;
  labels?: Partial<PendingApprovalsLabels>;
}

/**
 * New devices' passkeys that wait for a trusted device: approve or deny each,
 * with a step-up when the server asks for one.
 *
 * @example
 * <PendingApprovals onApproved={(p) => toast(`${p.name} can sign in now`)} />
 */
export const PendingApprovals = /*#__PURE__*/ forwardRef<HTMLElement, PendingApprovalsProps>(
  function PendingApprovals({ locale, onApproved, onDenied, labels: custom, ...rest }, ref) {
    const labels = useLabels('pendingApprovals', DEFAULT_PENDING_APPROVALS_LABELS, custom);
    const { status, approvals, error, refresh, approve, deny } = usePendingApprovals();
    const [busy, setBusy] = useState<string | null>(null);
    const [message, setMessage] = useState<{ text: string; tone: 'success' | 'error' } | null>(
      null,
    );
    const id = useId();
    const state: PendingApprovalsState =
      approvals.length > 0 ? 'ready' : status === 'ready' ? 'empty' : status;

    const act = async (passkey: PasskeyInfo, approving: boolean) => {
      if (busy) return;
      setBusy(passkey.credentialId);
      const result = await (approving ? approve : deny)(passkey.credentialId);
      setBusy(null);
      setMessage(
        result.error
          ? { text: errorMessage(result.error, labels, labels.actionFailed), tone: 'error' }
          : { text: (approving ? labels.approved : labels.denied)(passkey.name), tone: 'success' },
      );
      if (!result.error) (approving ? onApproved : onDenied)?.(passkey);
    };

    return (
      <section
        ref={ref}
        aria-labelledby={`${id}-title`}
        aria-busy={status === 'loading' || busy !== null}
        data-latchkey-pending-approvals=""
        data-state={state}
        {...rest}
      >
        <p id={`${id}-title`} data-latchkey-title="">
          {labels.title}
        </p>
        {state === 'loading' && <p data-latchkey-placeholder="">{labels.loading}</p>}
        {state === 'empty' && <p data-latchkey-placeholder="">{labels.empty}</p>}
        {state === 'error' && (
          <p data-latchkey-placeholder="">
            {errorMessage(error, labels)}{' '}
            <button type="button" data-latchkey-button="secondary" onClick={() => void refresh()}>
              {labels.retry}
            </button>
          </p>
        )}
        {approvals.length > 0 && (
          <ul data-latchkey-passkeys="">
            {approvals.map((passkey, index) => {
              const nameId = `${id}-${index}`;
              const itemBusy = busy === passkey.credentialId;
              return (
                <li
                  key={passkey.credentialId}
                  data-latchkey-passkey=""
                  data-state={itemBusy ? 'busy' : 'pending'}
                  aria-labelledby={nameId}
                  aria-busy={itemBusy}
                >
                  <ProviderIcon {...passkey.provider} />
                  <span id={nameId} data-latchkey-passkey-name="">
                    {passkey.name}
                  </span>
                  <span data-latchkey-provider="">{passkey.provider.name}</span>
                  <span data-latchkey-meta="">
                    <time dateTime={passkey.createdAt}>
                      {labels.requested(
                        formatDate(passkey.createdAt, locale ?? labels.locale),
                        passkey.createdWith.browser,
                        passkey.createdWith.os,
                      )}
                    </time>
                  </span>
                  <div data-latchkey-actions="">
                    <button
                      type="button"
                      data-latchkey-button="primary"
                      aria-describedby={nameId}
                      aria-disabled={busy !== null || undefined}
                      onClick={() => void act(passkey, true)}
                    >
                      {labels.approve}
                    </button>
                    <button
                      type="button"
                      data-latchkey-button="danger"
                      aria-describedby={nameId}
                      aria-disabled={busy !== null || undefined}
                      onClick={() => void act(passkey, false)}
                    >
                      {labels.deny}
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        <StatusMessage message={message?.text ?? null} tone={message?.tone} />
      </section>
    );
  },
);
