import { type ErrorCode, LatchkeyError, type LatchkeyResult } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { type Recovery, withRetry } from './with-retry.js';

/** A call that answers `codes` in turn, then `ok`; counts its calls. */
function answering(...codes: ErrorCode[]) {
  const call = async (): Promise<LatchkeyResult<string>> => {
    const code = codes[call.count++];
    return code ? { data: null, error: new LatchkeyError(code) } : { data: 'ok', error: null };
  };
  call.count = 0;
  return call;
}

const fixes: Recovery = (error) =>
  error.code === 'STEP_UP_REQUIRED' || error.code === 'POP_REQUIRED'
    ? Promise.resolve({ data: true, error: null })
    : null;

describe('withRetry', () => {
  it('returns a success or an error nothing fixes without a retry', async () => {
    const ok = answering();
    expect(await withRetry(ok, fixes)).toEqual({ data: 'ok', error: null });
    const limited = answering('RATE_LIMITED');
    expect((await withRetry(limited, fixes)).error?.code).toBe('RATE_LIMITED');
    expect([ok.count, limited.count]).toEqual([1, 1]);
  });

  it('fixes and calls once more', async () => {
    const call = answering('POP_REQUIRED');
    expect(await withRetry(call, fixes)).toEqual({ data: 'ok', error: null });
    expect(call.count).toBe(2);
  });

  it('fixes each code once: a second POP_REQUIRED is returned', async () => {
    const call = answering('POP_REQUIRED', 'POP_REQUIRED');
    expect((await withRetry(call, fixes)).error?.code).toBe('POP_REQUIRED');
    expect(call.count).toBe(2);
  });

  it('fixes two different codes in turn (prove, then step up)', async () => {
    const call = answering('POP_REQUIRED', 'STEP_UP_REQUIRED');
    expect(await withRetry(call, fixes)).toEqual({ data: 'ok', error: null });
    expect(call.count).toBe(3);
  });

  it('returns a failed fix as it is, without a retry', async () => {
    const call = answering('STEP_UP_REQUIRED');
    const cancelled = new LatchkeyError('CEREMONY_CANCELLED');
    const result = await withRetry(call, () => Promise.resolve({ data: null, error: cancelled }));
    expect(result.error).toBe(cancelled);
    expect(call.count).toBe(1);
  });
});
