import { LatchkeyError } from '@latchkey/core';
import type { RouteHandlers } from '../internal/services.js';
import { toWirePasskey } from './to-wire.js';

/** `GET /passkeys`, `PATCH` and `DELETE /passkeys/:credentialId`. */
export const passkeyRoutes: RouteHandlers = {
  async listPasskeys(ctx, { store }) {
    const passkeys = await store.listCredentials(ctx.user!.id);
    return { passkeys: passkeys.sort((a, b) => a.createdAt - b.createdAt).map(toWirePasskey) };
  },

  async renamePasskey(ctx, { store, audit }) {
    const existing = await store.getCredential(ctx.params.credentialId!);
    // Another user's passkey is "not found": no probing of ids.
    if (!existing || existing.userId !== ctx.user!.id)
      throw new LatchkeyError('NOT_FOUND', 'No such passkey');
    const name = ctx.body.name.trim();
    if (!name) throw new LatchkeyError('INVALID_BODY', 'The name must not be blank');
    const updated = await store.updateCredential(existing.credentialId, { name });
    if (!updated) throw new LatchkeyError('NOT_FOUND', 'No such passkey');
    await audit.record(ctx, 'passkey.renamed', ctx.user!.id, {
      credentialId: existing.credentialId,
      name,
    });
    return { passkey: toWirePasskey(updated) };
  },

  async deletePasskey(ctx, { store, audit, config }) {
    const userId = ctx.user!.id;
    const credentialId = ctx.params.credentialId!;
    const result = await store.deleteCredential(userId, credentialId);
    if (result === 'not-found') throw new LatchkeyError('NOT_FOUND', 'No such passkey');
    if (result === 'last') {
      throw new LatchkeyError(
        'LAST_CREDENTIAL',
        'This is your only passkey; add another before removing it',
      );
    }
    // A revoked passkey's sessions end at once (the current one stays: the user is here).
    const ended = config.revokeSessionsWithPasskey
      ? await store.deleteSessionsOfUser(userId, { credentialId, exceptId: ctx.session!.id })
      : 0;
    await audit.record(ctx, 'passkey.revoked', userId, { credentialId, sessionsEnded: ended });
    return { ok: true as const };
  },
};
