'use client';
import {
  type ComponentPropsWithoutRef,
  type ForwardedRef,
  forwardRef,
  type ReactNode,
  useEffect,
  useId,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import type { Enrolled } from '../client/enrol-passkey.js';
import {
  dismissPairPrompt,
  isPairPromptDismissed,
  subscribePairPromptDismissal,
} from '../client/pair-prompt-dismissal.js';
import { usePairing } from '../hooks/use-pairing.js';
import { useSession } from '../hooks/use-session.js';
import { type ErrorLabels, errorMessage } from '../internal/error-message.js';
import { StatusMessage } from '../internal/status-message.js';
import { useControllableState } from '../internal/use-controllable-state.js';
import {
  PasskeyEnrolButton,
  type PasskeyEnrolButtonLabels,
} from '../passkey-enrol-button/passkey-enrol-button.js';
import { useLabels } from '../provider/latchkey-labels.js';
import { RecoveryCodes, type RecoveryCodesLabels } from '../recovery-codes/recovery-codes.js';

export interface PairPromptLabels {
  title: string;
  description: string;
  enrolHere: string;
  pair: string;
  dismiss: string;
  starting: string;
  enterCode: string;
  /** Under the code: both screens must show the same code (RFC 8628 §5.4). */
  checkCode: string;
  waiting: string;
  cancel: string;
  approved: string;
  denied: string;
  expired: string;
  failed: string;
  retry: string;
  enrolled: string;
  done: string;
  errors: ErrorLabels;
  enrolButton: Partial<PasskeyEnrolButtonLabels>;
  recoveryCodes: Partial<RecoveryCodesLabels>;
}

export const DEFAULT_PAIR_PROMPT_LABELS: PairPromptLabels = {
  title: 'Use a passkey on this device',
  description: 'This device has no passkey for this site yet.',
  enrolHere: 'Create a passkey here',
  pair: 'Pair with a trusted device',
  dismiss: 'Not now',
  starting: 'Asking for a pairing code…',
  enterCode: 'On a device where you are signed in, open your passkey settings and enter this code:',
  checkCode:
    'The device that approves shows this code again: approve only if it is exactly the same. Never send it to anyone.',
  waiting: 'Waiting for approval…',
  cancel: 'Cancel',
  approved: 'Approved. Create a passkey on this device to finish.',
  denied: 'The other device denied the request.',
  expired: 'The code expired before it was approved.',
  failed: 'Pairing did not work.',
  retry: 'Try again',
  enrolled: 'This device now has a passkey.',
  done: 'Done',
  errors: {},
  enrolButton: {},
  recoveryCodes: {},
};

export type PairPromptState =
  | 'choose'
  | 'starting'
  | 'pending'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'error'
  | 'enrolled';

export interface PairPromptProps extends Omit<ComponentPropsWithoutRef<'section'>, 'children'> {
  /**
   * Whether this device lacks a passkey for this origin. By default the session
   * says so: `rp.grace` (no passkey enrolled for this RP ID yet).
   */
  needed?: boolean;
  /** Controlled visibility. */
  open?: boolean;
  /** Uncontrolled initial visibility (default: `needed`, unless dismissed in this browser). */
  defaultOpen?: boolean;
  /** Called when the prompt asks to close (dismissed or done). */
  onOpenChange?: (open: boolean) => void;
  onEnrolled?: (result: Enrolled) => void;
  /** Milliseconds between pairing status polls (default 2000). */
  pollInterval?: number;
  /**
   * Shown under the pairing code, for example a QR code of your approval page's
   * link (`/pair?code=…`) so the trusted device can scan instead of typing.
   */
  renderCode?: (code: string) => ReactNode;
  labels?: Partial<PairPromptLabels>;
}

/**
 * Offers a device without a passkey for this origin two ways in: create one
 * here, or pair with a trusted device (show a code, wait for approval, then
 * create one). Dismissing it is remembered per RP ID in this browser;
 * `resetPairPromptDismissal()` brings it back.
 *
 * @example
 * <PairPrompt onEnrolled={() => navigate('/')} />
 */
export const PairPrompt = /*#__PURE__*/ forwardRef(function PairPrompt(
  {
    needed: neededProp,
    open: openProp,
    defaultOpen,
    onOpenChange,
    onEnrolled,
    pollInterval,
    renderCode,
    labels: custom,
    ...rest
  }: PairPromptProps,
  ref: ForwardedRef<HTMLElement>,
) {
  const labels = useLabels('pairPrompt', DEFAULT_PAIR_PROMPT_LABELS, custom);
  const { rp } = useSession();
  const rpId = rp?.id ?? null;
  const dismissed = useSyncExternalStore(
    subscribePairPromptDismissal,
    () => (rpId ? isPairPromptDismissed(rpId) : null),
    // On a server, and until the session names the RP ID, nothing is known: stay closed.
    () => null,
  );
  const needed = neededProp ?? rp?.grace ?? false;
  const pairing = usePairing({ interval: pollInterval });
  const [enrolled, setEnrolled] = useState<Enrolled | null>(null);
  const [engaged, setEngaged] = useState(false);
  const auto = (needed && dismissed === false) || engaged;
  const [open, setOpen] = useControllableState<boolean | undefined>(
    openProp,
    defaultOpen,
    (next) => {
      if (next !== undefined) onOpenChange?.(next);
    },
  );
  const id = useId();

  // A reset dismissal brings an uncontrolled prompt back.
  const wasDismissed = useRef(dismissed);
  useEffect(() => {
    if (
      wasDismissed.current === true &&
      dismissed === false &&
      open === false &&
      openProp === undefined
    ) {
      setOpen(undefined);
    }
    wasDismissed.current = dismissed;
  }, [dismissed, open, openProp, setOpen]);

  if (!(open ?? auto)) return null;

  const close = (remember: boolean) => {
    if (remember && rpId) dismissPairPrompt(rpId);
    pairing.cancel();
    setEngaged(false);
    setEnrolled(null);
    setOpen(false);
  };
  const handleEnrolled = (result: Enrolled) => {
    setEnrolled(result);
    onEnrolled?.(result);
  };

  const state: PairPromptState = enrolled
    ? 'enrolled'
    : pairing.status === 'idle'
      ? 'choose'
      : pairing.status;
  const busy = state === 'starting' || state === 'pending';

  let body: ReactNode;
  let message: string | null = null;
  switch (state) {
    case 'choose':
      body = (
        <div data-latchkey-actions="">
          <PasskeyEnrolButton
            onClick={() => setEngaged(true)}
            onEnrolled={handleEnrolled}
            showRecoveryCodes={false}
            labels={{ enrol: labels.enrolHere, ...labels.enrolButton }}
          />
          <button
            type="button"
            data-latchkey-button="secondary"
            onClick={() => {
              setEngaged(true);
              void pairing.start();
            }}
          >
            {labels.pair}
          </button>
        </div>
      );
      break;
    case 'starting':
      body = <p data-latchkey-placeholder="">{labels.starting}</p>;
      break;
    case 'pending':
      body = (
        <>
          <p id={`${id}-code-label`}>{labels.enterCode}</p>
          <output data-latchkey-pairing-code="" aria-labelledby={`${id}-code-label`}>
            {pairing.code}
          </output>
          <p data-latchkey-hint="">{labels.checkCode}</p>
          {pairing.code && renderCode?.(pairing.code)}
          <p data-latchkey-placeholder="">{labels.waiting}</p>
          <button type="button" data-latchkey-button="secondary" onClick={pairing.cancel}>
            {labels.cancel}
          </button>
        </>
      );
      break;
    case 'approved':
      message = labels.approved;
      body = (
        <PasskeyEnrolButton
          onEnrolled={handleEnrolled}
          showRecoveryCodes={false}
          labels={{ enrol: labels.enrolHere, ...labels.enrolButton }}
        />
      );
      break;
    case 'enrolled':
      message = labels.enrolled;
      body = (
        <>
          {enrolled?.recoveryCodes && (
            <RecoveryCodes codes={enrolled.recoveryCodes} labels={labels.recoveryCodes} />
          )}
          <button type="button" data-latchkey-button="primary" onClick={() => close(false)}>
            {labels.done}
          </button>
        </>
      );
      break;
    default:
      // `denied`, `expired` or `error`.
      message = state === 'error' ? errorMessage(pairing.error, labels) : labels[state];
      body = (
        <button type="button" data-latchkey-button="secondary" onClick={() => void pairing.start()}>
          {labels.retry}
        </button>
      );
  }

  return (
    <section
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-description`}
      aria-busy={busy}
      data-latchkey-pair-prompt=""
      data-state={state}
      {...rest}
    >
      <p id={`${id}-title`} data-latchkey-title="">
        {labels.title}
      </p>
      <p id={`${id}-description`} data-latchkey-description="">
        {labels.description}
      </p>
      {body}
      <StatusMessage
        message={message}
        tone={state === 'enrolled' || state === 'approved' ? 'success' : 'error'}
      />
      {state !== 'enrolled' && (
        <button
          type="button"
          data-latchkey-button="ghost"
          data-latchkey-dismiss=""
          onClick={() => close(true)}
        >
          {labels.dismiss}
        </button>
      )}
    </section>
  );
});
