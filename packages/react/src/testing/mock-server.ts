import {
  base64urlDecode,
  base64urlEncode,
  createLatchkeyClient,
  defaultPasskeyName,
  type ErrorCode,
  type FallbacksResponse,
  type LatchkeyClient,
  type PasskeyInfo,
  type PopPublicKey,
  type RouteDefinition,
  type RouteName,
  requestProofMessage,
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
 * the last-credential guard) but not WebAuthn signatures: pair it with
 * `installFakeWebAuthn`. Times come from a fixed clock.
 *
 * It also answers the routes of locked sessions and passkey-derived keys, with
 * the cryptography that decides their outcome: a session signed in or upgraded
 * with a device key is bound to it, its proofs and `Latchkey-Proof` request
 * signatures are checked with ECDSA P-256, and proof challenges are single use.
 * `mock-server.contract.test.ts` runs the same scenarios against the real
 * server's handler, so this fake cannot drift from the contract.
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
  /**
   * Refuse a bound session's requests without a `Latchkey-Proof` header, as the
   * real server does (default false: a header that is sent is always checked).
   */
  requireRequestProof?: boolean;
}

/** How long a locked session's proof of possession lasts, as the server's default `pop.maxAge`. */
export const POP_MAX_AGE_SECONDS = 120;

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
          emailVerified: false,
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

  // Locked sessions: the device key each session is bound to, and its proofs.
  const bindings = new Map<string, PopPublicKey>();
  const popChallenges = new Set<string>();
  const proofs: string[] = [];
  const signedRequests: string[] = [];
  const nonces = new Set<string>();
  const stale = new Set<string>();
  const wrappedKeys = new Map<string, string>();
  const salt = base64urlEncode(crypto.getRandomValues(new Uint8Array(32)));
  let drop = 0;
  // How far the server's clock is from the browser's: it dates its answers (`Date`) and checks proofs on it.
  let skew = 0;
  let lagging = false;
  const serverNow = () => Date.now() + skew;

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
    // As the server: unknown, used and expired challenges are indistinguishable.
    if (!entry) return fail('CHALLENGE_EXPIRED', 'This request expired or was already used');
    if (data.type !== type || entry.kind !== kind) {
      return fail('CHALLENGE_MISMATCH', 'The challenge was issued for another ceremony');
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

  function issueChallenge() {
    const value = base64urlEncode(crypto.getRandomValues(new Uint8Array(32)));
    popChallenges.add(value);
    return value;
  }

  /** Binds the new session of a sign-in or sign-up to the device key it carries. */
  function bind(popKey: unknown) {
    if (!popKey || !state.session) return;
    bindings.set(state.session.id, popKey as PopPublicKey);
    state.session.locked = true;
  }

  /** Checks a request proof as the server does; the clock is the real one, as the signer's. */
  async function verifyRequestProof(
    key: PopPublicKey,
    header: string,
    method: string,
    url: URL,
  ): Promise<boolean> {
    const parts = /^(\d+)\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{86})$/.exec(header);
    if (!parts || Math.abs(serverNow() - Number(parts[1]) * 1000) > 60_000) return false;
    const message = requestProofMessage(
      method,
      url.origin,
      url.pathname,
      Number(parts[1]),
      parts[2]!,
    );
    const valid = await verifyP256(key, parts[3]!, new TextEncoder().encode(message));
    if (!valid || nonces.has(parts[2]!)) return false;
    nonces.add(parts[2]!);
    return true;
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

  type Handler = (
    params: Record<string, string>,
    body: Record<string, unknown>,
  ) => unknown | Promise<unknown>;
  const handlers: Partial<Record<RouteName, Handler>> = {
    getSession: () => {
      const session = state.session;
      const user = session ? userOf(session.userId) : null;
      return {
        user: user ? publicUser(user) : null,
        session: session ? publicSession(session) : null,
        rp: describeRp(),
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
            ? passkeysOf(user.id).map((p) => ({
                id: p.credentialId,
                type: 'public-key',
                transports: p.transports,
              }))
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
          emailVerified: false,
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
      if (!state.session || sessionKind !== 'full') {
        state.session = newSession(user.id, 'full');
        bind(body.popKey);
      }
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
      bind(body.popKey);
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
      passkey.lastUsedAt = at(0);
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
    popChallenge: () => {
      const s = requireSession(['full', 'recovery', 'enrol', 'email']);
      if (!bindings.has(s.id)) fail('FORBIDDEN', 'This session is not bound to a device key');
      return { challenge: issueChallenge(), expiresAt: at(60_000) };
    },
    popProve: async (_, body) => {
      const s = requireSession(['full', 'recovery', 'enrol', 'email']);
      const key = bindings.get(s.id) ?? fail('FORBIDDEN', 'This session is not bound');
      const challenge = body.challenge as string;
      if (!popChallenges.delete(challenge)) fail('CHALLENGE_EXPIRED', 'Unknown or used challenge');
      const valid = await verifyP256(
        key,
        body.signature as string,
        new Uint8Array(base64urlDecode(challenge)),
      );
      if (!valid) fail('POP_INVALID', 'Not signed by this session’s device key');
      proofs.push(challenge);
      stale.delete(s.id);
      return { provenAt: at(0), nextProofBy: at(POP_MAX_AGE_SECONDS * 1000) };
    },
    setTier: (_, body) => {
      const s = requireElevated();
      const tier = body.tier as 'standard' | 'locked';
      if (tier === 'locked' && !bindings.has(s.id)) {
        const popKey = (body.popKey as PopPublicKey | undefined) ?? fail('POP_REQUIRED');
        bindings.set(s.id, popKey);
        s.locked = true;
      }
      userOf(s.userId)!.tier = tier;
      return { ok: true };
    },
    prfKeys: () => {
      const s = requireSession();
      return {
        salt,
        keys: passkeysOf(s.userId)
          .filter((p) => p.status === 'active')
          .map((p) => ({
            credentialId: p.credentialId,
            wrappedKey: lagging ? null : (wrappedKeys.get(p.credentialId) ?? null),
            prf: p.prf,
          })),
      };
    },
    setWrappedKey: (params, body) => {
      const s = requireElevated();
      const passkey = ownPasskey(s.userId, params.credentialId!);
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

  function describeRp() {
    return {
      id: rpId,
      grace: !state.passkeys.some((p) => p.rpId === rpId),
      signUp: options.signUp ?? 'open',
    };
  }

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
      def,
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
    if (drop > 0) {
      drop--;
      throw new TypeError('Failed to fetch');
    }
    const response = await respond(input, init);
    response.headers.set('date', new Date(serverNow()).toUTCString());
    return response;
  }

  /** Routes a bound session may call without a fresh proof: how it proves, and how it leaves. */
  const PROOF_EXEMPT: readonly RouteName[] = ['popChallenge', 'popProve', 'signOut'];
  const signedOut = () => json(200, { user: null, session: null, rp: describeRp() });

  async function respond(input: RequestInfo | URL, init: RequestInit): Promise<Response> {
    const url = new URL(
      input instanceof Request ? input.url : String(input),
      globalThis.location?.href ?? 'http://localhost',
    );
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
    // A bound session signs each request (when asked to, or when it sends a proof) and
    // proves possession every `pop.maxAge`; the server answers signed out, or refuses.
    const current = state.session;
    const boundTo = current ? bindings.get(current.id) : undefined;
    if (current && boundTo && !PROOF_EXEMPT.includes(found.name)) {
      const header = new Headers(init.headers).get('latchkey-proof');
      let refusal: ErrorCode | null = null;
      if (header === null) refusal = options.requireRequestProof ? 'POP_REQUIRED' : null;
      else if (await verifyRequestProof(boundTo, header, method, url))
        signedRequests.push(`${method} ${url.pathname}`);
      else refusal = 'POP_INVALID';
      if (!refusal && stale.has(current.id)) refusal = 'POP_REQUIRED';
      if (refusal && found.def.auth !== 'public')
        return error(refusal, 'Prove this device’s key first');
      if (refusal && found.name === 'getSession') return signedOut();
    }
    const schema = routes[found.name].request;
    if (schema) {
      const parsed = schema.safeParse(body);
      if (!parsed.success) return error('INVALID_BODY', parsed.error.message);
    }
    const handler = handlers[found.name];
    if (!handler) return error('ROUTE_NOT_FOUND', `${found.name} is not in the mock`);
    try {
      return json(found.def.status ?? 200, await handler(params, body));
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
    boundKey: () => (state.session ? (bindings.get(state.session.id) ?? null) : null),
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
      if (state.session) stale.add(state.session.id);
    },
  };
}

/**
 * Whether `signature` (base64url, raw r‖s) signs `data` with the P-256 public key `key`.
 *
 * @example
 * await verifyP256(key.publicJwk, base64urlDecode(challenge), signature) // true
 */
export async function verifyP256(
  key: PopPublicKey,
  signature: string,
  data: Uint8Array,
): Promise<boolean> {
  const bytes = base64urlDecode(signature);
  if (bytes.byteLength !== 64) return false;
  const publicKey = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: key.x, y: key.y },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  return crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    publicKey,
    new Uint8Array(bytes),
    new Uint8Array(data),
  );
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
