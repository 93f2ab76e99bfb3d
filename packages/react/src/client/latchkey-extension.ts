'use client';
import type { LatchkeyClient, PopPublicKey, Session, User } from '@latchkey/core';

/**
 * A plug-in for the session store, such as `lockedSessions()` from
 * `@latchkey/react/locked`. Every member is optional; the store calls them in
 * the order the extensions were given.
 *
 * @example
 * const logSessions: LatchkeyExtension = {
 *   onSession: ({ user }) => {
 *     console.log('signed in as', user.email);
 *     return () => console.log('signed out');
 *   },
 * };
 * <LatchkeyProvider baseUrl="/auth" extensions={[logSessions]}>…</LatchkeyProvider>
 */
export interface LatchkeyExtension {
  /** Called before sign-in and sign-up; the result is sent as `popKey` with authenticate/register. */
  popKey?(): Promise<PopPublicKey | undefined>;
  /** Called when a session starts or the provider mounts signed in; returns a cleanup. */
  onSession?(context: {
    client: LatchkeyClient;
    session: Session;
    user: User;
  }): (() => void) | undefined;
  /**
   * Wraps the `fetch` of the client `LatchkeyProvider` makes from `baseUrl`
   * (`lockedSessions()` signs every request with the device key).
   */
  fetch?(next: typeof fetch): typeof fetch;
  /** Called when a request answers POP_REQUIRED; resolve true after proving to retry once. */
  onPopRequired?(client: LatchkeyClient): Promise<boolean>;
}

/**
 * The first proof-of-possession key an extension offers, as the `popKey` field
 * of an `authenticate` or `register` body (docs/design.md, "Proof of possession").
 *
 * @example
 * await client.authenticate({ response, ...(await popKeyField(extensions)) });
 */
export async function popKeyField(
  extensions: readonly LatchkeyExtension[] = [],
): Promise<{ popKey?: PopPublicKey }> {
  for (const extension of extensions) {
    const popKey = await extension.popKey?.();
    if (popKey) return { popKey };
  }
  return {};
}
