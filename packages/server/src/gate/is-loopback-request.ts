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

function isLoopbackOrigin(origin: string): boolean {
  try {
    const { hostname, protocol } = new URL(origin);
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return (
      (protocol === 'http:' || protocol === 'https:') &&
      (host === 'localhost' || isLoopbackAddress(host))
    );
  } catch {
    return false;
  }
}

/**
 * The loopback bypass rule: the socket peer is a loopback address, AND the Host
 * is a loopback name, AND no proxy header is present, AND the request is not a
 * browser's request from another site: `Sec-Fetch-Site` is absent, `same-origin`
 * or `none`, and `Origin` is absent or a loopback origin (`Origin: null` is
 * not). A reverse proxy on the same machine connects from loopback too, but it
 * either rewrites Host or adds forwarding headers, so it never inherits the
 * bypass; a page on another site that rebinds its DNS to 127.0.0.1 still sends
 * its own Host; a page on another site that posts a form or loads an image
 * from localhost sends `Sec-Fetch-Site: cross-site` and its own `Origin`. A
 * plain TCP forwarder (`ssh -R`, `socat`) changes nothing in the request and
 * does inherit the bypass: turn it off with `loopbackBypass: false` there.
 */
export function isLoopbackRequest(request: Request, peer: string | null): boolean {
  if (!isLoopbackAddress(peer)) return false;
  const host = hostName(request);
  if (host !== 'localhost' && !isLoopbackAddress(host)) return false;
  for (const [name] of request.headers) {
    if (name.startsWith('x-forwarded-') || RELAY_HEADERS.includes(name)) return false;
  }
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.get('origin');
  return origin === null || isLoopbackOrigin(origin);
}
