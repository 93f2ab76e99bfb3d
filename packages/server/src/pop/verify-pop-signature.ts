import { base64urlDecode } from '@latchkey/core';

/**
 * Checks an ECDSA P-256 / SHA-256 signature (raw r‖s, 64 bytes, as Web Crypto
 * makes it) over the challenge's bytes with the session's public JWK.
 */
export async function verifyPopSignature(
  publicJwk: string,
  challenge: string,
  signature: string,
): Promise<boolean> {
  try {
    return await verifyPopBytes(publicJwk, base64urlDecode(challenge), signature);
  } catch {
    return false;
  }
}

/** The same check over any bytes (a request proof's signed message). */
export async function verifyPopBytes(
  publicJwk: string,
  message: Uint8Array,
  signature: string,
): Promise<boolean> {
  try {
    const jwk = JSON.parse(publicJwk) as { x?: string; y?: string };
    const key = await globalThis.crypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const sig = base64urlDecode(signature);
    if (sig.length !== 64) return false;
    return await globalThis.crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      sig as Uint8Array<ArrayBuffer>,
      message as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

/** True when a locked session's last proof is older than `maxAge` seconds. */
export function proofIsStale(
  session: { popKey: string | null; popProvenAt: number | null },
  now: number,
  maxAgeSeconds: number,
): boolean {
  if (session.popKey === null) return false;
  return session.popProvenAt === null || now - session.popProvenAt > maxAgeSeconds * 1000;
}
