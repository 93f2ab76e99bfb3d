import { type ErrorCode, isErrorCode, statusOf } from './codes.js';

/**
 * The one error class of Latchkey. `code` is stable and registered in
 * `ERROR_CODES`; `status` is the HTTP status that goes with it; `cause` keeps
 * the original error (for example SimpleWebAuthn's) for logs.
 *
 * @example
 * try { await latchkey.api.passkeys.remove(userId, id) }
 * catch (err) { if (isLatchkeyError(err) && err.code === 'LAST_CREDENTIAL') … }
 */
export class LatchkeyError extends Error {
  override readonly name = 'LatchkeyError';
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra facts for the caller, such as `retryAfter` (seconds) for `RATE_LIMITED`. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: Record<string, unknown>; status?: number },
  ) {
    super(message ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status ?? statusOf(code);
    this.details = options?.details;
  }

  /** The wire shape: `{"error":{"code","message"}}`. */
  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * Narrows `value` to a `LatchkeyError`, also across bundle copies (by shape).
 *
 * @example
 * if (isLatchkeyError(err)) console.log(err.code)
 */
export function isLatchkeyError(value: unknown): value is LatchkeyError {
  return (
    value instanceof LatchkeyError ||
    (value instanceof Error &&
      value.name === 'LatchkeyError' &&
      isErrorCode((value as LatchkeyError).code))
  );
}
