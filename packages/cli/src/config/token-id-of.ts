/**
 * Latchkey token text is `lk_<id>_<secret>`: a 16-character public id (the one
 * `token list` shows) and a 43-character secret. Knowing the id lets `logout`
 * revoke the token it holds without listing anything.
 */
const TOKEN_RE = /^lk_([A-Za-z0-9_-]{16})_[A-Za-z0-9_-]{43}$/;

/**
 * The public id inside a token, or null for text that is not a Latchkey token.
 *
 * @example
 * tokenIdOf(process.env.LATCHKEY_TOKEN ?? '') // 'Zx3…' or null
 */
export function tokenIdOf(token: string): string | null {
  return TOKEN_RE.exec(token)?.[1] ?? null;
}
