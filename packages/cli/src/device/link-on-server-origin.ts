/**
 * The approval link as a URL to open, when it is an http(s) URL on the same
 * origin as the server the person chose (`baseUrl`); null otherwise. The link
 * comes from the server's answer: a hostile or compromised server could point
 * it at any site or at a URL scheme with a dangerous handler, and a browser
 * opened there on its own looks like part of the login (RFC 8628 §5.4, remote
 * phishing). A link elsewhere is only printed, with a warning.
 *
 * @example
 * linkOnServerOrigin('https://app.example/device?user_code=ABCD-EFGH', 'https://app.example/auth')
 * // 'https://app.example/device?user_code=ABCD-EFGH'
 * linkOnServerOrigin('https://evil.example/device', 'https://app.example/auth') // null
 */
export function linkOnServerOrigin(link: string, baseUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return url.origin === new URL(baseUrl).origin ? url.href : null;
}
