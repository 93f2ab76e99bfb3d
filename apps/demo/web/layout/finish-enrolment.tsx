import type { SessionKind } from '@latchkey/core';
import { PasskeyEnrolButton } from '@latchkey/react';
import { ERROR_SENTENCES } from '../errors/describe-error.js';

export interface FinishEnrolmentProps {
  /** `recovery`: signed in with a recovery code; `email`: by an email link; `enrol`: a paired device. */
  kind: SessionKind;
  onEnrolled?: () => void;
}

/**
 * The one thing a recovery, email-link or paired session may do: create this device's passkey.
 * Until then the server refuses everything else (`ENROLMENT_REQUIRED`).
 *
 * @example
 * if (mustAddPasskey(session.kind)) return <FinishEnrolment kind={session.kind} />;
 */
export function FinishEnrolment({ kind, onEnrolled }: FinishEnrolmentProps) {
  return (
    <section className="panel panel-attention" aria-labelledby="finish-enrolment-title">
      <h2 id="finish-enrolment-title">Add a passkey on this device</h2>
      <p>
        {kind === 'recovery'
          ? 'You signed in with a recovery code. To finish, create a passkey on this device: until you do, your account can do nothing else from here.'
          : kind === 'email'
            ? 'You signed in with a link from your email. To finish, create a passkey on this device: until you do, your account can do nothing else from here.'
            : 'A trusted device approved this one. To finish, create this device’s own passkey.'}
      </p>
      <PasskeyEnrolButton
        labels={{ enrol: 'Create a passkey on this device', errors: ERROR_SENTENCES }}
        onEnrolled={() => onEnrolled?.()}
      />
    </section>
  );
}
