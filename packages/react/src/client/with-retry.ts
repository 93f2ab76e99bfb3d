'use client';
import type { ErrorCode, LatchkeyError, LatchkeyResult } from '@latchkey/core';

/**
 * What fixes an error a request answered, such as a step-up for
 * `STEP_UP_REQUIRED`: `null` when nothing can, else the fix's outcome.
 */
export type Recovery = (error: LatchkeyError) => Promise<LatchkeyResult<unknown>> | null;

/**
 * Calls `call`; when it answers an error `recover` can fix and the fix works,
 * calls it once more. Each error code is fixed at most once, so a locked session
 * can prove possession and then step up, but nothing loops. A failed fix (a
 * cancelled step-up) is returned as it is.
 *
 * @example
 * const result = await withRetry(() => client.deletePasskey({ credentialId }), (error) =>
 *   error.code === 'STEP_UP_REQUIRED' ? stepUp(client, coordinator) : null,
 * );
 */
export async function withRetry<T>(
  call: () => Promise<LatchkeyResult<T>>,
  recover: Recovery,
): Promise<LatchkeyResult<T>> {
  let result = await call();
  const tried = new Set<ErrorCode>();
  while (result.error && !tried.has(result.error.code)) {
    tried.add(result.error.code);
    const fix = recover(result.error);
    if (!fix) break;
    const fixed = await fix;
    if (fixed.error) return fixed;
    result = await call();
  }
  return result;
}
