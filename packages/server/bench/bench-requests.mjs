/** The origin the bench's "browser" runs on; the RP ID is its host, `localhost`. */
export const ORIGIN = 'http://localhost:3000';

/** What the Node adapter would pass for a client on the internet (TEST-NET-3). */
export const CONNECTION = { remoteAddress: '203.0.113.7' };

const USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * A real `Request` as a browser sends it: `Origin` on POSTs (the handler's CSRF
 * check wants it), JSON bodies, and the given cookies.
 *
 * @example
 * benchRequest('POST', '/auth/passkeys/auth-options', {}, { 'latchkey-pre': pre })
 */
export function benchRequest(method, path, body, cookies = {}) {
  const headers = new Headers({ 'user-agent': USER_AGENT });
  if (method !== 'GET') headers.set('origin', ORIGIN);
  const pairs = Object.entries(cookies).map(([name, value]) => `${name}=${value}`);
  if (pairs.length) headers.set('cookie', pairs.join('; '));
  if (body !== undefined) headers.set('content-type', 'application/json');
  return new Request(`${ORIGIN}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * The cookies a response sets, by name (values only).
 *
 * @example
 * setCookies(response).latchkey // the session id
 */
export function setCookies(response) {
  const cookies = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    cookies[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return cookies;
}

/**
 * Reads an answer and fails the bench on an unexpected status: a benchmark of
 * error responses would be fast and meaningless.
 *
 * @example
 * const body = await expectStatus(response, 200, 'auth-options');
 */
export async function expectStatus(response, status, what) {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${text.slice(0, 300)}`);
  }
  return text ? JSON.parse(text) : null;
}
