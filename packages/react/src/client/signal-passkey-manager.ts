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
  const { rpId, userHandle, acceptedCredentialIds, removed, user } = signal;
  const calls: Array<[SignalName, (() => Promise<void>) | null]> = [
    [
      'unknownCredential',
      removed && api.signalUnknownCredential
        ? () => api.signalUnknownCredential!({ rpId, credentialId: removed })
        : null,
    ],
    [
      'allAcceptedCredentials',
      userHandle && acceptedCredentialIds?.length && api.signalAllAcceptedCredentials
        ? () =>
            api.signalAllAcceptedCredentials!({
              rpId,
              userId: userHandle,
              allAcceptedCredentialIds: [...acceptedCredentialIds],
            })
        : null,
    ],
    [
      'currentUserDetails',
      userHandle && user && api.signalCurrentUserDetails
        ? () => api.signalCurrentUserDetails!({ rpId, userId: userHandle, ...user })
        : null,
    ],
  ];
  const sent: SignalName[] = [];
  for (const [name, call] of calls) {
    if (!call) continue;
    try {
      await call();
      sent.push(name);
    } catch {
      // Browsers reject signals for RP IDs that do not match the page, among other things.
    }
  }
  return sent;
}
