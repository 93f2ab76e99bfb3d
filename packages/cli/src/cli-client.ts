import { createLatchkeyClient, type LatchkeyClient } from '@latchkey/core';
import packageJson from '../package.json' with { type: 'json' };
import type { CliIo } from './cli-io.js';

/** Sent as User-Agent, so a person sees "latchkey CLI" in their session and audit lists. */
export const USER_AGENT = `latchkey-cli/${packageJson.version} (node ${process.versions.node}; ${process.platform})`;

/**
 * A typed client for the server at `baseUrl`, sending the token (when given)
 * as `Authorization: Bearer` and never cookies.
 *
 * @example
 * const client = cliClient(io, 'https://app.example/auth', token);
 * const { data, error } = await client.getSession();
 */
export function cliClient(io: CliIo, baseUrl: string, token?: string): LatchkeyClient {
  return createLatchkeyClient({
    baseUrl,
    fetch: io.fetch,
    credentials: 'omit',
    headers: {
      'user-agent': USER_AGENT,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
}
