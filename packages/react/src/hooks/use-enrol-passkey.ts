'use client';
import type { LatchkeyResult } from '@latchkey/core';
import { type Enrolled, type EnrolOptions, enrolPasskeyIn } from '../client/enrol-passkey.js';
import { passkeyName } from '../internal/passkey-name.js';
import { type ActionState, useAction } from '../internal/use-action.js';
import { useSessionStore } from './use-latchkey-client.js';

export type UseEnrolPasskeyResult = ActionState<Enrolled> & {
  /** Creates a passkey on this device; the name defaults to "Browser on OS". */
  enrol: (options?: EnrolOptions) => Promise<LatchkeyResult<Enrolled>>;
  reset: () => void;
};

/**
 * Enrols a passkey on this device: at sign-up, from a signed-in account, a
 * recovery session or a paired device. The session refreshes after it.
 *
 * @example
 * const { enrol, status, data } = useEnrolPasskey();
 * <button onClick={() => enrol()} aria-busy={status === 'pending'}>Add a passkey</button>
 */
export function useEnrolPasskey(): UseEnrolPasskeyResult {
  const store = useSessionStore();
  const [state, enrol, reset] = useAction((options: EnrolOptions = {}) =>
    enrolPasskeyIn(store, { ...options, name: passkeyName(options.name) }),
  );
  return { ...state, enrol, reset };
}
