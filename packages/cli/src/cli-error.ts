import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** Codes of failures the CLI finds by itself, before or without asking a server. */
export type CliErrorCode =
  | 'USAGE'
  | 'NOT_SIGNED_IN'
  | 'TOKEN_FILE'
  /** A plain `http://` base URL to another machine, without `--insecure` (exit code 2). */
  | 'INSECURE_BASE_URL';

/**
 * A failure found by the CLI itself (a bad option, no token). Server and
 * network failures stay `LatchkeyError`s.
 *
 * @example
 * throw new CliError('USAGE', 'token revoke needs a token id');
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;

  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
    this.exitCode =
      code === 'USAGE' || code === 'INSECURE_BASE_URL'
        ? EXIT_CODES.USAGE
        : code === 'NOT_SIGNED_IN'
          ? EXIT_CODES.NOT_SIGNED_IN
          : EXIT_CODES.FAILURE;
  }
}
