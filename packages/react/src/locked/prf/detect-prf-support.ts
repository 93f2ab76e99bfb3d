'use client';

/**
 * Whether this browser can evaluate the PRF extension (WebAuthn L3 §10.1.4):
 * `available` or `unavailable` when it says so through
 * `PublicKeyCredential.getClientCapabilities()` (§5.1.7), `unknown` when it
 * cannot say (older browsers): then only a ceremony tells.
 */
export type PrfSupport = 'available' | 'unavailable' | 'unknown';

type WithCapabilities = { getClientCapabilities?: () => Promise<Record<string, boolean>> };

/**
 * Feature-detects the PRF extension. Never throws.
 *
 * @example
 * if ((await detectPrfSupport()) === 'unavailable') showWhyEncryptionIsOff();
 */
export async function detectPrfSupport(): Promise<PrfSupport> {
  if (typeof globalThis.PublicKeyCredential !== 'function' || !globalThis.navigator?.credentials)
    return 'unavailable';
  const pkc = globalThis.PublicKeyCredential as unknown as WithCapabilities;
  if (typeof pkc.getClientCapabilities !== 'function') return 'unknown';
  try {
    const capabilities = await pkc.getClientCapabilities.call(pkc);
    // §5.1.7: extensions are listed as "extension:<identifier>".
    const prf = capabilities?.['extension:prf'];
    return prf === true ? 'available' : prf === false ? 'unavailable' : 'unknown';
  } catch {
    return 'unknown';
  }
}
