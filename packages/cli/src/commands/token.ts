import type { TokenInfo } from '@latchkey/core';
import { cliClient } from '../cli-client.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { resolveBaseUrl, resolveCredentials } from '../config/resolve-credentials.js';
import { deleteTokenFile, readTokenFile, tokenFilePath } from '../config/token-file.js';
import { tokenIdOf } from '../config/token-id-of.js';
import { authorizeDevice } from '../device/authorize-device.js';
import { formatTable, printJson, when } from '../output/print.js';
import { terminalSafe } from '../output/terminal-safe.js';
import { parseOptions, parseScopes } from './parse-options.js';

export const TOKEN_HELP = `Usage: latchkey token <create|list|revoke> [options]

  latchkey token create --name <name> [--scopes read,write] [--agent] [--no-browser]
      Makes a new token, approved in the browser with a passkey like login, and
      prints it once (it is not saved). For a script or an agent elsewhere.
  latchkey token list
      Lists your tokens (needs a token with the read scope).
  latchkey token revoke <id>
      Revokes a token at once (your own any time; others need the admin scope).

Every subcommand takes --json, --base-url <url> and --insecure.
`;

/**
 * `latchkey token create | list | revoke`.
 *
 * @example
 * await token(io, ['list', '--json']);
 */
export async function token(io: CliIo, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create':
      return create(io, rest);
    case 'list':
    case 'ls':
      return list(io, rest);
    case 'revoke':
    case 'rm':
      return revoke(io, rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      return void io.stdout(TOKEN_HELP);
    default:
      throw new CliError('USAGE', `Unknown token command "${sub}"; try latchkey token --help`);
  }
}

async function create(io: CliIo, args: string[]): Promise<void> {
  const { values } = parseOptions(
    args,
    {
      name: { type: 'string' },
      scopes: { type: 'string' },
      agent: { type: 'boolean' },
      'no-browser': { type: 'boolean' },
    },
    0,
  );
  if (values.help) return void io.stdout(TOKEN_HELP);
  const name = values.name?.trim();
  if (!name || name.length > 64)
    throw new CliError('USAGE', 'token create needs --name <name> (at most 64 characters)');
  const stored = await readTokenFile(tokenFilePath(io.env, io.homedir));
  const baseUrl = resolveBaseUrl(io, values, stored?.login.baseUrl);
  if (!baseUrl) throw new CliError('USAGE', 'Which server? Pass --base-url <url>');

  const granted = await authorizeDevice(
    cliClient(io, baseUrl),
    {
      clientName: name,
      scopes: parseScopes(values.scopes, ['read']),
      agent: values.agent === true,
    },
    io,
    { json: values.json === true, openBrowser: values['no-browser'] !== true },
  );
  const scopes = granted.scope.split(' ').filter(Boolean);
  if (values.json) {
    printJson(io, {
      token: granted.access_token,
      tokenId: tokenIdOf(granted.access_token),
      name,
      scopes,
      expiresIn: granted.expires_in ?? null,
    });
    return;
  }
  io.stderr(
    `Created token "${terminalSafe(name)}" (scopes: ${terminalSafe(scopes.join(', '))}). ` +
      'It is shown only now:\n',
  );
  io.stdout(`${terminalSafe(granted.access_token)}\n`);
}

async function list(io: CliIo, args: string[]): Promise<void> {
  const { values } = parseOptions(args, {}, 0);
  if (values.help) return void io.stdout(TOKEN_HELP);
  const credentials = await resolveCredentials(io, values);
  const { data, error } = await cliClient(io, credentials.baseUrl, credentials.token).listTokens();
  if (error) throw error;
  const current = tokenIdOf(credentials.token);
  if (values.json) {
    printJson(io, { tokens: data.tokens, current });
    return;
  }
  if (data.tokens.length === 0) return void io.stdout('No tokens.\n');
  const rows = data.tokens.map((t: TokenInfo) => [
    `${t.id === current ? '*' : ' '} ${t.id}`,
    t.name,
    t.scopes.join(','),
    t.agent ? 'yes' : 'no',
    when(t.expiresAt),
    when(t.lastUsedAt),
  ]);
  io.stdout(formatTable([['  ID', 'NAME', 'SCOPES', 'AGENT', 'EXPIRES', 'LAST USED'], ...rows]));
}

async function revoke(io: CliIo, args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {}, 1);
  if (values.help) return void io.stdout(TOKEN_HELP);
  const id = positionals[0];
  if (!id) throw new CliError('USAGE', 'token revoke needs the id of the token (see token list)');
  const credentials = await resolveCredentials(io, values);
  const { error } = await cliClient(io, credentials.baseUrl, credentials.token).revokeToken({ id });
  if (error) throw error;
  // Revoking the token this machine logs in with is a logout: the file is dead weight.
  const self = tokenIdOf(credentials.token) === id;
  const fileDeleted =
    self && credentials.source === 'file' && (await deleteTokenFile(credentials.file));
  if (values.json) return printJson(io, { revoked: id, self, fileDeleted });
  io.stdout(
    `Revoked token ${id}.${fileDeleted ? ` It was this login's; ${credentials.file} was deleted.` : ''}\n`,
  );
}
