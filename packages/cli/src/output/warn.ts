import type { CliIo } from '../cli-io.js';
import { toJson } from './print.js';

/** What a warning is about, stable for scripts that read `--json` output. */
export type WarningCode =
  /** `--insecure`: the token travels over plain HTTP to a host that is not this machine. */
  | 'INSECURE_TRANSPORT'
  /** The token file is readable by group or others. */
  | 'TOKEN_FILE_SHARED'
  /** `LATCHKEY_TOKEN` is set and wins over the login just saved. */
  | 'LATCHKEY_TOKEN_OVERRIDES'
  /** `logout` revoked `LATCHKEY_TOKEN`, which is still set. */
  | 'LATCHKEY_TOKEN_STILL_SET'
  /** The server's approval link is not on its own origin, so it was not opened. */
  | 'LINK_ON_OTHER_ORIGIN';

/**
 * Tells the person something they should act on, on stderr, so stdout stays
 * the command's result. With `--json` it is one JSON line,
 * `{"warning":{"code","message"}}`, like errors (`{"error":{…}}`) and the
 * device-flow prompt: every line a `--json` run writes to stderr is JSON.
 *
 * @example
 * warn(io, values.json, 'TOKEN_FILE_SHARED', `${file} is readable by others`);
 */
export function warn(
  io: CliIo,
  json: boolean | undefined,
  code: WarningCode,
  message: string,
): void {
  if (json) io.stderr(`${toJson({ warning: { code, message } })}\n`);
  else io.stderr(`latchkey: warning: ${message}\n`);
}
