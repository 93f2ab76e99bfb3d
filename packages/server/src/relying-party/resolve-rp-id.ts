/**
 * The tailnet rule: a MagicDNS host `service.tailnet.ts.net` maps to its tailnet,
 * `tailnet.ts.net`, so one passkey serves every service of the tailnet. A host
 * that is a registrable suffix of the origin's host is a valid RP ID for it
 * (WebAuthn L3 §5.1.4.1 / HTML's "is a registrable domain suffix of").
 *
 * @example
 * tailnetRpId('app.alice.ts.net') // 'alice.ts.net'
 * tailnetRpId('alice.ts.net')     // 'alice.ts.net'
 * tailnetRpId('example.com')      // null
 */
export function tailnetRpId(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (!host.endsWith('.ts.net')) return null;
  const labels = host.split('.');
  // [..., tailnet, 'ts', 'net']
  if (labels.length < 3) return null;
  return labels.slice(-3).join('.');
}

/**
 * The default RP ID for an origin: the tailnet parent for `*.ts.net`, otherwise
 * the origin's host name (no port). IPv6 literals lose their brackets.
 *
 * @example
 * defaultRpId('http://localhost:3000')        // 'localhost'
 * defaultRpId('https://app.alice.ts.net')     // 'alice.ts.net'
 */
export function defaultRpId(origin: string): string {
  const { hostname } = new URL(origin);
  return tailnetRpId(hostname) ?? hostname.replace(/^\[|\]$/g, '');
}

/**
 * True when `rpId` may be used by `origin`: equal to its host, or a registrable
 * suffix of it at a label boundary. Used to check a configured `rpID` function.
 */
export function isRpIdValidForOrigin(rpId: string, origin: string): boolean {
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const id = rpId.toLowerCase();
  return host === id || host.endsWith(`.${id}`);
}
