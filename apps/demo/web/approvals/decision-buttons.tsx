import type { ReactNode } from 'react';

export type Decision = 'approve' | 'deny';

/**
 * Approve and Deny for a request someone else made (a command-line sign-in, a
 * device to pair): one decision at a time, each button saying while it runs.
 * `children` adds more buttons after them.
 *
 * @example
 * <DecisionButtons pending={pending} approveLabel="Approve this device" onDecide={decide} />
 */
export function DecisionButtons({
  pending,
  approveLabel,
  approveDisabled = false,
  onDecide,
  children,
}: {
  /** What is under way: a decision, another step of the page, or nothing. */
  pending: string | null;
  approveLabel: string;
  /** Approving is not offered (an expired code); denying still is. */
  approveDisabled?: boolean;
  onDecide: (decision: Decision) => void;
  children?: ReactNode;
}) {
  return (
    <div className="actions">
      <button
        type="button"
        className="button-primary"
        aria-disabled={pending !== null || approveDisabled || undefined}
        onClick={() => {
          if (!approveDisabled) onDecide('approve');
        }}
      >
        {pending === 'approve' ? 'Approving…' : approveLabel}
      </button>
      <button
        type="button"
        className="button-danger"
        aria-disabled={pending !== null || undefined}
        onClick={() => onDecide('deny')}
      >
        {pending === 'deny' ? 'Denying…' : 'Deny'}
      </button>
      {children}
    </div>
  );
}
