import { isLatchkeyError, type LatchkeyError } from '@latchkey/core';
import packageJson from '../package.json' with { type: 'json' };
import { CliError } from './cli-error.js';
import { type CliIo, processIo } from './cli-io.js';
import { login } from './commands/login.js';
import { logout } from './commands/logout.js';
import { token } from './commands/token.js';
import { whoami } from './commands/whoami.js';
import { EXIT_CODES, type ExitCode, exitCodeFor } from './exit-codes.js';
import { toJson } from './output/print.js';
import { terminalSafe } from './output/terminal-safe.js';

export const HELP = `latchkey: sign scripts and agents in to a Latchkey server.

Usage:
  latchkey login --base-url <url>   Approve this machine with a passkey; saves a token
  latchkey whoami                   Who the token signs in as
  latchkey logout                   Revoke the token and delete it
  latchkey token create|list|revoke Manage personal and agent tokens

Options: --json (machine-readable output; warnings as JSON lines on stderr),
  --base-url <url>, --insecure (allow http:// to a host other than this machine),
  --help, --version
Environment: LATCHKEY_TOKEN overrides the saved token; LATCHKEY_BASE_URL the server.
Exit codes: 0 ok, 1 failure, 2 usage, 3 not logged in, 4 server unreachable,
  5 denied, 6 code expired, 7 token revoked or expired, 8 forbidden (scope),
  9 not found, 10 rate limited.
`;

const COMMANDS: Record<string, (io: CliIo, args: string[]) => Promise<void>> = {
  login,
  whoami,
  logout,
  token,
  tokens: token,
};

/**
 * Runs one `latchkey` command line and returns its exit code. Never throws: every
 * failure is printed (as `{"error":{code,message,exitCode}}` on stderr with
 * `--json`) and mapped to an exit code from `EXIT_CODES`.
 *
 * @example
 * process.exitCode = await runCli(['whoami', '--json']);
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<ExitCode> {
  const json = argv.includes('--json');
  const [command, ...rest] = argv;
  let baseUrl: string | undefined;
  const at = argv.indexOf('--base-url');
  if (at >= 0) baseUrl = argv[at + 1];
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(HELP);
      return EXIT_CODES.OK;
    }
    if (command === '--version' || command === '-v') {
      io.stdout(`${packageJson.version}\n`);
      return EXIT_CODES.OK;
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) throw new CliError('USAGE', `Unknown command "${command}"; try latchkey --help`);
    await run(io, rest);
    return EXIT_CODES.OK;
  } catch (error) {
    const failure = describeFailure(error, baseUrl);
    // A message may quote the server: JSON escapes it, prose strips it.
    if (json) io.stderr(`${toJson({ error: failure })}\n`);
    else io.stderr(`latchkey: ${terminalSafe(failure.message)}\n`);
    return failure.exitCode;
  }
}

interface Failure {
  code: string;
  message: string;
  exitCode: ExitCode;
}

function describeFailure(error: unknown, baseUrl: string | undefined): Failure {
  if (error instanceof CliError)
    return { code: error.code, message: error.message, exitCode: error.exitCode };
  if (isLatchkeyError(error))
    return {
      code: error.code,
      message: explain(error, baseUrl),
      exitCode: exitCodeFor(error.code),
    };
  return {
    code: 'INTERNAL_ERROR',
    message: `Unexpected failure: ${(error as Error)?.message ?? String(error)}`,
    exitCode: EXIT_CODES.FAILURE,
  };
}

/** What a person should read, and do, for each failure a server can report. */
function explain(error: LatchkeyError, baseUrl: string | undefined): string {
  switch (error.code) {
    case 'NETWORK_ERROR':
      return `Could not reach the server${baseUrl ? ` at ${baseUrl}` : ''}. Is it running, and is the URL right?`;
    case 'ACCESS_DENIED':
      return 'The request was denied in the browser.';
    case 'EXPIRED_TOKEN':
      return 'The code expired (or was already used) before it was approved. Run the command again.';
    case 'INVALID_TOKEN':
    case 'UNAUTHENTICATED':
      return `The token is not valid any more (revoked or expired). Run: latchkey login. (${error.message})`;
    case 'INSUFFICIENT_SCOPE':
      return `${error.message}. Log in again asking for it, e.g. latchkey login --scopes read,write.`;
    case 'RATE_LIMITED':
      return `Too many requests; try again${error.details?.retryAfter ? ` in ${error.details.retryAfter} s` : ' later'}.`;
    case 'INVALID_RESPONSE':
      return `The server's answer was not what a Latchkey server sends: is --base-url right? (${error.message})`;
    default:
      return error.message;
  }
}
