import { LatchkeyError } from '@latchkey/core';
import type { RequestContext } from '../http/request-context.js';
import { currentOwner } from '../owner/current-owner.js';
import type { Services } from '../services.js';

/**
 * Deletes an account: the user, every passkey, session, token and recovery
 * code, in one store write with its `account.deleted` audit event (`data.by:
 * 'api'` when the host app did it). The audit trail of the account stays.
 * Used by `DELETE /account` (a full session that stepped up) and
 * `api.users.delete`. In owner mode the owner's account is refused
 * (`FORBIDDEN`): its claim would outlive it. False when there is no such user.
 *
 * @example
 * await deleteAccount(services, null, user.id);
 */
export async function deleteAccount(
  services: Services,
  ctx: RequestContext | null,
  userId: string,
): Promise<boolean> {
  const { config, store, audit } = services;
  const user = await store.getUser(userId);
  if (!user) return false;
  if (config.mode === 'owner' && (await currentOwner(services))?.id === userId)
    throw new LatchkeyError('FORBIDDEN', 'The owner’s account cannot be deleted');
  const credentials = await store.listCredentials(userId);
  const deleted = await audit.recordWith(
    ctx ?? { ip: null, userAgent: null, token: null, now: config.now() },
    'account.deleted',
    userId,
    {
      passkeys: credentials.length,
      email: user.email !== null,
      ...(user.externalId !== null ? { externalId: user.externalId } : {}),
      ...(ctx ? {} : { by: 'api' }),
    },
    (event) => store.deleteUser(userId, event),
  );
  // Verifiers keep imported public keys; a deleted passkey's must not sign anyone in.
  for (const c of credentials) services.assertions.forget(c.credentialId);
  return deleted;
}
