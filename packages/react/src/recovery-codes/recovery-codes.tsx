'use client';
import {
  type ComponentPropsWithoutRef,
  type ForwardedRef,
  forwardRef,
  useId,
  useState,
} from 'react';
import { useRecoveryCodes } from '../hooks/use-recovery-codes.js';
import { type ErrorLabels, errorMessage } from '../internal/error-message.js';
import { StatusMessage } from '../internal/status-message.js';
import { useLabels } from '../provider/latchkey-labels.js';

export interface RecoveryCodesLabels {
  title: string;
  description: string;
  copy: string;
  copied: string;
  copyFailed: string;
  download: string;
  acknowledge: string;
  continue: string;
  /** Without `codes`: how many are left. */
  remaining: (count: number) => string;
  regenerate: string;
  regenerateHint: string;
  regenerating: string;
  loading: string;
  failed: string;
  errors: ErrorLabels;
}

export const DEFAULT_RECOVERY_CODES_LABELS: RecoveryCodesLabels = {
  title: 'Recovery codes',
  description:
    'Each code signs you in once if you lose your passkeys. Save them somewhere safe: they are shown only this once.',
  copy: 'Copy codes',
  copied: 'Codes copied to the clipboard.',
  copyFailed: 'Could not copy. Select the codes and copy them yourself.',
  download: 'Download as .txt',
  acknowledge: 'I have saved these codes',
  continue: 'Continue',
  remaining: (count) => (count === 1 ? '1 recovery code left.' : `${count} recovery codes left.`),
  regenerate: 'Generate new codes',
  regenerateHint: 'New codes replace the old ones, which stop working.',
  regenerating: 'Generating…',
  loading: 'Loading recovery codes…',
  failed: 'Could not load your recovery codes.',
  errors: {},
};

export type RecoveryCodesState =
  | 'loading'
  | 'ready'
  | 'pending'
  | 'error'
  | 'unacknowledged'
  | 'acknowledged';

export interface RecoveryCodesProps extends Omit<ComponentPropsWithoutRef<'section'>, 'children'> {
  /**
   * Codes to show once (for example `recoveryCodes` from an enrolment). Without
   * them the component shows how many are left and can generate a new set.
   */
  codes?: readonly string[];
  /** After "I have saved these codes" and "Continue"; the codes are then hidden for good. */
  onContinue?: () => void;
  /** The downloaded file's name (default `recovery-codes.txt`). */
  fileName?: string;
  labels?: Partial<RecoveryCodesLabels>;
}

/**
 * Shows recovery codes once: copy to the clipboard, download as a text file,
 * and an acknowledgement before continuing. Without `codes` it shows how many
 * are left and generates a new set (with a step-up when the server asks).
 *
 * @example
 * <RecoveryCodes codes={result.recoveryCodes} onContinue={() => navigate('/account')} />
 */
export const RecoveryCodes = /*#__PURE__*/ forwardRef(function RecoveryCodes(
  {
    codes: given,
    onContinue,
    fileName = 'recovery-codes.txt',
    labels: custom,
    ...rest
  }: RecoveryCodesProps,
  ref: ForwardedRef<HTMLElement>,
) {
  const labels = useLabels('recoveryCodes', DEFAULT_RECOVERY_CODES_LABELS, custom);
  const id = useId();
  if (given) {
    return (
      <CodesView
        ref={ref}
        id={id}
        codes={given}
        labels={labels}
        fileName={fileName}
        onContinue={onContinue}
        {...rest}
      />
    );
  }
  return (
    <CodesStatus
      ref={ref}
      id={id}
      labels={labels}
      fileName={fileName}
      onContinue={onContinue}
      {...rest}
    />
  );
});

interface ViewProps extends Omit<RecoveryCodesProps, 'labels' | 'codes'> {
  id: string;
  labels: RecoveryCodesLabels;
}

const CodesStatus = /*#__PURE__*/ forwardRef(function CodesStatus(
  { id, labels, fileName, onContinue, ...rest }: ViewProps,
  ref: ForwardedRef<HTMLElement>,
) {
  const recovery = useRecoveryCodes();
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  if (recovery.codes) {
    return (
      <CodesView
        ref={ref}
        id={id}
        codes={recovery.codes}
        labels={labels}
        fileName={fileName}
        onContinue={() => {
          recovery.clear();
          onContinue?.();
        }}
        {...rest}
      />
    );
  }
  const state: RecoveryCodesState = pending ? 'pending' : recovery.status;
  return (
    <section
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-busy={state === 'loading' || state === 'pending'}
      data-latchkey-recovery-codes=""
      data-state={state}
      {...rest}
    >
      <p id={`${id}-title`} data-latchkey-title="">
        {labels.title}
      </p>
      <p data-latchkey-description="">
        {recovery.status === 'loading'
          ? labels.loading
          : recovery.remaining === null
            ? labels.failed
            : labels.remaining(recovery.remaining)}
      </p>
      <p id={`${id}-hint`} data-latchkey-hint="">
        {labels.regenerateHint}
      </p>
      <button
        type="button"
        data-latchkey-button="primary"
        aria-describedby={`${id}-hint`}
        aria-disabled={pending || undefined}
        onClick={async () => {
          if (pending) return;
          setPending(true);
          setMessage(null);
          const result = await recovery.regenerate();
          setPending(false);
          if (result.error) setMessage(errorMessage(result.error, labels));
        }}
      >
        {pending ? labels.regenerating : labels.regenerate}
      </button>
      <StatusMessage
        message={message ?? (recovery.error ? errorMessage(recovery.error, labels) : null)}
        tone="error"
      />
    </section>
  );
});

const CodesView = /*#__PURE__*/ forwardRef<HTMLElement, ViewProps & { codes: readonly string[] }>(
  function CodesView({ id, codes, labels, fileName, onContinue, ...rest }, ref) {
    const [acknowledged, setAcknowledged] = useState(false);
    const [done, setDone] = useState(false);
    const [message, setMessage] = useState<string | null>(null);
    if (done) return null;
    const text = `${labels.title}\n\n${codes.join('\n')}\n`;
    return (
      <section
        ref={ref}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-description`}
        data-latchkey-recovery-codes=""
        data-state={acknowledged ? 'acknowledged' : 'unacknowledged'}
        {...rest}
      >
        <p id={`${id}-title`} data-latchkey-title="">
          {labels.title}
        </p>
        <p id={`${id}-description`} data-latchkey-description="">
          {labels.description}
        </p>
        <ol data-latchkey-codes="">
          {codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <div data-latchkey-actions="">
          <button
            type="button"
            data-latchkey-button="secondary"
            onClick={async () => {
              try {
                await navigator.clipboard.writeText(text);
                setMessage(labels.copied);
              } catch {
                // No Clipboard API (an insecure context) or permission refused.
                setMessage(labels.copyFailed);
              }
            }}
          >
            {labels.copy}
          </button>
          <a
            data-latchkey-button="secondary"
            href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
            download={fileName}
          >
            {labels.download}
          </a>
        </div>
        <label data-latchkey-checkbox="">
          <input
            type="checkbox"
            checked={acknowledged}
            onChange={(event) => setAcknowledged(event.target.checked)}
          />
          {labels.acknowledge}
        </label>
        <button
          type="button"
          data-latchkey-button="primary"
          disabled={!acknowledged}
          onClick={() => {
            setDone(true);
            onContinue?.();
          }}
        >
          {labels.continue}
        </button>
        <StatusMessage message={message} />
      </section>
    );
  },
);
