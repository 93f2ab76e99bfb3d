import { LatchkeyError } from '@latchkey/core';
import { cliClient } from '../cli-client.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { isPlainHttpToAnotherHost } from '../config/require-secure-transport.js';
import { resolveBaseUrl } from '../config/resolve-credentials.js';
import { readTokenFile, tokenFilePath, writeTokenFile } from '../config/token-file.js';
import { tokenIdOf } from '../config/token-id-of.js';
import { authorizeDevice } from '../device/authorize-device.js';
import { printJson } from '../output/print.js';
import { terminalSafe } from '../output/terminal-safe.js';
import { warn } from '../output/warn.js';
import { describeUser } from './describe-user.js';
import { parseOptions, parseScopes } from './parse-options.js';

export const LOGIN_HELP = `Usage: latchkey login --base-url <url> [options]

Signs this machine in. It prints a link and a code; a person opens the link,
checks the code and approves with a passkey. The token is saved to
~/.config/latchkey/token, readable by you only (0600).

Options:
  --base-url <url>   The server: https://app.example (routes under /auth), or
                     the full routes URL such as https://app.example/api/auth
  --scopes <list>    Scopes to ask for, comma-separated (default: read)
  --name <name>      The token's name on the server (default: latchkey CLI on <host>)
  --agent            Mark the token as one an AI agent uses
  --no-browser       Only print the link; do not open a browser (a link on
                     another origin than the server's is never opened)
  --insecure         Allow plain http:// to a host other than this machine
  --json             Print the result as JSON
`;

/**
 * `latchkey login`: the device flow, then the token saved to the token file.
 *
 * @example
 * await login(io, ['--base-url', 'https://app.example', '--scopes', 'read,write']);
 */
export async function login(io: CliIo, args: string[]): Promise<void> {
  const { values } = parseOptions(
    args,
    {
      scopes: { type: 'string' },
      name: { type: 'string' },
      agent: { type: 'boolean' },
      'no-browser': { type: 'boolean' },
    },
    0,
  );
  if (values.help) return void io.stdout(LOGIN_HELP);
  const file = tokenFilePath(io.env, io.homedir);
  const previous = await readTokenFile(file);
  const baseUrl = resolveBaseUrl(io, values, previous?.login.baseUrl);
  if (!baseUrl) throw new CliError('USAGE', 'Which server? Run: latchkey login --base-url <url>');
  const scopes = parseScopes(values.scopes, ['read']);
  const name = (values.name ?? `latchkey CLI on ${io.hostname}`).slice(0, 64);

  const client = cliClient(io, baseUrl);
  const granted = await authorizeDevice(
    client,
    { clientName: name, scopes, agent: values.agent === true },
    io,
    { json: values.json === true, openBrowser: values['no-browser'] !== true },
  );
  const token = granted.access_token;
  const who = await cliClient(io, baseUrl, token).getSession();
  if (who.error) throw who.error;
  if (!who.data.user) throw new LatchkeyError('INVALID_RESPONSE', 'The new token signs no one in');

  await writeTokenFile(file, {
    baseUrl,
    token,
    scopes: granted.scope.split(' ').filter(Boolean),
    savedAt: new Date().toISOString(),
  });

  // The token this login replaces would otherwise live on unused until it expires.
  let replaced = false;
  if (previous && previous.login.token !== token) {
    const oldId = tokenIdOf(previous.login.token);
    // The old token goes over plain HTTP only where the new login allowed it.
    const allowed = values.insecure || !isPlainHttpToAnotherHost(previous.login.baseUrl);
    if (oldId && allowed) {
      const old = cliClient(io, previous.login.baseUrl, previous.login.token);
      replaced = !(await old.revokeToken({ id: oldId })).error;
    }
  }

  const expiresAt =
    granted.expires_in === undefined
      ? null
      : new Date(Date.now() + granted.expires_in * 1000).toISOString();
  if (values.json) {
    printJson(io, {
      baseUrl,
      user: who.data.user,
      tokenId: tokenIdOf(token),
      scopes: granted.scope.split(' ').filter(Boolean),
      expiresAt,
      tokenFile: file,
      replacedPrevious: replaced,
    });
  } else {
    io.stdout(
      `Logged in to ${new URL(baseUrl).origin} as ${describeUser(who.data.user)} (scopes: ${terminalSafe(granted.scope)}).\n` +
        `Token saved to ${file}${expiresAt ? `; it expires ${expiresAt.slice(0, 10)}` : ''}.\n` +
        (replaced ? 'The token of the previous login was revoked.\n' : ''),
    );
  }
  if (io.env.LATCHKEY_TOKEN)
    warn(
      io,
      values.json,
      'LATCHKEY_TOKEN_OVERRIDES',
      'LATCHKEY_TOKEN is set, and overrides this login while it is',
    );
}
