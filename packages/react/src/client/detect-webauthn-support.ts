'use client';

/** What this browser can do with passkeys. */
export interface WebAuthnSupport {
  /** `PublicKeyCredential` exists (WebAuthn L3 §5.1). */
  webauthn: boolean;
  /** A user-verifying platform authenticator is available (§5.1.7, Touch ID, Windows Hello…). */
  platformAuthenticator: boolean;
  /** Passkeys can be offered in autofill (§5.1.6, conditional mediation). */
  conditionalMediation: boolean;
}

type PublicKeyCredentialStatics = {
  isUserVerifyingPlatformAuthenticatorAvailable?: () => Promise<boolean>;
  isConditionalMediationAvailable?: () => Promise<boolean>;
};

/**
 * Feature-detects WebAuthn. Never throws: a check that is missing or fails
 * counts as "no".
 *
 * @example
 * const { webauthn, conditionalMediation } = await detectWebAuthnSupport();
 */
export async function detectWebAuthnSupport(): Promise<WebAuthnSupport> {
  if (typeof globalThis.PublicKeyCredential !== 'function' || !globalThis.navigator?.credentials) {
    return { webauthn: false, platformAuthenticator: false, conditionalMediation: false };
  }
  const pkc = globalThis.PublicKeyCredential as unknown as PublicKeyCredentialStatics;
  const ask = async (check: (() => Promise<boolean>) | undefined) => {
    try {
      return check ? (await check.call(pkc)) === true : false;
    } catch {
      return false;
    }
  };
  const [platformAuthenticator, conditionalMediation] = await Promise.all([
    ask(pkc.isUserVerifyingPlatformAuthenticatorAvailable),
    ask(pkc.isConditionalMediationAvailable),
  ]);
  return { webauthn: true, platformAuthenticator, conditionalMediation };
}
