import type { ErrorCode } from '@latchkey/core';

/**
 * What `latchkey` exits with. Each failure a script may want to react to has
 * its own code, so `if [ $? -eq 7 ]; then latchkey login; fi` works.
 *
 * @example
 * if (code === EXIT_CODES.TOKEN_INVALID) console.error('log in again');
 */
export const EXIT_CODES = {
  OK: 0,
  /** Anything not listed below (a server error, an answer that makes no sense). */
  FAILURE: 1,
  /** A wrong command, option or argument. */
  USAGE: 2,
  /** No token: neither `LATCHKEY_TOKEN` nor a token file. */
  NOT_SIGNED_IN: 3,
  /** The server could not be reached. */
  UNREACHABLE: 4,
  /** The person denied the request in the browser. */
  DENIED: 5,
  /** The device code expired before anyone approved it. */
  EXPIRED: 6,
  /** The token was revoked, expired or never existed. */
  TOKEN_INVALID: 7,
  /** The token lacks a scope, or tokens may not do this. */
  FORBIDDEN: 8,
  /** No such token (or other thing) on the server. */
  NOT_FOUND: 9,
  /** Too many requests; try again later. */
  RATE_LIMITED: 10,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * The exit code for a server's (or the client's) error code.
 *
 * @example
 * exitCodeFor('ACCESS_DENIED') // 5
 */
export function exitCodeFor(code: ErrorCode): ExitCode {
  switch (code) {
    case 'NETWORK_ERROR':
      return EXIT_CODES.UNREACHABLE;
    case 'ACCESS_DENIED':
      return EXIT_CODES.DENIED;
    case 'EXPIRED_TOKEN':
      return EXIT_CODES.EXPIRED;
    case 'INVALID_TOKEN':
    case 'UNAUTHENTICATED':
      return EXIT_CODES.TOKEN_INVALID;
    case 'INSUFFICIENT_SCOPE':
    case 'FORBIDDEN':
    case 'STEP_UP_REQUIRED':
      return EXIT_CODES.FORBIDDEN;
    case 'NOT_FOUND':
    case 'INVALID_PARAMS':
      return EXIT_CODES.NOT_FOUND;
    case 'RATE_LIMITED':
      return EXIT_CODES.RATE_LIMITED;
    default:
      return EXIT_CODES.FAILURE;
  }
}
