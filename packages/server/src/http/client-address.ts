/** Loopback addresses: 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  return a === '::1' || /^127(\.\d{1,3}){3}$/.test(a) || /^::ffff:127(\.\d{1,3}){3}$/.test(a);
}

/**
 * Where the caller's IP comes from (`config.trustProxy`):
 * - `peer`: the socket peer the adapter passed (no proxy trusted).
 * - `forwarded`: the `hops`-th address from the right of `X-Forwarded-For`; each
 *   trusted proxy appends the address it saw, so entries further left are the
 *   client's to write.
 * - `header`: a platform's own client-IP header (Cloudflare `CF-Connecting-IP`,
 *   Fly `Fly-Client-IP`, Vercel `X-Real-IP`), which its edge overwrites.
 */
export type ClientIpRule =
  | { from: 'peer' }
  | { from: 'forwarded'; hops: number }
  | { from: 'header'; header: string };

/** The client-IP header of each platform `trustProxy` may name. */
export const PLATFORM_IP_HEADERS = {
  cloudflare: 'cf-connecting-ip',
  fly: 'fly-client-ip',
  vercel: 'x-real-ip',
} as const;

/** An IPv4 or IPv6 address as proxies write it (no port, no brackets); anything else is ignored. */
const ADDRESS_RE = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * The caller's IP by `rule`; the socket peer when the rule's header is absent or
 * holds no address, or `X-Forwarded-For` has fewer entries than trusted hops
 * (the request did not come through every proxy). Null when nothing is known.
 *
 * @example
 * clientAddress(request, '10.0.0.2', { from: 'forwarded', hops: 2 })
 * // 'X-Forwarded-For: 6.6.6.6, 198.51.100.4, 10.0.0.1' → '198.51.100.4'
 */
export function clientAddress(
  request: Request,
  peer: string | null,
  rule: ClientIpRule,
): string | null {
  let found: string | undefined;
  if (rule.from === 'forwarded') {
    const entries = request.headers.get('x-forwarded-for')?.split(',') ?? [];
    found = entries[entries.length - rule.hops]?.trim();
  } else if (rule.from === 'header') {
    found = request.headers.get(rule.header)?.trim();
  }
  if (found && ADDRESS_RE.test(found)) return found;
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
