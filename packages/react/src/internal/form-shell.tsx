'use client';
import type { LatchkeyError } from '@latchkey/core';
import { type ComponentPropsWithoutRef, type ForwardedRef, forwardRef, useState } from 'react';
import { composeEventHandlers } from './compose-event-handlers.js';
import { type ErrorLabels, errorMessage } from './error-message.js';
import { StatusMessage } from './status-message.js';

/** A kit form's state: `idle` → `pending` → a finished state of its own (`Done`) | `error`. */
export type FormState<Done extends string> = 'idle' | 'pending' | Done | 'error';

export interface FormOutcome<Done extends string> {
  state: FormState<Done>;
  /** What went wrong: an error from the server or the ceremony, or a sentence of the form's own. */
  error: LatchkeyError | string | null;
}

export interface FormOutcomeControls<Done extends string> extends FormOutcome<Done> {
  start: () => void;
  finish: (state: Done) => void;
  /** A cancelled ceremony goes back to `idle` with its error kept for the message: nothing failed. */
  fail: (error: LatchkeyError | string) => void;
  reset: () => void;
}

const IDLE = { state: 'idle', error: null } as const;

/**
 * The state machine every kit form shares.
 *
 * @example
 * const outcome = useFormOutcome<'sent'>();
 * outcome.start();
 * outcome.finish('sent');
 */
export function useFormOutcome<Done extends string>(): FormOutcomeControls<Done> {
  const [outcome, setOutcome] = useState<FormOutcome<Done>>(IDLE);
  return {
    ...outcome,
    start: () => setOutcome({ state: 'pending', error: null }),
    finish: (state) => setOutcome({ state, error: null }),
    fail: (error) =>
      setOutcome({
        state: typeof error !== 'string' && error.code === 'CEREMONY_CANCELLED' ? 'idle' : 'error',
        error,
      }),
    reset: () => setOutcome(IDLE),
  };
}

/**
 * The sentence for the status region: the error's (its label, else `failed`), or `done`
 * once the form has finished (`null`: nothing to say).
 *
 * @example
 * outcomeMessage(outcome, labels, outcome.state === 'sent' ? labels.sent(email) : null)
 */
export function outcomeMessage(
  outcome: FormOutcome<string>,
  labels: { errors: ErrorLabels; failed: string },
  done: string | null,
): string | null {
  if (outcome.error) {
    return typeof outcome.error === 'string' ? outcome.error : errorMessage(outcome.error, labels);
  }
  return outcome.state === 'idle' || outcome.state === 'pending' ? null : done;
}

export interface FormShellProps
  extends Omit<ComponentPropsWithoutRef<'form'>, 'onSubmit' | 'onSubmitCapture'> {
  /** Names the form for styles and tests: `data-latchkey-<part>`. */
  part: string;
  state: string;
  busy: boolean;
  /** The status region's sentence and tone (see `StatusMessage`). */
  message: string | null;
  tone?: 'success' | 'error';
  /** The app's handler: it runs first, and `event.preventDefault()` there stops the form's own. */
  onSubmit: ComponentPropsWithoutRef<'form'>['onSubmit'];
  /** The form's own work, never while it is busy. */
  onSend: () => void;
}

/**
 * The form every kit form is: `data-latchkey-<part>` with its `data-state`,
 * `aria-busy` while it works, no browser validation (the form says what is wrong),
 * the app's `onSubmit` first, and a polite status region last.
 *
 * @example
 * <FormShell part="email-link" state={state} busy={pending} message={message} onSubmit={onSubmit} onSend={send}>
 *   <button type="submit">Send</button>
 * </FormShell>
 */
export const FormShell = /*#__PURE__*/ forwardRef(function FormShell(
  { part, state, busy, message, tone, onSubmit, onSend, children, ...rest }: FormShellProps,
  ref: ForwardedRef<HTMLFormElement>,
) {
  return (
    <form
      ref={ref}
      {...{ [`data-latchkey-${part}`]: '' }}
      data-state={state}
      aria-busy={busy}
      noValidate
      onSubmit={composeEventHandlers(onSubmit, (event) => {
        event.preventDefault();
        if (!busy) onSend();
      })}
      {...rest}
    >
      {children}
      <StatusMessage message={message} tone={tone} />
    </form>
  );
});
