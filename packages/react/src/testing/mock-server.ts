import {
  base64urlDecode,
  base64urlEncode,
  createLatchkeyClient,
  defaultPasskeyName,
  type ErrorCode,
  type FallbacksResponse,
  type LatchkeyClient,
  type PasskeyInfo,
  type RouteDefinition,
  type RouteName,
  routes,
  type Session,
  statusOf,
  type User,
} from '@latchkey/core';
import type { FakeCredential } from './fake-webauthn.js';

/**
 * A deterministic, in-memory fake of the Latchkey HTTP contract: the routes the
 * React kit calls, answered by a `fetch` function so that a real
 * `createLatchkeyClient` talks to it in tests (jsdom) and stories (a browser).
 *
 * It plays one browser: the "cookie" is the mock's current session. It checks
 * what a server checks at the contract level (request bodies against core's
 * schemas, single-use challenges bound to a ceremony, session kinds, step-up,
 * the last-credential guard) but not signatures: pair it with
 * `installFakeWebAuthn`. Times come from a fixed clock.
 */

export interface MockPasskeySeed extends Partial<PasskeyInfo> {
  name: string;
}

export interface MockServerOptions {
  /** RP ID of this origin (default `localhost`, the jsdom and Storybook host). */
  rpId?: string;
  signUp?: 'open' | 'closed';
  /** The account; `null` for none yet (a fresh install). Default: Ada Lovelace. */
  user?: { email: string | null; displayName: string | null } | null;
  /** The account's passkeys (default: none). */
  passkeys?: readonly MockPasskeySeed[];
  /** Start signed in as the account (default false). */
  signedIn?: boolean | Session['kind'];
  /** Start with a stepped-up session (default false). */
  elevated?: boolean;
  /** How a pairing ends, after how many `pending` polls (default: approved after 1). */
  pairing?: { outcome?: 'approved' | 'denied' | 'expired'; pendingPolls?: number };
  /** New passkeys from paired devices wait for approval (default false). */
  approvalRequired?: boolean;
  /** Answer these routes with this error. */
  fail?: Partial<Record<RouteName, ErrorCode>>;
  /** These routes never answer (until the request is aborted): loading states. */
  hang?: RouteName[];
  /** Milliseconds before each answer (stories; default 0). */
  latency?: number;
  /** Unused recovery codes (default 10). */
  recoveryCodesRemaining?: number;
  /** The fixed clock (default 2025-06-01T12:00:00Z). */
  now?: Date;
  /**
   * Email links by token, for the account: `elsewhere` when asked for in another browser
   * (`LINK_CONFIRM_REQUIRED` until `confirm: true`), `purpose` `verify` for an address check.
   */
  emailLinks?: Record<string, { elsewhere?: boolean; purpose?: 'sign-in' | 'verify' }>;
  /**
   * `GET`/`PUT /fallbacks`: what the deployment allows and the account's choices
   * (each default on), and whether the account has a password (default false).
   */
  fallbacks?: {
    deployment?: Partial<FallbackFlags>;
    account?: Partial<FallbackFlags>;
    passwordSet?: boolean;
  };
}

type FallbackFlags = FallbacksResponse['account'];
const FALLBACK_METHODS = ['recoveryCodes', 'magicLink', 'password'] as const;

export interface MockCall {
  route: RouteName;
  params: Record<string, string>;
  body: unknown;
  headers?: Headers;
}

interface MockUser extends User {
  handle: string;
}

interface MockState {
  users: MockUser[];
  passkeys: Array<PasskeyInfo & { userId: string }>;
  session: (Session & { userId: string }) | null;
  challenges: Map<
    string,
    { kind: 'create' | 'get' | 'verify'; userId: string | null; signUp?: MockSignUp }
  >;
  pairing: { pairingId: string; code: string; polls: number; status: string } | null;
  recoveryCodesRemaining: number;
  /** Addresses `POST /email/link-options` was asked to send a link to. */
  emailLinksSent: string[];
  /** The account's stored fallback choices (`PUT /fallbacks` changes them). */
  fallbacks: FallbackFlags;
}

interface MockSignUp {
  email: string | null;
  displayName: string | null;
  handle: string;
}

export interface MockServer {
  /** The contract, as a `fetch`. */
  readonly fetch: typeof fetch;
  /** A real client over this mock (`baseUrl` `/auth`). */
  readonly client: LatchkeyClient;
  /** Every request, in order. */
  readonly calls: MockCall[];
  readonly state: MockState;
  /** The credentials a fake authenticator should hold for the account's passkeys. */
  authenticatorCredentials(): FakeCredential[];
  /** Routes answered with an error from now on (`null` to heal one). */
  fail(route: RouteName, code: ErrorCode | null): void;
  /** The names of the routes called, in order. */
  routeNames(): RouteName[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const idOf = (text: string) => base64urlEncode(encoder.encode(text));
const DEFAULT_NOW = new Date('2025-06-01T12:00:00.000Z');

/**
 * A passkey as `GET /passkeys` lists it, with deterministic defaults.
 *
 * @example
 * mockPasskey({ name: 'MacBook', backedUp: true })
 */
export function mockPasskey(seed: MockPasskeySeed, rpId = 'localhost', index = 0): PasskeyInfo {
  return {
    id: `pk_${index + 1}`,
    credentialId: idOf(`credential:${seed.name}`),
    createdAt: new Date(Date.UTC(2025, 0, 10 + index, 9, 30)).toISOString(),
    lastUsedAt: new Date(Date.UTC(2025, 4, 20 + (index % 8), 18, 5)).toISOString(),
    transports: ['internal', 'hybrid'],
    deviceType: 'multiDevice',
    backedUp: true,
    aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd',
    provider: { name: 'iCloud Keychain' },
    createdWith: { browser: 'Safari', os: 'macOS', deviceType: 'desktop' },
    status: 'active',
    rpId,
    prf: false,
    ...seed,
  };
}

/**
 * Creates a mock server.
 *
 * @example
 * const server = createMockServer({ signedIn: true, passkeys: [{ name: 'MacBook' }] });
 * const webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
 * render(<LatchkeyProvider client={server.client}><PasskeyList /></LatchkeyProvider>);
 */
export function createMockServer(options: MockServerOptions = {}): MockServer {
  const rpId = options.rpId ?? 'localhost';
  const now = options.now ?? DEFAULT_NOW;
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const failures: Partial<Record<RouteName, ErrorCode>> = { ...options.fail };
  const hang = new Set(options.hang ?? []);
  let counter = 0;
  const next = (prefix: string) => `${prefix}_${++counter}`;

  const seededUser =
    options.user === null
      ? null
      : {
          id: 'usr_ada',
          email: options.user?.email === undefined ? 'ada@example.com' : options.user.email,
          displayName:
            options.user?.displayName === undefined ? 'Ada Lovelace' : options.user.displayName,
          tier: 'standard' as const,
          createdAt: new Date(Date.UTC(2025, 0, 10, 9, 0)).toISOString(),
          handle: idOf('user-handle:ada'),
        };
  const state: MockState = {
    users: seededUser ? [seededUser] : [],
    passkeys: seededUser
      ? (options.passkeys ?? []).map((seed, i) => ({
          ...mockPasskey(seed, rpId, i),
          userId: seededUser.id,
        }))
      : [],
    session: null,
    challenges: new Map(),
    pairing: null,
    recoveryCodesRemaining: options.recoveryCodesRemaining ?? 10,
    emailLinksSent: [],
    fallbacks: {
      recoveryCodes: true,
      magicLink: true,
      password: true,
      ...options.fallbacks?.account,
    },
  };
  const deploymentFallbacks: FallbackFlags = {
    recoveryCodes: true,
    magicLink: true,
    password: true,
    ...options.fallbacks?.deployment,
  };
  const emailLinks = new Map(Object.entries(options.emailLinks ?? {}));
  if (options.signedIn && seededUser) {
    state.session = newSession(
      seededUser.id,
      options.signedIn === true ? 'full' : options.signedIn,
    );
    if (options.elevated) state.session.elevatedUntil = at(5 * 60_000);
  }
  const calls: MockCall[] = [];

  function newSession(userId: string, kind: Session['kind']): Session & { userId: string } {
    return {
      id: next('ses'),
      kind,
      createdAt: at(0),
      expiresAt: at(30 * 24 * 3600_000),
      lastSeenAt: at(0),
      elevatedUntil: null,
      locked: false,
      userId,
    };
  }

  const publicUser = ({ handle: _, ...user }: MockUser): User => user;
  const publicSession = ({ userId: _, ...session }: Session & { userId: string }): Session =>
    session;
  const publicPasskey = ({
    userId: _,
    ...passkey
  }: PasskeyInfo & { userId: string }): PasskeyInfo => passkey;
  const userOf = (id: string) => state.users.find((u) => u.id === id) ?? null;
  const passkeysOf = (userId: string) => state.passkeys.filter((p) => p.userId === userId);

  class Failure {
    constructor(
      readonly code: ErrorCode,
      readonly message: string = code,
    ) {}
  }
  const fail = (code: ErrorCode, message?: string): never => {
    throw new Failure(code, message);
  };

  function challenge(
    kind: 'create' | 'get' | 'verify',
    userId: string | null,
    signUp?: MockSignUp,
  ) {
    const value = idOf(`challenge:${++counter}`);
    state.challenges.set(value, { kind, userId, signUp });
    return value;
  }

  /** Reads clientDataJSON and consumes its challenge (WebAuthn L3 §7.1 steps 7–9, §7.2 steps 11–13). */
  function consume(clientDataJSON: string, type: string, kind: 'create' | 'get' | 'verify') {
    let data: { type?: string; challenge?: string };
    try {
      data = JSON.parse(decoder.decode(base64urlDecode(clientDataJSON)));
    } catch {
      return fail('VERIFICATION_FAILED', 'clientDataJSON is not JSON');
    }
    const entry = data.challenge ? state.challenges.get(data.challenge) : undefined;
    if (data.type !== type || !entry || entry.kind !== kind) {
      return fail('CHALLENGE_MISMATCH', 'Unknown, used or mismatched challenge');
    }
    state.challenges.delete(data.challenge!);
    return entry;
  }

  function requireSession(kinds: Session['kind'][] = ['full']) {
    const session = state.session;
    if (!session) return fail('UNAUTHENTICATED', 'Sign in first');
    if (!kinds.includes(session.kind)) return fail('ENROLMENT_REQUIRED', 'Enrol a passkey first');
    return session;
  }

  function requireElevated() {
    const session = requireSession();
    if (!session.elevatedUntil || Date.parse(session.elevatedUntil) <= now.getTime()) {
      return fail('STEP_UP_REQUIRED', 'Confirm with a passkey first');
    }
    return session;
  }

  function ownPasskey(userId: string, credentialId: string) {
    return (
      state.passkeys.find((p) => p.userId === userId && p.credentialId === credentialId) ??
      fail('NOT_FOUND', 'No such passkey')
    );
  }

  function requestOptions(userId: string | null, kind: 'get' | 'verify') {
    const allow = userId
      ? passkeysOf(userId)
          .filter((p) => p.status === 'active')
          .map((p) => ({
            id: p.credentialId,
            type: 'public-key' as const,
            transports: p.transports,
          }))
      : undefined;
    return {
      options: {
        challenge: challenge(kind, userId),
        rpId,
        timeout: 300_000,
        userVerification: 'preferred' as const,
        ...(allow ? { allowCredentials: allow } : {}),
      },
    };
  }

  type Handler = (params: Record<string, string>, body: Record<string, unknown>) => unknown;
  const handlers: Partial<Record<RouteName, Handler>> = {
    getSession: () => {
      const session = state.session;
      const user = session ? userOf(session.userId) : null;
      return {
        user: user ? publicUser(user) : null,
        session: session ? publicSession(session) : null,
        rp: {
          id: rpId,
          grace: !state.passkeys.some((p) => p.rpId === rpId),
          signUp: options.signUp ?? 'open',
        },
      };
    },
    signOut: () => {
      requireSession(['full', 'recovery', 'enrol', 'email']);
      state.session = null;
      return { ok: true };
    },
    registerOptions: (_, body) => {
      const session = state.session;
      // As the server: adding to an account from a full session needs a recent step-up.
      if (session?.kind === 'full') requireElevated();
      const user: MockUser | null = session ? userOf(session.userId) : null;
      // As the server: a conditional create only adds to a signed-in account.
      if (body.conditional === true && !user)
        fail('FORBIDDEN', 'A conditional create only adds a passkey to a signed-in account');
      let signUp: MockSignUp | undefined;
      if (!user) {
        if ((options.signUp ?? 'open') === 'closed') fail('SIGN_UP_CLOSED', 'Sign-up is closed');
        // Like the server: the options never tell a known email from an unknown one.
        const email = typeof body.email === 'string' ? body.email.toLowerCase() : null;
        signUp = {
          email,
          displayName: typeof body.displayName === 'string' ? body.displayName : null,
          handle: idOf(`user-handle:${++counter}`),
        };
      }
      const handle = user?.handle ?? signUp!.handle;
      const name = user?.email ?? signUp?.email ?? 'passkey-user';
      return {
        options: {
          rp: { id: rpId, name: 'Latchkey mock' },
          user: { id: handle, name, displayName: user?.displayName ?? signUp?.displayName ?? name },
          challenge: challenge('create', user?.id ?? null, signUp),
          pubKeyCredParams: [
            { alg: -7, type: 'public-key' },
            { alg: -257, type: 'public-key' },
          ],
          timeout: 300_000,
          excludeCredentials: user
            ? passkeysOf(user.id).map((p) => ({ id: p.credentialId, type: 'public-key' }))
            : [],
          authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
          attestation: 'none',
        },
      };
    },
    register: (_, body) => {
      const response = body.response as {
        id: string;
        response: { clientDataJSON: string; transports?: string[] };
      };
      if (state.session?.kind === 'full') requireElevated();
      const entry = consume(response.response.clientDataJSON, 'webauthn.create', 'create');
      let user: MockUser;
      const sessionKind = state.session?.kind;
      if (entry.signUp) {
        const { email } = entry.signUp;
        if (email && state.users.some((u) => u.email === email))
          fail('EMAIL_TAKEN', 'No new account was made with this email');
        user = {
          id: next('usr'),
          email: entry.signUp.email,
          displayName: entry.signUp.displayName,
          tier: 'standard',
          createdAt: at(0),
          handle: entry.signUp.handle,
        };
        state.users.push(user);
      } else {
        user = userOf(entry.userId ?? '') ?? fail('UNAUTHENTICATED', 'The session ended');
      }
      if (state.passkeys.some((p) => p.credentialId === response.id)) fail('CREDENTIAL_EXISTS');
      const first = passkeysOf(user.id).length === 0;
      const passkey = {
        ...mockPasskey(
          // As the server does: a passkey sent without a name is named after the browser.
          {
            name:
              typeof body.name === 'string'
                ? body.name
                : defaultPasskeyName(globalThis.navigator?.userAgent),
          },
          rpId,
          ++counter,
        ),
        id: next('pk'),
        credentialId: response.id,
        createdAt: at(0),
        lastUsedAt: null,
        transports: response.response.transports ?? [],
        provider: { name: 'Google Password Manager' },
        createdWith: { browser: 'Chrome', os: 'macOS', deviceType: 'desktop' as const },
        status:
          sessionKind === 'enrol' && options.approvalRequired
            ? ('pending' as const)
            : ('active' as const),
        userId: user.id,
      };
      state.passkeys.push(passkey);
      // Sign-up signs in; a recovery or paired session becomes a full one.
      if (!state.session || sessionKind !== 'full') state.session = newSession(user.id, 'full');
      return {
        credentialId: passkey.credentialId,
        passkey: publicPasskey(passkey),
        ...(first ? { recoveryCodes: recoveryCodes() } : {}),
      };
    },
    authOptions: (_, body) => {
      if (typeof body.email !== 'string') return requestOptions(null, 'get');
      const user = state.users.find((u) => u.email === (body.email as string).toLowerCase());
      if (user) return requestOptions(user.id, 'get');
      // Enumeration safety: an unknown email gets a plausible decoy allow list.
      return {
        options: {
          ...requestOptions(null, 'get').options,
          allowCredentials: [{ id: idOf(`decoy:${body.email}`), type: 'public-key' }],
        },
      };
    },
    authenticate: (_, body) => {
      const response = body.response as { id: string; response: { clientDataJSON: string } };
      consume(response.response.clientDataJSON, 'webauthn.get', 'get');
      const passkey = state.passkeys.find((p) => p.credentialId === response.id);
      if (!passkey) return fail('UNKNOWN_CREDENTIAL', 'This passkey is not registered here');
      if (passkey.status === 'pending')
        return fail('CREDENTIAL_PENDING', 'This passkey waits for approval');
      passkey.lastUsedAt = at(0);
      state.session = newSession(passkey.userId, 'full');
      return { user: publicUser(userOf(passkey.userId)!), session: publicSession(state.session) };
    },
    listPasskeys: () => {
      const session = requireSession();
      return { passkeys: passkeysOf(session.userId).map(publicPasskey) };
    },
    renamePasskey: (params, body) => {
      const session = requireSession();
      const passkey = ownPasskey(session.userId, params.credentialId!);
      passkey.name = body.name as string;
      return { passkey: publicPasskey(passkey) };
    },
    deletePasskey: (params) => {
      const session = requireElevated();
      const passkey = ownPasskey(session.userId, params.credentialId!);
      const active = passkeysOf(session.userId).filter((p) => p.status === 'active');
      if (passkey.status === 'active' && active.length === 1) {
        fail('LAST_CREDENTIAL', 'This is your only passkey; add another before removing it');
      }
      state.passkeys = state.passkeys.filter((p) => p !== passkey);
      return { ok: true };
    },
    verifyOptions: () => requestOptions(requireSession().userId, 'verify'),
    verify: (_, body) => {
      const session = requireSession();
      const response = body.response as { id: string; response: { clientDataJSON: string } };
      consume(response.response.clientDataJSON, 'webauthn.get', 'verify');
      const passkey = passkeysOf(session.userId).find((p) => p.credentialId === response.id);
      if (passkey?.status !== 'active') return fail('UNKNOWN_CREDENTIAL');
      session.elevatedUntil = at(5 * 60_000);
      return { elevatedUntil: session.elevatedUntil };
    },
    recoveryCodesStatus: () => {
      requireSession();
      return { remaining: state.recoveryCodesRemaining };
    },
    regenerateRecoveryCodes: () => {
      requireElevated();
      return { codes: recoveryCodes() };
    },
    emailLinkOptions: (_, body) => {
      // Like the server: the same answer for every address.
      state.emailLinksSent.push(body.email as string);
      return { ok: true };
    },
    emailVerify: (_, body) => {
      const link = emailLinks.get(body.token as string);
      const owner = state.users[0];
      if (!link || !owner) return fail('LINK_INVALID', 'This link is not valid');
      if (link.elsewhere && body.confirm !== true)
        return fail('LINK_CONFIRM_REQUIRED', 'Confirm to sign in on this browser');
      emailLinks.delete(body.token as string);
      owner.emailVerified = true;
      const purpose = link.purpose ?? 'sign-in';
      if (purpose === 'sign-in') state.session = newSession(owner.id, 'email');
      return {
        purpose,
        user: publicUser(owner),
        session: purpose === 'sign-in' && state.session ? publicSession(state.session) : null,
      };
    },
    getFallbacks: () => {
      requireSession();
      return describeFallbacks();
    },
    updateFallbacks: (_, body) => {
      requireElevated();
      // As the server: turning on a method the deployment has off changes nothing.
      for (const method of FALLBACK_METHODS) {
        if (body[method] === true && !deploymentFallbacks[method])
          fail('FALLBACK_UNAVAILABLE', `${method} is turned off for this service`);
      }
      for (const method of FALLBACK_METHODS) {
        if (typeof body[method] === 'boolean') state.fallbacks[method] = body[method] as boolean;
      }
      return describeFallbacks();
    },
    startPairing: () => {
      state.pairing = { pairingId: next('pair'), code: 'K7QM-4XT2', polls: 0, status: 'pending' };
      return {
        pairingId: state.pairing.pairingId,
        code: state.pairing.code,
        expiresAt: at(5 * 60_000),
      };
    },
    pairingStatus: (params) => {
      const pairing = state.pairing;
      if (!pairing || pairing.pairingId !== params.pairingId)
        return fail('NOT_FOUND', 'No such pairing');
      pairing.polls += 1;
      if (pairing.status === 'pending' && pairing.polls > (options.pairing?.pendingPolls ?? 1)) {
        pairing.status = options.pairing?.outcome ?? 'approved';
        const owner = state.users[0];
        if (pairing.status === 'approved' && owner) state.session = newSession(owner.id, 'enrol');
      }
      return { status: pairing.status };
    },
    listApprovals: () => {
      const session = requireSession();
      return {
        approvals: passkeysOf(session.userId)
          .filter((p) => p.status === 'pending')
          .map(publicPasskey),
      };
    },
    approvePasskey: (params) => {
      const session = requireElevated();
      const passkey = ownPasskey(session.userId, params.credentialId!);
      passkey.status = 'active';
      return { passkey: publicPasskey(passkey) };
    },
    denyPasskey: (params) => {
      const session = requireElevated();
      const passkey = ownPasskey(session.userId, params.credentialId!);
      state.passkeys = state.passkeys.filter((p) => p !== passkey);
      return { ok: true };
    },
  };

  /** The account's choices within what the deployment allows, as `GET /fallbacks` answers. */
  function describeFallbacks(): FallbacksResponse {
    const account = { ...state.fallbacks };
    for (const method of FALLBACK_METHODS) account[method] &&= deploymentFallbacks[method];
    return {
      deployment: { ...deploymentFallbacks },
      account,
      passwordSet: options.fallbacks?.passwordSet ?? false,
    };
  }

  function recoveryCodes() {
    state.recoveryCodesRemaining = 10;
    return Array.from({ length: 10 }, (_, i) => {
      const n = String((i + 1) * 7919 + counter).padStart(8, '0');
      return `${n.slice(0, 4)}-${n.slice(4, 8)}`;
    });
  }

  const table = (Object.keys(routes) as RouteName[]).map((name) => {
    const def: RouteDefinition = routes[name];
    const names: string[] = [];
    const pattern = def.path.replace(/:([A-Za-z]+)/g, (_, param: string) => {
      names.push(param);
      return '([^/]+)';
    });
    return {
      name,
      method: def.method,
      re: new RegExp(`^${def.absolute ? '' : '/auth'}${pattern}$`),
      names,
    };
  });

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const error = (code: ErrorCode, message: string = code) =>
    json(statusOf(code), { error: { code, message } });

  async function handle(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const signal = init.signal ?? undefined;
    let params: Record<string, string> = {};
    const found = table.find((row) => {
      const m = row.method === method ? row.re.exec(url.pathname) : null;
      if (m)
        params = Object.fromEntries(row.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return m !== null;
    });
    if (!found) return error('ROUTE_NOT_FOUND', `${method} ${url.pathname} is not in the mock`);
    let body: Record<string, unknown> = {};
    if (typeof init.body === 'string') {
      try {
        body = JSON.parse(init.body);
      } catch {
        return error('INVALID_JSON');
      }
    }
    calls.push({ route: found.name, params, body, headers: new Headers(init.headers) });
    await wait(options.latency ?? 0, hang.has(found.name), signal);
    const code = failures[found.name];
    if (code) return error(code, `Mock failure for ${found.name}`);
    const schema = routes[found.name].request;
    if (schema) {
      const parsed = schema.safeParse(body);
      if (!parsed.success) return error('INVALID_BODY', parsed.error.message);
    }
    const handler = handlers[found.name];
    if (!handler) return error('ROUTE_NOT_FOUND', `${found.name} is not in the mock`);
    try {
      return json((routes[found.name] as RouteDefinition).status ?? 200, handler(params, body));
    } catch (thrown) {
      if (thrown instanceof Failure) return error(thrown.code, thrown.message);
      throw thrown;
    }
  }

  const fetchImpl = handle as typeof fetch;
  return {
    fetch: fetchImpl,
    client: createLatchkeyClient({ baseUrl: '/auth', fetch: fetchImpl }),
    calls,
    state,
    authenticatorCredentials: () =>
      state.passkeys.map((p) => ({
        id: p.credentialId,
        userHandle: userOf(p.userId)?.handle ?? '',
        rpId: p.rpId,
      })),
    fail(route, code) {
      if (code) failures[route] = code;
      else delete failures[route];
    },
    routeNames: () => calls.map((c) => c.route),
  };
}

function wait(ms: number, forever: boolean, signal: AbortSignal | undefined): Promise<void> {
  if (!forever && ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = forever ? undefined : setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
      },
      { once: true },
    );
  });
}
