import { Agent, request } from 'node:http';

/** The origin the bench's "browser" runs on; the RP ID is its host, `localhost`. */
export const ORIGIN = 'http://localhost:3000';

const USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * A keep-alive HTTP client for one server, as a browser or a gateway talks to
 * it: every request carries `Host: localhost:3000` (the origin's host, so the
 * RP ID matches), `Origin` on POSTs, JSON bodies and the given cookies.
 *
 * @example
 * const client = httpClient(port, 8);
 * const { status, json, cookies } = await client.send('GET', '/auth/session', undefined, { latchkey });
 */
export function httpClient(port, maxSockets) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const send = (method, path, body, cookies = {}) =>
    new Promise((resolve, reject) => {
      const headers = { host: 'localhost:3000', 'user-agent': USER_AGENT, accept: '*/*' };
      if (method !== 'GET') headers.origin = ORIGIN;
      const pairs = Object.entries(cookies).map(([name, value]) => `${name}=${value}`);
      if (pairs.length) headers.cookie = pairs.join('; ');
      const payload = body === undefined ? undefined : JSON.stringify(body);
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode,
            text,
            json: () => (text ? JSON.parse(text) : null),
            cookies: setCookies(res.headers['set-cookie']),
          });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { send, close: () => agent.destroy() };
}

/**
 * Fails the bench on an unexpected status: a benchmark of error answers would be
 * fast and meaningless.
 *
 * @example
 * const body = expectStatus(answer, 200, 'auth-options');
 */
export function expectStatus(answer, status, what) {
  if (answer.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${answer.status} ${answer.text.slice(0, 300)}`,
    );
  }
  return answer.json();
}

function setCookies(lines = []) {
  const cookies = {};
  for (const line of lines) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    cookies[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return cookies;
}

/**
 * Signs a new user up with a passkey over HTTP and returns the session cookie.
 *
 * @example
 * const { userId, session } = await signUp(client, authenticator);
 */
export async function signUp(client, authenticator, email = 'bench@example.com') {
  const optionsAnswer = await client.send('POST', '/auth/passkeys/register-options', {
    email,
    displayName: 'Bench',
  });
  const { options } = expectStatus(optionsAnswer, 200, 'register-options');
  const response = await authenticator.register(options);
  const registered = await client.send(
    'POST',
    '/auth/passkeys/register',
    { response },
    { 'latchkey-pre': optionsAnswer.cookies['latchkey-pre'] },
  );
  expectStatus(registered, 201, 'register');
  const session = registered.cookies.latchkey;
  const { user } = expectStatus(
    await client.send('GET', '/auth/session', undefined, { latchkey: session }),
    200,
    'session after sign-up',
  );
  if (!user?.id) throw new Error('sign-up did not sign the user in');
  return { userId: user.id, session };
}

/**
 * The two operations the bench times. A ceremony is `auth-options` then
 * `authenticate`; its latency is the two round trips, not the authenticator's
 * signing in between (which the client pays, on its own core). A session check is
 * `GET /auth/session` with the cookie. Both check every answer.
 *
 * @example
 * const op = operations(client, authenticator, user).ceremony;
 * const latencyMs = await op();
 */
export function operations(client, authenticator, { userId, session }) {
  return {
    async ceremony() {
      const t0 = performance.now();
      const optionsAnswer = await client.send('POST', '/auth/passkeys/auth-options', {});
      const optionsMs = performance.now() - t0;
      const { options } = expectStatus(optionsAnswer, 200, 'auth-options');
      const pre = optionsAnswer.cookies['latchkey-pre'];
      if (!pre) throw new Error('auth-options set no pre-session cookie');
      const assertion = await authenticator.authenticate(options);
      const t1 = performance.now();
      const answer = await client.send(
        'POST',
        '/auth/passkeys/authenticate',
        { response: assertion },
        { 'latchkey-pre': pre },
      );
      const authenticateMs = performance.now() - t1;
      const { user } = expectStatus(answer, 200, 'authenticate');
      if (user?.id !== userId || !answer.cookies.latchkey) {
        throw new Error(`authenticate answered 200 without the user's session: ${answer.text}`);
      }
      return optionsMs + authenticateMs;
    },
    async session() {
      const t0 = performance.now();
      const answer = await client.send('GET', '/auth/session', undefined, { latchkey: session });
      const ms = performance.now() - t0;
      if (expectStatus(answer, 200, 'GET /auth/session').user?.id !== userId) {
        throw new Error(`GET /auth/session did not know the session: ${answer.text}`);
      }
      return ms;
    },
  };
}
