import { ExternalId, LatchkeyError, User } from '@latchkey/core';
import * as z from 'zod/mini';
import { StoreConflictError } from '../stores/contract.js';

/** What a host app may set on a user it creates or updates (`api.users`, `identify`). */
export interface UserFields {
  email?: string | null;
  displayName?: string | null;
  externalId?: string | null;
}

const FIELDS = z.object({
  email: z.optional(User.shape.email),
  displayName: z.optional(User.shape.displayName),
  externalId: z.optional(z.nullable(ExternalId)),
});

/**
 * The fields checked with the wire schemas (core's `User`, `ExternalId`): the
 * email lower-cased, the display name trimmed (blank is null). `INVALID_BODY`
 * names the first field that is wrong.
 *
 * @example
 * const fields = checkUserFields({ email: 'Ada@Example.com' }); // { email: 'ada@example.com' }
 */
export function checkUserFields(input: UserFields): UserFields {
  const displayName =
    typeof input.displayName === 'string' ? input.displayName.trim() || null : input.displayName;
  const parsed = z.safeParse(FIELDS, { ...input, displayName });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LatchkeyError(
      'INVALID_BODY',
      `${issue?.path.join('.') || 'user'}: ${issue?.message ?? 'not valid'}`.slice(0, 300),
    );
  }
  const out: UserFields = {};
  if (parsed.data.email !== undefined) out.email = parsed.data.email?.toLowerCase() ?? null;
  if (parsed.data.displayName !== undefined) out.displayName = parsed.data.displayName;
  if (parsed.data.externalId !== undefined) out.externalId = parsed.data.externalId;
  return out;
}

/**
 * A store conflict on a user's unique field as the error the host app sees:
 * `EMAIL_TAKEN`, `EXTERNAL_ID_TAKEN` or `USER_EXISTS`; anything else unchanged.
 *
 * @example
 * try { await store.updateUser(id, patch) } catch (e) { throw userConflict(e) }
 */
export function userConflict(error: unknown): unknown {
  if (!(error instanceof StoreConflictError)) return error;
  switch (error.field) {
    case 'email':
      return new LatchkeyError('EMAIL_TAKEN', 'Another user has this email', { cause: error });
    case 'externalId':
      return new LatchkeyError('EXTERNAL_ID_TAKEN', 'Another user has this external id', {
        cause: error,
      });
    default:
      return new LatchkeyError('USER_EXISTS', 'A user with this id exists', { cause: error });
  }
}
