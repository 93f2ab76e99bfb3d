import { ExternalId, LatchkeyError } from '@latchkey/core';
import * as z from 'zod/mini';
import { createUser } from '../accounts/create-user.js';
import type { AppIdentity } from '../config/latchkey-config.js';
import type { RequestContext } from '../http/request-context.js';
import type { Services } from '../services.js';
import type { UserRecord } from '../stores/contract.js';

/**
 * What the host app's `identify` hook says about a request: its answer checked
 * (a wrong shape is the app's bug: `TypeError`), or null. The hook sees the
 * URL, method and headers, never the body, which stays Latchkey's to read.
 *
 * @example
 * const identity = await askApp(services, ctx.request);
 */
export async function askApp(services: Services, request: Request): Promise<AppIdentity | null> {
  const { identify } = services.config;
  if (!identify) return null;
  const answer = await identify(
    new Request(request.url, { method: request.method, headers: request.headers }),
  );
  if (answer === null || answer === undefined) return null;
  if (typeof answer !== 'object' || !z.safeParse(ExternalId, answer.externalId).success)
    throw new TypeError('identify must answer null or { externalId, email?, displayName? }');
  return answer;
}

/**
 * The Latchkey user of the app's signed-in person: found by `externalId`
 * (never by email: an address the app did not verify must not reach another
 * account), or created on first use with the identity's email and display
 * name. A first use whose email another Latchkey user has is `EMAIL_TAKEN`
 * (link them with `api.users.update(…, { externalId })`); two first uses at
 * once find the same user.
 *
 * @example
 * const user = await appUser(services, ctx, identity);
 */
export async function appUser(
  services: Services,
  ctx: RequestContext,
  identity: AppIdentity,
): Promise<UserRecord> {
  const { store } = services;
  const known = await store.getUserByExternalId(identity.externalId);
  if (known) return known;
  try {
    return await createUser(
      services,
      {
        externalId: identity.externalId,
        ...(identity.email !== undefined ? { email: identity.email } : {}),
        ...(identity.displayName !== undefined ? { displayName: identity.displayName } : {}),
      },
      ctx,
      'identify',
    );
  } catch (error) {
    if (error instanceof LatchkeyError && error.code === 'EXTERNAL_ID_TAKEN') {
      const raced = await store.getUserByExternalId(identity.externalId);
      if (raced) return raced;
    }
    if (error instanceof LatchkeyError && error.code === 'INVALID_BODY')
      throw new TypeError(`identify answered a value that is not valid: ${error.message}`);
    throw error;
  }
}
