'use client';
import type { LatchkeyResult } from '@latchkey/core';
import type { SteppedUp } from '../client/step-up.js';
import { type ActionState, useAction } from '../internal/use-action.js';
import { useSessionStore } from './use-latchkey-client.js';

export type UseStepUpResult = ActionState<SteppedUp> & {
  /** Confirms with a passkey now; the session is elevated for a few minutes after. */
  stepUp: () => Promise<LatchkeyResult<SteppedUp>>;
  /**
   * Calls `call`; on `STEP_UP_REQUIRED` steps up (on `POP_REQUIRED` the extensions
   * prove possession) and calls it once more.
   */
  withStepUp: <T>(call: () => Promise<LatchkeyResult<T>>) => Promise<LatchkeyResult<T>>;
};

/**
 * Step-up (re-verification with a passkey) for sensitive actions, such as
 * creating a token. The kit's own components already use it where the server
 * asks for it.
 *
 * @example
 * const client = useLatchkeyClient();
 * const { withStepUp } = useStepUp();
 * const { data, error } = await withStepUp(() => client.createToken({ name: 'CI', scopes: ['read'] }));
 */
export function useStepUp(): UseStepUpResult {
  const store = useSessionStore();
  const [state, stepUp] = useAction(store.stepUp);
  return { ...state, stepUp, withStepUp: store.withStepUp };
}
