/**
 * The path to go back to after sign-in, when `next` (the gate's `?next=`) is a path
 * of this site; null otherwise. A browser reads `//evil.example` and `/\evil.example`
 * as another site and drops tabs and newlines before it parses (`/\t/evil.example`
 * becomes `//evil.example`), so only a single leading `/` followed by no slash,
 * backslash, whitespace or control character passes: anything else would make
 * sign-in an open redirect.
 *
 * @example
 * localReturnPath(new URLSearchParams(location.search).get('next')) ?? '/account'
 * localReturnPath('/device?user_code=WDJB-MJHT') // '/device?user_code=WDJB-MJHT'
 * localReturnPath('https://evil.example')        // null
 */
export function localReturnPath(next: string | null | undefined): string | null {
  if (typeof next !== 'string' || !next.startsWith('/')) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
  if (/[\u0000-\u0020\u007f\\]/.test(next)) return null;
  if (next.startsWith('//')) return null;
  return next;
}
