import { randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';

const ORIGIN = 'http://localhost:3000';
const RP_ID = 'localhost';
const CHALLENGE_MS = 5 * 60_000;

/**
 * The baseline: the least a passkey server does for the same routes, with
 * `@simplewebauthn/server`, `node:http` and `Map`s. Options store their
 * challenge under a random pre-session cookie; `authenticate` takes it once,
 * verifies, bumps the counter and opens a session; `GET /auth/session` looks the
 * cookie up. No validation beyond what SimpleWebAuthn does, no audit, no
 * hashing of secrets: a floor, not a server anyone should ship.
 *
 * @example
 * createServer(referenceListener()).listen(0);
 */
export function referenceListener() {
  const challenges = new Map(); // pre-session cookie → { challenge, expiresAt }
  const credentials = new Map(); // credential id → { publicKey, counter, userId, transports }
  const users = new Map(); // user id → { id, email, displayName }
  const sessions = new Map(); // session cookie → user id

  const putChallenge = (challenge) => {
    const pre = randomBytes(32).toString('base64url');
    challenges.set(pre, { challenge, expiresAt: Date.now() + CHALLENGE_MS });
    return pre;
  };
  const takeChallenge = (pre) => {
    const entry = pre ? challenges.get(pre) : undefined;
    if (!entry) return undefined;
    challenges.delete(pre);
    return entry.expiresAt > Date.now() ? entry.challenge : undefined;
  };
  const openSession = (userId) => {
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, userId);
    return `latchkey=${id}; Path=/; HttpOnly; SameSite=Lax`;
  };

  const routes = {
    async 'POST /auth/passkeys/register-options'(body) {
      const userId = randomBytes(16).toString('base64url');
      const options = await generateRegistrationOptions({
        rpName: 'Reference',
        rpID: RP_ID,
        userName: body.email,
        userDisplayName: body.displayName ?? body.email,
        attestationType: 'none',
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      users.set(userId, { id: userId, email: body.email, displayName: body.displayName ?? '' });
      const pre = putChallenge({ challenge: options.challenge, userId });
      return [200, { options }, [`latchkey-pre=${pre}; Path=/; HttpOnly; SameSite=Lax`]];
    },
    async 'POST /auth/passkeys/register'(body, cookies) {
      const pending = takeChallenge(cookies['latchkey-pre']);
      if (!pending) return [400, { error: { code: 'CHALLENGE_EXPIRED' } }];
      const { verified, registrationInfo } = await verifyRegistrationResponse({
        response: body.response,
        expectedChallenge: pending.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        requireUserVerification: true,
      });
      if (!verified) return [400, { error: { code: 'VERIFICATION_FAILED' } }];
      const { credential } = registrationInfo;
      credentials.set(credential.id, {
        publicKey: credential.publicKey,
        counter: credential.counter,
        transports: credential.transports,
        userId: pending.userId,
      });
      return [
        201,
        { user: users.get(pending.userId), passkey: { id: credential.id } },
        [openSession(pending.userId)],
      ];
    },
    async 'POST /auth/passkeys/auth-options'() {
      const options = await generateAuthenticationOptions({
        rpID: RP_ID,
        userVerification: 'required',
      });
      const pre = putChallenge({ challenge: options.challenge });
      return [200, { options }, [`latchkey-pre=${pre}; Path=/; HttpOnly; SameSite=Lax`]];
    },
    async 'POST /auth/passkeys/authenticate'(body, cookies) {
      const pending = takeChallenge(cookies['latchkey-pre']);
      if (!pending) return [400, { error: { code: 'CHALLENGE_EXPIRED' } }];
      const stored = credentials.get(body.response?.id);
      if (!stored) return [400, { error: { code: 'CREDENTIAL_NOT_FOUND' } }];
      const { verified, authenticationInfo } = await verifyAuthenticationResponse({
        response: body.response,
        expectedChallenge: pending.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        credential: {
          id: body.response.id,
          publicKey: stored.publicKey,
          counter: stored.counter,
          transports: stored.transports,
        },
        requireUserVerification: true,
      });
      if (!verified) return [400, { error: { code: 'VERIFICATION_FAILED' } }];
      stored.counter = authenticationInfo.newCounter;
      return [200, { user: users.get(stored.userId) }, [openSession(stored.userId)]];
    },
    async 'GET /auth/session'(_body, cookies) {
      const userId = cookies.latchkey ? sessions.get(cookies.latchkey) : undefined;
      return [200, { user: userId ? users.get(userId) : null }];
    },
  };

  return async (req, res) => {
    try {
      const route = routes[`${req.method} ${req.url}`];
      if (!route) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"ROUTE_NOT_FOUND"}}');
        return;
      }
      let body = {};
      if (req.method === 'POST') {
        const chunks = [];
        for await (const chunk of req) chunks.push(chunk);
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      }
      const [status, answer, setCookie] = await route(body, parseCookies(req.headers.cookie));
      const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
      if (setCookie) headers['set-cookie'] = setCookie;
      res.writeHead(status, headers);
      res.end(JSON.stringify(answer));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BAD_REQUEST', message: String(error) } }));
    }
  };
}

function parseCookies(header) {
  const cookies = {};
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) cookies[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return cookies;
}
