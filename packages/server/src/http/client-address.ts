/** Loopback addresses: 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  return a === '::1' || /^127(\.\d{1,3}){3}$/.test(a) || /^::ffff:127(\.\d{1,3}){3}$/.test(a);
}

/**
 * The caller's IP: the socket peer, or (only with `trustProxy`) the address the
 * proxy in front of us saw, the rightmost entry of `X-Forwarded-For`.
 */
export function clientAddress(
  request: Request,
  peer: string | null,
  trustProxy: boolean,
): string | null {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for');
    const last = forwarded?.split(',').pop()?.trim();
    if (last) return last.slice(0, 64);
  }
  return peer ? peer.slice(0, 64) : null;
}

/**
 * The public origin of the request when the browser did not send `Origin`: from
 * the URL, or (with `trustProxy`) from `X-Forwarded-Proto` / `X-Forwarded-Host`.
 */
export function requestOrigin(request: Request, url: URL, trustProxy: boolean): string {
  if (trustProxy) {
    const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
    const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
    if (proto && host && /^https?$/.test(proto)) {
      try {
        return new URL(`${proto}://${host}`).origin;
      } catch {
        // fall through to the URL's own origin
      }
    }
  }
  return url.origin;
}
