'use client';

/** What the server now knows, to pass on to the browser's passkey manager. */
export interface PasskeyManagerSignal {
  rpId: string;
  /** The WebAuthn user handle (base64url). Without it only `removed` can be signalled. */
  userHandle?: string | null;
  /**
   * Every credential id the server still accepts for this user and RP ID, as the
   * server just answered. An empty list is never signalled: to a manager it means
   * "hide every passkey of this user".
   */
  acceptedCredentialIds?: readonly string[];
  /** A credential id the server no longer knows. */
  removed?: string;
  /** The account's current name (email) and display name. */
  user?: { name: string; displayName: string };
}

export type SignalName = 'unknownCredential' | 'allAcceptedCredentials' | 'currentUserDetails';

interface SignalApi {
  signalUnknownCredential?: (o: { rpId: string; credentialId: string }) => Promise<void>;
  signalAllAcceptedCredentials?: (o: {
    rpId: string;
    userId: string;
    allAcceptedCredentialIds: string[];
  }) => Promise<void>;
  signalCurrentUserDetails?: (o: {
    rpId: string;
    userId: string;
    name: string;
    displayName: string;
  }) => Promise<void>;
}

/**
 * Tells the browser's passkey manager what changed on the server (WebAuthn L3
 * §5.1.10, the Signal API), so it stops offering a revoked passkey and shows
 * current names. Each method is feature-detected; where a browser lacks one, or
 * it rejects, nothing happens: a signal is a hint, never a requirement. Resolves
 * to the signals that were sent.
 *
 * @example
 * await signalPasskeyManager({ rpId: 'example.com', removed: credentialId });
 */
export async function signalPasskeyManager(signal: PasskeyManagerSignal): Promise<SignalName[]> {
  const api = globalThis.PublicKeyCredential as unknown as SignalApi | undefined;
  if (!api) return [];
  const { rpId, userHandle: userId, acceptedCredentialIds, removed, user } = signal;
  // Each signal with its method (where the browser has it) and its options (where known).
  const calls = [
    ['unknownCredential', api.signalUnknownCredential, removed && { rpId, credentialId: removed }],
    [
      'allAcceptedCredentials',
      api.signalAllAcceptedCredentials,
      userId &&
        acceptedCredentialIds?.length && {
          rpId,
          userId,
          allAcceptedCredentialIds: [...acceptedCredentialIds],
        },
    ],
    [
      'currentUserDetails',
      api.signalCurrentUserDetails,
      userId && user && { rpId, userId, ...user },
    ],
  ] as const;
  const sent: SignalName[] = [];
  for (const [name, method, options] of calls) {
    if (!method || !options) continue;
    try {
      await (method as (options: object) => Promise<void>).call(api, options);
      sent.push(name);
    } catch {
      // Browsers reject signals for RP IDs that do not match the page, among other things.
    }
  }
  return sent;
}
