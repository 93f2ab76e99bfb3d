import { LatchkeyError, type PasskeyInfo, RenamePasskeyRequest } from '@latchkey/core';
import * as z from 'zod/mini';
import type { RequestContext } from '../http/request-context.js';
import type { Services } from '../services.js';
import { toWirePasskey } from '../wire/to-wire-passkey.js';

// The one home of listing, renaming and removing a passkey: the routes
// (`GET /passkeys`, `PATCH` and `DELETE /passkeys/:credentialId`) and
// `latchkey.api.passkeys` both call these, so they check, order and record alike.

/** Who acts: the request (its IP and user agent go in the audit log), or `null` for the host app's API. */
type Actor = Pick<RequestContext, 'ip' | 'userAgent' | 'now' | 'token'> | null;

/**
 * A user's passkeys, oldest first.
 *
 * @example
 * const passkeys = await listPasskeys(services, user.id);
 */
export async function listPasskeys(services: Services, userId: string): Promise<PasskeyInfo[]> {
  const passkeys = await services.store.listCredentials(userId);
  return passkeys.sort((a, b) => a.createdAt - b.createdAt).map(toWirePasskey);
}

/**
 * Renames one of the user's passkeys. The name follows the wire rule
 * (`RenamePasskeyRequest`: 1–64 characters, no control characters) and is
 * trimmed; a blank one is `INVALID_BODY`. Another user's passkey is
 * `NOT_FOUND`, like a missing one, so ids cannot be probed.
 *
 * @example
 * const passkey = await renamePasskey(services, ctx, { userId, credentialId, name: 'Work laptop' });
 */
export async function renamePasskey(
  services: Services,
  actor: Actor,
  input: { userId: string; credentialId: string; name: unknown },
): Promise<PasskeyInfo> {
  const parsed = z.safeParse(RenamePasskeyRequest, { name: input.name });
  if (!parsed.success) {
    throw new LatchkeyError(
      'INVALID_BODY',
      'name: must be 1-64 characters, without control characters',
    );
  }
  const name = parsed.data.name.trim();
  if (!name) throw new LatchkeyError('INVALID_BODY', 'name: must not be blank');
  const existing = await services.store.getCredential(input.credentialId);
  if (!existing || existing.userId !== input.userId)
    throw new LatchkeyError('NOT_FOUND', 'No such passkey');
  const updated = await services.store.updateCredential(existing.credentialId, { name });
  if (!updated) throw new LatchkeyError('NOT_FOUND', 'No such passkey');
  await services.audit.record(actor, 'passkey.renamed', input.userId, {
    credentialId: existing.credentialId,
    name,
    ...by(actor),
  });
  return toWirePasskey(updated);
}

/**
 * Revokes one of the user's passkeys, and with `revokeSessionsWithPasskey` the
 * sessions it opened (except `keepSessionId`: the user removing it from this
 * session stays). The last passkey is refused (`LAST_CREDENTIAL`) unless
 * `allowLast`.
 *
 * @example
 * await removePasskey(services, ctx, { userId, credentialId, keepSessionId: ctx.session.id });
 */
export async function removePasskey(
  services: Services,
  actor: Actor,
  input: { userId: string; credentialId: string; allowLast?: boolean; keepSessionId?: string },
): Promise<void> {
  const { store, config } = services;
  const { userId, credentialId } = input;
  const result = await store.deleteCredential(userId, credentialId, {
    allowLast: input.allowLast === true,
  });
  if (result === 'deleted') services.assertions.forget(credentialId);
  if (result === 'not-found') throw new LatchkeyError('NOT_FOUND', 'No such passkey');
  if (result === 'last') {
    throw new LatchkeyError(
      'LAST_CREDENTIAL',
      'This is your only passkey; add another before removing it',
    );
  }
  const sessionsEnded = config.revokeSessionsWithPasskey
    ? await store.deleteSessionsOfUser(userId, {
        credentialId,
        ...(input.keepSessionId ? { exceptId: input.keepSessionId } : {}),
      })
    : 0;
  await services.audit.record(actor, 'passkey.revoked', userId, {
    credentialId,
    sessionsEnded,
    ...by(actor),
  });
}

// The audit log tells the host app's own calls from the user's.
function by(actor: Actor): { by?: 'api' } {
  return actor ? {} : { by: 'api' };
}
