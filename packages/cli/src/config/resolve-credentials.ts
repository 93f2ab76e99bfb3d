import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { warn } from '../output/warn.js';
import { requireSecureTransport } from './require-secure-transport.js';
import { readTokenFile, tokenFilePath } from './token-file.js';

/** The server and token a command uses, and where the token came from. */
export interface Credentials {
  baseUrl: string;
  token: string;
  source: 'LATCHKEY_TOKEN' | 'file';
  /** The token file's path (whether or not it was used). */
  file: string;
}

/**
 * Turns what a person types into where the routes live: an origin alone gets
 * the default base path `/auth`; a URL with a path is used as it is.
 *
 * @example
 * normaliseBaseUrl('http://localhost:3000')        // 'http://localhost:3000/auth'
 * normaliseBaseUrl('https://app.example/api/auth/') // 'https://app.example/api/auth'
 */
export function normaliseBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new CliError('USAGE', `--base-url must be a URL like https://app.example (got ${input})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new CliError('USAGE', '--base-url must start with http:// or https://');
  if (url.username || url.password || url.search || url.hash)
    throw new CliError('USAGE', '--base-url must not carry credentials, a query or a fragment');
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path || '/auth'}`;
}

/** What a command line says about the server and the output: its parsed common options. */
export interface ServerOptions {
  /** `--base-url`. */
  'base-url'?: string;
  /** `--insecure`: allow plain HTTP to a host that is not loopback. */
  insecure?: boolean;
  /** `--json`: warnings go out as JSON lines. */
  json?: boolean;
}

/**
 * The base URL: `--base-url`, else `LATCHKEY_BASE_URL`, else the one saved at
 * login; null when there is none. Whichever it is must pass
 * `requireSecureTransport`: a saved `http://` login needs `--insecure` again on
 * every command, since every command sends the token.
 *
 * @example
 * resolveBaseUrl(io, values, stored?.login.baseUrl)
 */
export function resolveBaseUrl(
  io: CliIo,
  options: ServerOptions,
  saved: string | undefined,
): string | null {
  const given = options['base-url'] ?? io.env.LATCHKEY_BASE_URL;
  const baseUrl = given ? normaliseBaseUrl(given) : (saved ?? null);
  if (baseUrl) requireSecureTransport(io, baseUrl, options);
  return baseUrl;
}

/**
 * The token to use: `LATCHKEY_TOKEN` overrides the token file. Throws
 * `NOT_SIGNED_IN` when there is neither.
 *
 * @example
 * const { baseUrl, token } = await resolveCredentials(io, values);
 */
export async function resolveCredentials(io: CliIo, options: ServerOptions): Promise<Credentials> {
  const file = tokenFilePath(io.env, io.homedir);
  const stored = await readTokenFile(file);
  const fromEnv = io.env.LATCHKEY_TOKEN?.trim();
  if (stored?.shared && !fromEnv)
    warn(
      io,
      options.json,
      'TOKEN_FILE_SHARED',
      `${file} is readable by others; run chmod 600 ${file}`,
    );
  const token = fromEnv || stored?.login.token;
  if (!token)
    throw new CliError(
      'NOT_SIGNED_IN',
      'Not logged in. Run `latchkey login --base-url <url>`, or set LATCHKEY_TOKEN.',
    );
  const baseUrl = resolveBaseUrl(io, options, stored?.login.baseUrl);
  if (!baseUrl)
    throw new CliError(
      'USAGE',
      'Which server? Pass --base-url <url> or set LATCHKEY_BASE_URL along with LATCHKEY_TOKEN.',
    );
  return { baseUrl, token, source: fromEnv ? 'LATCHKEY_TOKEN' : 'file', file };
}
