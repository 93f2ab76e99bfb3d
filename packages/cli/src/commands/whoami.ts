import { LatchkeyError } from '@latchkey/core';
import { cliClient } from '../cli-client.js';
import type { CliIo } from '../cli-io.js';
import { resolveCredentials } from '../config/resolve-credentials.js';
import { tokenIdOf } from '../config/token-id-of.js';
import { printJson } from '../output/print.js';
import { terminalSafe } from '../output/terminal-safe.js';
import { describeUser } from './describe-user.js';
import { parseOptions } from './parse-options.js';

export const WHOAMI_HELP = `Usage: latchkey whoami [--json] [--base-url <url>] [--insecure]

Shows who the token (LATCHKEY_TOKEN, or the one saved by login) signs in as.
`;

/**
 * `latchkey whoami`: asks the server who the token belongs to.
 *
 * @example
 * await whoami(io, ['--json']);
 */
export async function whoami(io: CliIo, args: string[]): Promise<void> {
  const { values } = parseOptions(args, {}, 0);
  if (values.help) return void io.stdout(WHOAMI_HELP);
  const credentials = await resolveCredentials(io, values);
  const { data, error } = await cliClient(io, credentials.baseUrl, credentials.token).getSession();
  if (error) throw error;
  if (!data.user) throw new LatchkeyError('INVALID_TOKEN', 'The server does not know this token');
  const tokenFrom = credentials.source === 'file' ? credentials.file : 'LATCHKEY_TOKEN';
  if (values.json) {
    printJson(io, {
      user: data.user,
      baseUrl: credentials.baseUrl,
      tokenId: tokenIdOf(credentials.token),
      tokenSource: credentials.source,
    });
    return;
  }
  io.stdout(
    `${describeUser(data.user)}\n` +
      `  user id: ${terminalSafe(data.user.id)}\n` +
      `  server:  ${credentials.baseUrl}\n` +
      `  token:   ${tokenIdOf(credentials.token) ?? '(not a Latchkey token id)'} from ${tokenFrom}\n`,
  );
}
