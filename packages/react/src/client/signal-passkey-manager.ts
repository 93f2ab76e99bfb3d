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

/** The options of each signal's method on `PublicKeyCredential` (WebAuthn L3 §5.1.10). */
export interface SignalOptions {
  unknownCredential: { rpId: string; credentialId: string };
  allAcceptedCredentials: { rpId: string; userId: string; allAcceptedCredentialIds: string[] };
  currentUserDetails: { rpId: string; userId: string; name: string; displayName: string };
}

/**
 * Sends one signal (`unknownCredential` calls `PublicKeyCredential.signalUnknownCredential`)
 * where the browser has its method, and resolves to whether it was sent. A rejection is
 * swallowed: a signal is a hint, and browsers reject signals for RP IDs that do not match
 * the page, among other things. Sign-in, which only ever signals an unknown credential,
 * calls it alone, so a page that never manages passkeys does not ship the other signals.
 *
 * @example
 * await sendSignal('unknownCredential', { rpId: 'example.com', credentialId });
 */
export async function sendSignal<N extends SignalName>(
  name: N,
  options: SignalOptions[N],
): Promise<boolean> {
  const api = globalThis.PublicKeyCredential as unknown as Record<string, unknown> | undefined;
  const method = api?.[`signal${name[0]!.toUpperCase()}${name.slice(1)}`];
  if (typeof method !== 'function') return false;
  try {
    await method.call(api, options);
    return true;
  } catch {
    return false;
  }
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
  const { rpId, userHandle: userId, acceptedCredentialIds, removed, user } = signal;
  const sent: SignalName[] = [];
  // Each signal where its options are known, in this order.
  const send = async <N extends SignalName>(name: N, options: SignalOptions[N] | false) => {
    if (options && (await sendSignal(name, options))) sent.push(name);
  };
  await send('unknownCredential', !!removed && { rpId, credentialId: removed });
  await send(
    'allAcceptedCredentials',
    !!userId &&
      !!acceptedCredentialIds?.length && {
        rpId,
        userId,
        allAcceptedCredentialIds: [...acceptedCredentialIds],
      },
  );
  await send('currentUserDetails', !!userId && !!user && { rpId, userId, ...user });
  return sent;
}
