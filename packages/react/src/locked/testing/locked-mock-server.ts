import {
  base64urlDecode,
  base64urlEncode,
  createLatchkeyClient,
  type ErrorCode,
  type LatchkeyClient,
  type PopPublicKey,
  type RouteDefinition,
  type RouteName,
  requestProofMessage,
  routes,
  statusOf,
} from '@latchkey/core';
import {
  createMockServer,
  type MockServer,
  type MockServerOptions,
} from '../../testing/mock-server.js';

/**
 * The kit's mock server with the routes of locked sessions and passkey-derived
 * keys added, for jsdom tests of `@latchkey/react/locked`. It does what the real
 * server does at the contract level, including the cryptography that decides
 * the outcome: a proof is checked with ECDSA P-256 against the key the session
 * was bound to, and challenges are single use.
 */
export interface LockedMockServer {
  readonly mock: MockServer;
  readonly client: LatchkeyClient;
  readonly fetch: typeof fetch;
  /** The device key the current session is bound to, if any. */
  boundKey(): PopPublicKey | null;
  /** Accepted proofs, in order. */
  readonly proofs: string[];
  /** `METHOD pathname` of each request whose `Latchkey-Proof` header was verified, in order. */
  readonly signedRequests: string[];
  /** Challenges handed out by `POST /pop/challenge`, and to streams by `issueChallenge`. */
  issueChallenge(): string;
  /** Wrapped data keys by credential id, as `PUT …/wrapped-key` stored them. */
  readonly wrappedKeys: Map<string, string>;
  /** The user's PRF salt. */
  readonly salt: string;
  /** While on, `GET /prf` answers every `wrappedKey` as `null`, as a lagging replica (or a hostile server) would. */
  lagWrappedKeys(on: boolean): void;
  /** Puts the server's clock `ms` ahead of the browser's (behind when negative). */
  setClockSkew(ms: number): void;
  /** Makes the next `count` requests fail at the network level. */
  dropNext(count: number): void;
  /**
   * Lets the current session's proof go stale (as after `pop.maxAge`): until the
   * next accepted proof, routes that need a session answer `POP_REQUIRED`, and
   * `GET /session` answers signed out, as the real server does.
   */
  expireProof(): void;
}

export const POP_MAX_AGE_SECONDS = 120;

export function createLockedMockServer(
  options: MockServerOptions & {
    now?: Date;
    /**
     * Refuse a bound session's requests without a `Latchkey-Proof` header, as the
     * real server does (default false: a header that is sent is always checked).
     */
    requireRequestProof?: boolean;
  } = {},
): LockedMockServer {
  const now = options.now ?? new Date('2025-06-01T12:00:00.000Z');
  const signedRequests: string[] = [];
  const nonces = new Set<string>();
  const mock = createMockServer({ ...options, now });
  const bindings = new Map<string, PopPublicKey>();
  const challenges = new Set<string>();
  const proofs: string[] = [];
  const wrappedKeys = new Map<string, string>();
  const stale = new Set<string>();
  const salt = base64urlEncode(crypto.getRandomValues(new Uint8Array(32)));
  let drop = 0;
  // How far the server's clock is from the browser's: it dates its answers (`Date`) and checks proofs on it.
  let skew = 0;
  let lagging = false;
  const serverNow = () => Date.now() + skew;

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const error = (code: ErrorCode, message: string = code) =>
    json(statusOf(code), { error: { code, message } });

  class Failure {
    constructor(
      readonly code: ErrorCode,
      readonly message: string = code,
    ) {}
  }
  const fail = (code: ErrorCode, message?: string): never => {
    throw new Failure(code, message);
  };
  const session = () => mock.state.session ?? fail('UNAUTHENTICATED', 'Sign in first');
  const elevated = () => {
    const s = session();
    if (!s.elevatedUntil || Date.parse(s.elevatedUntil) <= now.getTime())
      fail('STEP_UP_REQUIRED', 'Confirm with a passkey first');
    return s;
  };
  const issueChallenge = () => {
    const challenge = base64urlEncode(crypto.getRandomValues(new Uint8Array(32)));
    challenges.add(challenge);
    return challenge;
  };

  /** Checks a request proof as the server does; the clock is the real one, as the signer's. */
  const verifyRequestProof = async (
    key: PopPublicKey,
    header: string,
    method: string,
    url: URL,
  ): Promise<boolean> => {
    const parts = /^(\d+)\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{86})$/.exec(header);
    if (!parts || Math.abs(serverNow() - Number(parts[1]) * 1000) > 60_000) return false;
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: key.x, y: key.y },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const message = requestProofMessage(
      method,
      url.origin,
      url.pathname,
      Number(parts[1]),
      parts[2]!,
    );
    const valid = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      publicKey,
      new Uint8Array(base64urlDecode(parts[3]!)),
      new TextEncoder().encode(message),
    );
    if (!valid || nonces.has(parts[2]!)) return false;
    nonces.add(parts[2]!);
    return true;
  };

  type Handler = (
    params: Record<string, string>,
    body: Record<string, unknown>,
  ) => unknown | Promise<unknown>;
  const handlers: Partial<Record<RouteName, Handler>> = {
    popChallenge: () => {
      const s = session();
      if (!bindings.has(s.id)) fail('FORBIDDEN', 'This session is not bound to a device key');
      return {
        challenge: issueChallenge(),
        expiresAt: new Date(now.getTime() + 60_000).toISOString(),
      };
    },
    popProve: async (_, body) => {
      const s = session();
      const key = bindings.get(s.id) ?? fail('FORBIDDEN', 'This session is not bound');
      const challenge = body.challenge as string;
      if (!challenges.delete(challenge)) fail('CHALLENGE_EXPIRED', 'Unknown or used challenge');
      const publicKey = await crypto.subtle.importKey(
        'jwk',
        { kty: 'EC', crv: 'P-256', x: key.x, y: key.y },
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['verify'],
      );
      const signature = base64urlDecode(body.signature as string);
      const valid =
        signature.byteLength === 64 &&
        (await crypto.subtle.verify(
          { name: 'ECDSA', hash: 'SHA-256' },
          publicKey,
          new Uint8Array(signature),
          new Uint8Array(base64urlDecode(challenge)),
        ));
      if (!valid) fail('POP_INVALID', 'Not signed by this session’s device key');
      proofs.push(challenge);
      stale.delete(s.id);
      return {
        provenAt: now.toISOString(),
        nextProofBy: new Date(now.getTime() + POP_MAX_AGE_SECONDS * 1000).toISOString(),
      };
    },
    setTier: (_, body) => {
      const s = elevated();
      const tier = body.tier as 'standard' | 'locked';
      if (tier === 'locked' && !bindings.has(s.id)) {
        const popKey = (body.popKey as PopPublicKey | undefined) ?? fail('POP_REQUIRED');
        bindings.set(s.id, popKey);
        s.locked = true;
      }
      const user = mock.state.users.find((u) => u.id === s.userId)!;
      user.tier = tier;
      return { ok: true };
    },
    prfKeys: () => {
      const s = session();
      return {
        salt,
        keys: mock.state.passkeys
          .filter((p) => p.userId === s.userId && p.status === 'active')
          .map((p) => ({
            credentialId: p.credentialId,
            wrappedKey: lagging ? null : (wrappedKeys.get(p.credentialId) ?? null),
            prf: p.prf,
          })),
      };
    },
    setWrappedKey: (params, body) => {
      const s = elevated();
      const passkey =
        mock.state.passkeys.find(
          (p) => p.userId === s.userId && p.credentialId === params.credentialId,
        ) ?? fail('NOT_FOUND', 'No such passkey');
      if (!passkey.prf) fail('PRF_UNSUPPORTED', 'This passkey cannot derive keys');
      const current = wrappedKeys.get(passkey.credentialId) ?? null;
      if (body.replaces !== undefined && body.replaces !== current)
        fail('WRAPPED_KEY_CONFLICT', 'This passkey’s wrapped key changed');
      if (body.first && wrappedKeys.size > 0)
        fail('WRAPPED_KEY_CONFLICT', 'Another data key was stored first');
      wrappedKeys.set(passkey.credentialId, body.wrappedKey as string);
      return { ok: true };
    },
  };

  const table = (Object.keys(routes) as RouteName[]).map((name) => {
    const def: RouteDefinition = routes[name];
    const names: string[] = [];
    const pattern = def.path.replace(/:([A-Za-z]+)/g, (_, param: string) => {
      names.push(param);
      return '([^/]+)';
    });
    return { name, def, re: new RegExp(`^/auth${pattern}$`), names };
  });

  async function handle(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const response = await respond(input, init);
    response.headers.set('date', new Date(serverNow()).toUTCString());
    return response;
  }

  async function respond(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    if (drop > 0) {
      drop--;
      throw new TypeError('Failed to fetch');
    }
    const url = new URL(String(input), globalThis.location.href);
    const method = (init.method ?? 'GET').toUpperCase();
    let params: Record<string, string> = {};
    const found = table.find((row) => {
      const m = row.def.method === method ? row.re.exec(url.pathname) : null;
      if (m)
        params = Object.fromEntries(row.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return m !== null;
    });
    const body =
      typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    const current = mock.state.session;
    const boundTo = current ? bindings.get(current.id) : undefined;
    const exempt = !found || ['popChallenge', 'popProve', 'signOut'].includes(found.name);
    if (found && boundTo && !exempt) {
      const header = new Headers(init.headers).get('latchkey-proof');
      let refusal: ErrorCode | null = null;
      if (header === null) refusal = options.requireRequestProof ? 'POP_REQUIRED' : null;
      else if (await verifyRequestProof(boundTo, header, method, url))
        signedRequests.push(`${method} ${url.pathname}`);
      else refusal = 'POP_INVALID';
      if (refusal && found.def.auth !== 'public') {
        mock.calls.push({ route: found.name, params, body });
        return error(refusal, 'Sign this request with the device key');
      }
      if (refusal && found.name === 'getSession') {
        mock.calls.push({ route: found.name, params, body });
        const rp = { id: 'localhost', grace: false, signUp: 'open' as const };
        return json(200, { user: null, session: null, rp });
      }
    }
    if (
      found &&
      current &&
      stale.has(current.id) &&
      found.def.auth !== 'public' &&
      !['popChallenge', 'popProve', 'signOut'].includes(found.name)
    ) {
      mock.calls.push({ route: found.name, params, body });
      return error('POP_REQUIRED', 'Prove this device’s key first');
    }
    if (found?.name === 'getSession' && current && stale.has(current.id)) {
      mock.calls.push({ route: found.name, params, body });
      const rp = { id: 'localhost', grace: false, signUp: 'open' as const };
      return new Response(JSON.stringify({ user: null, session: null, rp }), {
        headers: { 'content-type': 'application/json' },
      });
    }
    const handler = found ? handlers[found.name] : undefined;
    if (found && handler) {
      mock.calls.push({ route: found.name, params, body });
      const schema = found.def.request;
      if (schema) {
        const parsed = schema.safeParse(body);
        if (!parsed.success) return error('INVALID_BODY', parsed.error.message);
      }
      try {
        return json(200, await handler(params, body));
      } catch (thrown) {
        if (thrown instanceof Failure) return error(thrown.code, thrown.message);
        throw thrown;
      }
    }
    const response = await mock.fetch(input, init);
    // Sign-in and sign-up bind the new session to the device key they carry.
    if (
      response.ok &&
      (found?.name === 'authenticate' || found?.name === 'register') &&
      body.popKey &&
      mock.state.session
    ) {
      bindings.set(mock.state.session.id, body.popKey as PopPublicKey);
      mock.state.session.locked = true;
      const text = await response.text();
      const answer = JSON.parse(text) as { session?: { locked: boolean } };
      if (answer.session) answer.session.locked = true;
      return json(response.status, answer);
    }
    return response;
  }

  const fetchImpl = handle as typeof fetch;
  return {
    mock,
    fetch: fetchImpl,
    client: createLatchkeyClient({ baseUrl: '/auth', fetch: fetchImpl }),
    boundKey: () => (mock.state.session ? (bindings.get(mock.state.session.id) ?? null) : null),
    proofs,
    signedRequests,
    issueChallenge,
    wrappedKeys,
    salt,
    dropNext(count) {
      drop = count;
    },
    setClockSkew(ms) {
      skew = ms;
    },
    lagWrappedKeys(on) {
      lagging = on;
    },
    expireProof() {
      if (mock.state.session) stale.add(mock.state.session.id);
    },
  };
}
