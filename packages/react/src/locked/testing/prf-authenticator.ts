import { base64urlEncode } from '@latchkey/core';

/**
 * Adds the PRF extension (WebAuthn L3 §10.1.4) to the kit's fake WebAuthn for
 * the credentials in `capable`, computed as a CTAP2 authenticator does with
 * hmac-secret: HMAC-SHA-256 of a per-credential random secret over
 * SHA-256("WebAuthn PRF" ‖ 0x00 ‖ salt). Same credential and salt, same output;
 * another credential, another output.
 *
 * @example
 * const fake = installFakeWebAuthn({ credentials });
 * const prf = installPrfAuthenticator([credentials[0].id]);
 */
export function installPrfAuthenticator(capable: readonly string[]): {
  /** Every `eval.first` salt the page asked for, as bytes. */
  readonly salts: Uint8Array[];
  uninstall(): void;
} {
  const credentials = navigator.credentials as unknown as {
    get: (request?: CredentialRequestOptions) => Promise<unknown>;
  };
  const original = credentials.get;
  const secrets = new Map<string, CryptoKey>();
  const salts: Uint8Array[] = [];
  const label = new TextEncoder().encode('WebAuthn PRF');

  credentials.get = async (request?: CredentialRequestOptions) => {
    const credential = (await original.call(credentials, request)) as PublicKeyCredential & {
      id: string;
    };
    const input = (
      request?.publicKey?.extensions as { prf?: { eval?: { first: BufferSource } } } | undefined
    )?.prf?.eval?.first;
    if (!input || !capable.includes(credential.id)) return credential;
    const salt = new Uint8Array(
      ArrayBuffer.isView(input) ? input.buffer.slice(input.byteOffset) : input,
    );
    salts.push(salt);
    let secret = secrets.get(credential.id);
    if (!secret) {
      secret = await crypto.subtle.importKey(
        'raw',
        crypto.getRandomValues(new Uint8Array(32)),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      secrets.set(credential.id, secret);
    }
    const hashed = await crypto.subtle.digest('SHA-256', new Uint8Array([...label, 0, ...salt]));
    const first = await crypto.subtle.sign('HMAC', secret, hashed);
    return { ...credential, getClientExtensionResults: () => ({ prf: { results: { first } } }) };
  };
  return {
    salts,
    uninstall() {
      credentials.get = original;
    },
  };
}

/** The credential id the mock server gives the passkey it seeds under `name`. */
export function credentialIdOf(name: string): string {
  return base64urlEncode(new TextEncoder().encode(`credential:${name}`));
}
