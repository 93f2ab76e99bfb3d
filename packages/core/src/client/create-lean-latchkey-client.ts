import { createFetchClient } from './internal/create-fetch-client.js';
import type { LatchkeyClient, LatchkeyClientOptions } from './latchkey-client.js';

/**
 * The same client as `createLatchkeyClient` (same methods, same `{ data, error }`
 * results, errors mapped from the `{"error":{"code"}}` body to registered codes,
 * `NETWORK_ERROR` and `INVALID_RESPONSE` for what is not a Latchkey answer), made
 * without a single schema, so a bundle that uses it carries neither zod nor the
 * protocol's schemas (about 2.5 KB gzip instead of about 14 KB).
 *
 * The trade-off: a success body is not validated. `data` is the JSON the server
 * sent, typed as the route's response but unchecked, with any extra fields kept.
 * Use it where the server is your own Latchkey server of the same version (the
 * React kit's `LatchkeyProvider baseUrl` does); use `createLatchkeyClient` where
 * answers cross a trust or version boundary, or in tests of a server.
 *
 * @example
 * const client = createLeanLatchkeyClient({ baseUrl: '/auth' });
 * const { data, error } = await client.getSession();
 * if (data?.user) console.log(data.user.email);
 */
export function createLeanLatchkeyClient(options: LatchkeyClientOptions): LatchkeyClient {
  return createFetchClient(options, 'createLeanLatchkeyClient');
}
