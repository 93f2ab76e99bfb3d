/**
 * Base64url (RFC 4648 §5, no padding) on Web-standard globals only, so the same
 * code runs in browsers, Node, Deno, Bun and workers.
 */

const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

/**
 * Encodes bytes as unpadded base64url.
 *
 * @example
 * base64urlEncode(new Uint8Array([251, 255])) // '-_8'
 */
export function base64urlEncode(bytes: Uint8Array | ArrayBuffer): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (let i = 0; i < view.length; i += 0x8000) {
    binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes unpadded (or padded) base64url. Throws a `TypeError` for text that is
 * not base64url.
 *
 * @example
 * base64urlDecode('-_8') // Uint8Array [251, 255]
 */
export function base64urlDecode(text: string): Uint8Array {
  const unpadded = text.replace(/=+$/, '');
  if (!isBase64url(unpadded)) throw new TypeError('not base64url');
  const binary = atob(unpadded.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * True when `text` is unpadded base64url that decodes to whole bytes (a length of
 * 4n+1 characters never does).
 *
 * @example
 * isBase64url('AAEC') // true
 * isBase64url('A+/=') // false
 */
export function isBase64url(text: string): boolean {
  return BASE64URL_RE.test(text) && text.length % 4 !== 1;
}
