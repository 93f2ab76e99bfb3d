import { cliClient } from '../cli-client.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { resolveCredentials } from '../config/resolve-credentials.js';
import { deleteTokenFile, readTokenFile } from '../config/token-file.js';
import { tokenIdOf } from '../config/token-id-of.js';
import { printJson } from '../output/print.js';
import { warn } from '../output/warn.js';
import { parseOptions } from './parse-options.js';

export const LOGOUT_HELP = `Usage: latchkey logout [--json] [--base-url <url>] [--insecure]

Revokes the token on the server, then deletes ~/.config/latchkey/token.
With LATCHKEY_TOKEN set, that token is revoked (the file is deleted only if it
holds the same token).
`;

/**
 * `latchkey logout`: revoke on the server first; delete the file only once the
 * server no longer honours the token (or never did).
 *
 * @example
 * await logout(io, []);
 */
export async function logout(io: CliIo, args: string[]): Promise<void> {
  const { values } = parseOptions(args, {}, 0);
  if (values.help) return void io.stdout(LOGOUT_HELP);
  const credentials = await resolveCredentials(io, values);
  const id = tokenIdOf(credentials.token);
  if (!id)
    throw new CliError(
      'USAGE',
      'This token has no Latchkey token id; revoke it in the browser, then unset it',
    );

  const { error } = await cliClient(io, credentials.baseUrl, credentials.token).revokeToken({ id });
  // A token the server no longer knows is as logged out as it gets.
  const alreadyInvalid = error?.code === 'INVALID_TOKEN' || error?.code === 'NOT_FOUND';
  if (error && !alreadyInvalid) throw error;

  const stored = await readTokenFile(credentials.file);
  const fileDeleted =
    stored?.login.token === credentials.token ? await deleteTokenFile(credentials.file) : false;

  if (values.json) {
    printJson(io, { tokenId: id, revoked: !alreadyInvalid, alreadyInvalid, fileDeleted });
    return;
  }
  io.stdout(
    `${alreadyInvalid ? 'The token was already revoked or expired' : `Revoked token ${id}`}` +
      `${fileDeleted ? ` and deleted ${credentials.file}` : ''}.\n`,
  );
  if (credentials.source === 'LATCHKEY_TOKEN')
    warn(
      io,
      values.json,
      'LATCHKEY_TOKEN_STILL_SET',
      'LATCHKEY_TOKEN is still set in your environment; unset it',
    );
}
