import { LatchkeyError } from '@latchkey/core';
import type { RouteHandlers } from '../services.js';

/** How long a first write holds the user's claim, so a concurrent first loses. */
const FIRST_CLAIM_MS = 30_000;

function conflict(message: string): LatchkeyError {
  return new LatchkeyError('WRAPPED_KEY_CONFLICT', message);
}

/**
 * Keys derived from a passkey (WebAuthn L3 §10.1.4, the `prf` extension). The
 * browser derives a wrapping key from a passkey's PRF output and the user's salt,
 * and keeps one data key wrapped once per passkey here. The server only stores
 * the wrapped keys: it never sees a PRF output or the data key, so it cannot
 * read what the browser encrypts.
 */
export const prfRoutes: RouteHandlers = {
  async prfKeys(ctx, { store }) {
    const user = ctx.user;
    // Only passkeys this origin's browser can use in a ceremony (the step-up
    // options list the same ones).
    const credentials = (await store.listCredentials(user.id))
      .filter((c) => c.status === 'active' && c.rpId === ctx.rpId)
      .sort((a, b) => a.createdAt - b.createdAt);
    return {
      salt: user.prfSalt,
      keys: credentials.map((c) => ({
        credentialId: c.credentialId,
        wrappedKey: c.wrappedKey,
        prf: c.prf,
      })),
    };
  },

  async setWrappedKey(ctx, { store, audit }) {
    const userId = ctx.user.id;
    const existing = await store.getCredential(ctx.params.credentialId);
    // Another user's passkey is "not found": no probing of ids.
    if (!existing || existing.userId !== userId)
      throw new LatchkeyError('NOT_FOUND', 'No such passkey');
    if (existing.status !== 'active')
      throw new LatchkeyError('CREDENTIAL_PENDING', 'This passkey waits for approval');
    if (!existing.prf) {
      // A key wrapped for a passkey that cannot give a PRF output could never be
      // unwrapped again: refuse it rather than store a dead key.
      throw new LatchkeyError('PRF_UNSUPPORTED', 'This passkey cannot derive keys (no PRF)');
    }
    const { wrappedKey, first, replaces } = ctx.body;
    // Conditional writes (docs/design.md, "Proof of possession", `PUT …/wrapped-key`): a client that was told
    // "no key yet" by a lagging replica, a bug or a hostile answer must not overwrite the
    // data key, and two first unlocks must not both store a key.
    if (replaces !== undefined && existing.wrappedKey !== replaces)
      throw conflict('This passkey’s wrapped key changed: read it again');
    if (first) {
      const others = await store.listCredentials(userId);
      // One first writer per user at a time: exactly one caller sets the marker.
      const claimed =
        !others.some((c) => c.wrappedKey !== null) &&
        (await store.markOnce(`prf-first:${userId}`, Date.now() + FIRST_CLAIM_MS));
      if (!claimed) throw conflict('Another data key was stored first: unlock with it');
    }
    const updated = await store.updateCredential(existing.credentialId, { wrappedKey });
    if (!updated) throw new LatchkeyError('NOT_FOUND', 'No such passkey');
    await audit.record(ctx, 'prf.key_wrapped', userId, {
      credentialId: existing.credentialId,
      replaced: existing.wrappedKey !== null,
    });
    return { ok: true as const };
  },
};
