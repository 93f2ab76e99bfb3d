/** Parses a `Cookie` header (RFC 6265 §5.4) into a map; the first of a repeated name wins. */
export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (cookies.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    cookies.set(name, value);
  }
  return cookies;
}

export interface CookieOptions {
  maxAge: number | null;
  secure: boolean;
  path?: string;
  sameSite?: 'Lax' | 'Strict';
}

/** A `Set-Cookie` value: always HttpOnly; `maxAge: 0` deletes. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  let cookie = `${name}=${value}; Path=${options.path ?? '/'}; HttpOnly; SameSite=${options.sameSite ?? 'Lax'}`;
  if (options.maxAge !== null) cookie += `; Max-Age=${Math.max(0, Math.floor(options.maxAge))}`;
  if (options.secure) cookie += '; Secure';
  return cookie;
}
