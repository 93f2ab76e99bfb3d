/**
 * The header a locked session's requests carry (docs/design.md, "Proof of possession"):
 * `<iat>.<nonce>.<signature>`.
 *
 * @example
 * headers.set(PROOF_HEADER, await requestProof(key, 'GET', new URL('/api/me', location.href)));
 */
export const PROOF_HEADER = 'Latchkey-Proof';

/**
 * What a request proof signs, version 2: the method, the origin and path the
 * request goes to, `iat` (seconds) and a one-use nonce, one per line after
 * `latchkey-proof/2`. The origin binds the proof to the Latchkey origin, so a
 * proof sent to another site cannot be replayed here. The query is not signed.
 *
 * @example
 * requestProofMessage('GET', 'https://app.example', '/api/me', 1767225600, nonce);
 * // 'latchkey-proof/2\nGET\nhttps://app.example\n/api/me\n1767225600\n<nonce>'
 */
export function requestProofMessage(
  method: string,
  origin: string,
  pathname: string,
  iat: number,
  nonce: string,
): string {
  return `latchkey-proof/2\n${method.toUpperCase()}\n${origin}\n${pathname}\n${iat}\n${nonce}`;
}
