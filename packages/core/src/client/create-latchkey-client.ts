import * as z from 'zod/mini';
import { routes } from '../routes.js';
import { ErrorResponse } from '../schemas/error.js';
import { createFetchClient } from './internal/create-fetch-client.js';
import type { LatchkeyClient, LatchkeyClientOptions } from './latchkey-client.js';

export type {
  JsonRouteName,
  LatchkeyClient,
  LatchkeyClientOptions,
  LatchkeyResult,
  RequestOptions,
} from './latchkey-client.js';

/**
 * A typed fetch client for every route of the HTTP contract. It never throws for
 * an error answer or a network failure: it returns `{ data: null, error }` with a
 * registered `code`. Every answer is checked against its route's zod schema (an
 * answer of the wrong shape is `INVALID_RESPONSE`), and `data` is the parsed
 * value, so unknown fields are dropped. For a browser bundle without the
 * schemas, see `createLeanLatchkeyClient`.
 *
 * @example
 * const client = createLatchkeyClient({ baseUrl: '/auth' });
 * const { data, error } = await client.renamePasskey({ credentialId, name: 'Work laptop' });
 * if (error?.code === 'UNAUTHENTICATED') redirectToSignIn();
 */
export function createLatchkeyClient(options: LatchkeyClientOptions): LatchkeyClient {
  return createFetchClient(options, 'createLatchkeyClient', (name, json) =>
    z.safeParse(name === null ? ErrorResponse : routes[name].response, json),
  );
}
