import { LatchkeyError, User } from '@latchkey/core';
import * as z from 'zod/mini';
import type { RequestContext } from '../http/request-context.js';
import { randomToken } from '../internal/crypto.js';
import type { Services } from '../services.js';
import type { UserRecord } from '../stores/contract.js';
import { checkUserFields, type UserFields, userConflict } from './user-input.js';

/** A user the host app creates: no passkey yet (one is enrolled later, through `identify`). */
export interface NewUser extends UserFields {
  /** Latchkey's id for the user (`[A-Za-z0-9_-]{1,128}`); random when absent. */
  id?: string;
}

/**
 * Creates a user without a passkey or recovery codes, for an app that already
 * has its users (`api.users.create`, and `identify` on first use), and records
 * `user.created` (`data.by` says which). A taken email, external id or id is
 * `EMAIL_TAKEN`, `EXTERNAL_ID_TAKEN` or `USER_EXISTS`, and nothing is written.
 *
 * @example
 * const user = await createUser(services, { externalId: 'app-42', email: 'ada@example.com' }, null, 'api');
 */
export async function createUser(
  services: Services,
  input: NewUser,
  ctx: RequestContext | null,
  by: 'api' | 'identify',
): Promise<UserRecord> {
  const { config, store, audit } = services;
  if (input.id !== undefined && !z.safeParse(User.shape.id, input.id).success)
    throw new LatchkeyError('INVALID_BODY', 'id: expected 1..128 characters of [A-Za-z0-9_-]');
  const fields = checkUserFields(input);
  const user: UserRecord = {
    id: input.id ?? randomToken(12),
    email: fields.email ?? null,
    // Latchkey has not seen a link to it opened yet; the first email link sets it.
    emailVerified: false,
    displayName: fields.displayName ?? null,
    externalId: fields.externalId ?? null,
    // WebAuthn L3 §14.6.1: a random user handle, never the app's ids or the email.
    userHandle: randomToken(32),
    tier: config.pop.defaultTier,
    prfSalt: randomToken(32),
    createdAt: ctx?.now ?? config.now(),
  };
  const created = { email: user.email !== null, externalId: user.externalId !== null, by };
  try {
    // The user and its `user.created` event are one write.
    await audit.recordAllWith(
      ctx,
      [{ type: 'user.created', userId: user.id, data: created }],
      (events) => store.createUser({ user, recoveryCodeHashes: [], events }),
    );
  } catch (error) {
    throw userConflict(error);
  }
  return user;
}
