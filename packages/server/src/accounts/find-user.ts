import type { User } from '@latchkey/core';
import type { LatchkeyStore, UserRecord } from '../stores/contract.js';
import { toWireUser } from '../wire/to-wire-user.js';

/** Names one user: Latchkey's id (a string or `{id}`), an email (any case), or the app's external id. */
export type UserRef = string | { id: string } | { email: string } | { externalId: string };

/** A user as the host app sees it: the wire `User` and the app's own id for the person. */
export type AppUser = User & { externalId: string | null };

/**
 * The user `ref` names, or null. A ref of no known shape is a `TypeError` (misuse).
 *
 * @example
 * const user = await findUser(store, { externalId: '42' });
 */
export async function findUser(store: LatchkeyStore, ref: UserRef): Promise<UserRecord | null> {
  if (typeof ref === 'string') return store.getUser(ref);
  if (ref && typeof ref === 'object') {
    if ('id' in ref && typeof ref.id === 'string') return store.getUser(ref.id);
    if ('email' in ref && typeof ref.email === 'string')
      return store.getUserByEmail(ref.email.toLowerCase());
    if ('externalId' in ref && typeof ref.externalId === 'string')
      return store.getUserByExternalId(ref.externalId);
  }
  throw new TypeError('a user is named by its id, { id }, { email } or { externalId }');
}

/**
 * The host app's view of a user.
 *
 * @example
 * toAppUser(record).externalId
 */
export function toAppUser(user: UserRecord): AppUser {
  return { ...toWireUser(user), externalId: user.externalId };
}
