import { isLoopbackAddress } from '../http/client-address.js';

/** Headers a proxy, tunnel or CDN adds: their presence means the request was relayed. */
const RELAY_HEADERS = [
  'forwarded',
  'via',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'cf-connecting-ip',
  'true-client-ip',
  'fastly-client-ip',
  'fly-client-ip',
  'x-original-forwarded-for',
];

function hostName(request: Request): string {
  const host = request.headers.get('host') ?? new URL(request.url).host;
  // "[::1]:3000" → "::1"; "localhost:3000" → "localhost"
  const bracketed = host.match(/^\[([^\]]+)\](?::\d+)?$/);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return host.replace(/:\d+$/, '').toLowerCase();
}

/**
 * The loopback bypass rule: the socket peer is a loopback address, AND the Host
 * is a loopback name, AND no proxy header is present. A tunnel or reverse proxy
 * on the same machine connects from loopback too, but it either rewrites Host or
 * adds forwarding headers, so it never inherits the bypass; a page on another
 * site that rebinds its DNS to 127.0.0.1 still sends its own Host.
 */
export function isLoopbackRequest(request: Request, peer: string | null): boolean {
  if (!isLoopbackAddress(peer)) return false;
  const host = hostName(request);
  if (host !== 'localhost' && !isLoopbackAddress(host)) return false;
  for (const [name] of request.headers) {
    if (name.startsWith('x-forwarded-') || RELAY_HEADERS.includes(name)) return false;
  }
  return true;
}
