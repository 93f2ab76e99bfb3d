import type * as z from 'zod/mini';
import { SessionResponse, SessionsResponse, SignedInResponse } from './schemas/account.js';
import { AuditResponse } from './schemas/audit.js';
import {
  AuthenticateRequest,
  AuthOptionsRequest,
  AuthOptionsResponse,
  RegisterOptionsRequest,
  RegisterOptionsResponse,
  RegisterRequest,
  RegisterResponse,
  RenamePasskeyRequest,
  VerifyRequest,
  VerifyResponse,
} from './schemas/ceremonies.js';
import {
  ApprovalsResponse,
  PairingCodeRequest,
  PairingLookupResponse,
  PairingRequest,
  PairingResponse,
  PairingStatusResponse,
} from './schemas/pairing.js';
import { PasskeyResponse, PasskeysResponse } from './schemas/passkey.js';
import {
  PopChallengeResponse,
  PopProveRequest,
  PopProveResponse,
  TierRequest,
} from './schemas/pop.js';
import { PrfKeysResponse, WrappedKeyRequest } from './schemas/prf.js';
import { Empty, Ok } from './schemas/primitives.js';
import {
  RecoveryCodesResponse,
  RecoveryCodesStatusResponse,
  RecoveryRequest,
} from './schemas/recovery.js';
import {
  CreateTokenRequest,
  CreateTokenResponse,
  DeviceCodeRequest,
  DeviceCodeResponse,
  DeviceLookupResponse,
  DeviceTokenRequest,
  DeviceTokenResponse,
  DeviceUserCodeRequest,
  HandoffExchangeRequest,
  HandoffRequest,
  HandoffResponse,
  IssueJwtRequest,
  IssueJwtResponse,
  Jwks,
  RelatedOrigins,
  TokensResponse,
} from './schemas/tokens.js';

/**
 * Who may call a route:
 * - `public`: anyone (every public POST is rate limited);
 * - `session`: a signed-in session (a bearer token too, where `bearer` is set);
 * - `elevated`: a session that stepped up with a passkey in the last few minutes;
 * - `enrol`: a session of any kind, including `recovery` and `enrol` sessions, or
 *   nobody when sign-up is open;
 * - `pairing`: the device that asked to pair (it holds the pairing cookie).
 */
export type RouteAuth = 'public' | 'session' | 'elevated' | 'enrol' | 'pairing';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One row of the route table. */
export interface RouteDefinition {
  readonly method: HttpMethod;
  /** Relative to the base path (default `/auth`), unless `absolute`. `:name` is a parameter. */
  readonly path: string;
  readonly absolute?: boolean;
  readonly auth: RouteAuth;
  /** Accepts `Authorization: Bearer` in place of a session cookie. */
  readonly bearer?: boolean;
  /** The JSON body schema; `null` for routes without a body. */
  readonly request: z.ZodMiniType | null;
  readonly response: z.ZodMiniType;
  /** The success status (200 unless said). */
  readonly status?: 200 | 201;
  /**
   * A Server-Sent Events stream (`text/event-stream`) rather than one JSON answer;
   * `response` is the shape of each event's data. Open it with `EventSource` at
   * `client.url(name)`; the client has no method for it.
   */
  readonly stream?: true;
}

const route = <const R extends RouteDefinition>(r: R): R => r;

/**
 * The route table: the single source of the HTTP contract. The server's router
 * is built from it, and `createLatchkeyClient` validates answers with its
 * schemas. A route added here also needs its wire facts in `routeSpecs`
 * (`route-specs.ts`), which the clients call routes with.
 *
 * @example
 * routes.authenticate.path // '/passkeys/authenticate'
 */
export const routes = {
  getSession: route({
    method: 'GET',
    path: '/session',
    auth: 'public',
    bearer: true,
    request: null,
    response: SessionResponse,
  }),
  signOut: route({
    method: 'POST',
    path: '/sign-out',
    auth: 'session',
    request: Empty,
    response: Ok,
  }),
  listSessions: route({
    method: 'GET',
    path: '/sessions',
    auth: 'session',
    request: null,
    response: SessionsResponse,
  }),
  revokeSession: route({
    method: 'DELETE',
    path: '/sessions/:id',
    auth: 'session',
    request: null,
    response: Ok,
  }),

  registerOptions: route({
    method: 'POST',
    path: '/passkeys/register-options',
    auth: 'enrol',
    request: RegisterOptionsRequest,
    response: RegisterOptionsResponse,
  }),
  register: route({
    method: 'POST',
    path: '/passkeys/register',
    auth: 'enrol',
    request: RegisterRequest,
    response: RegisterResponse,
    status: 201,
  }),
  authOptions: route({
    method: 'POST',
    path: '/passkeys/auth-options',
    auth: 'public',
    request: AuthOptionsRequest,
    response: AuthOptionsResponse,
  }),
  authenticate: route({
    method: 'POST',
    path: '/passkeys/authenticate',
    auth: 'public',
    request: AuthenticateRequest,
    response: SignedInResponse,
  }),
  listPasskeys: route({
    method: 'GET',
    path: '/passkeys',
    auth: 'session',
    request: null,
    response: PasskeysResponse,
  }),
  renamePasskey: route({
    method: 'PATCH',
    path: '/passkeys/:credentialId',
    auth: 'session',
    request: RenamePasskeyRequest,
    response: PasskeyResponse,
  }),
  deletePasskey: route({
    method: 'DELETE',
    path: '/passkeys/:credentialId',
    auth: 'elevated',
    request: null,
    response: Ok,
  }),
  verifyOptions: route({
    method: 'POST',
    path: '/passkeys/verify-options',
    auth: 'session',
    request: Empty,
    response: AuthOptionsResponse,
  }),
  verify: route({
    method: 'POST',
    path: '/passkeys/verify',
    auth: 'session',
    request: VerifyRequest,
    response: VerifyResponse,
  }),

  recoveryCodesStatus: route({
    method: 'GET',
    path: '/recovery-codes',
    auth: 'session',
    request: null,
    response: RecoveryCodesStatusResponse,
  }),
  regenerateRecoveryCodes: route({
    method: 'POST',
    path: '/recovery-codes',
    auth: 'elevated',
    request: Empty,
    response: RecoveryCodesResponse,
  }),
  recover: route({
    method: 'POST',
    path: '/recovery',
    auth: 'public',
    request: RecoveryRequest,
    response: SignedInResponse,
  }),

  startPairing: route({
    method: 'POST',
    path: '/pairing',
    auth: 'public',
    request: PairingRequest,
    response: PairingResponse,
    status: 201,
  }),
  pairingStatus: route({
    method: 'GET',
    path: '/pairing/:pairingId',
    auth: 'pairing',
    request: null,
    response: PairingStatusResponse,
  }),
  lookupPairing: route({
    method: 'POST',
    path: '/pairing/lookup',
    auth: 'elevated',
    request: PairingCodeRequest,
    response: PairingLookupResponse,
  }),
  approvePairing: route({
    method: 'POST',
    path: '/pairing/approve',
    auth: 'elevated',
    request: PairingCodeRequest,
    response: Ok,
  }),
  denyPairing: route({
    method: 'POST',
    path: '/pairing/deny',
    auth: 'elevated',
    request: PairingCodeRequest,
    response: Ok,
  }),
  approvalsStream: route({
    method: 'GET',
    path: '/approvals/stream',
    auth: 'session',
    request: null,
    response: ApprovalsResponse,
    stream: true,
  }),
  listApprovals: route({
    method: 'GET',
    path: '/approvals',
    auth: 'session',
    request: null,
    response: ApprovalsResponse,
  }),
  approvePasskey: route({
    method: 'POST',
    path: '/approvals/:credentialId/approve',
    auth: 'elevated',
    request: Empty,
    response: PasskeyResponse,
  }),
  denyPasskey: route({
    method: 'POST',
    path: '/approvals/:credentialId/deny',
    auth: 'elevated',
    request: Empty,
    response: Ok,
  }),

  createToken: route({
    method: 'POST',
    path: '/tokens',
    auth: 'elevated',
    request: CreateTokenRequest,
    response: CreateTokenResponse,
    status: 201,
  }),
  listTokens: route({
    method: 'GET',
    path: '/tokens',
    auth: 'session',
    bearer: true,
    request: null,
    response: TokensResponse,
  }),
  revokeToken: route({
    method: 'DELETE',
    path: '/tokens/:id',
    auth: 'session',
    bearer: true,
    request: null,
    response: Ok,
  }),
  deviceCode: route({
    method: 'POST',
    path: '/device/code',
    auth: 'public',
    request: DeviceCodeRequest,
    response: DeviceCodeResponse,
  }),
  deviceToken: route({
    method: 'POST',
    path: '/device/token',
    auth: 'public',
    request: DeviceTokenRequest,
    response: DeviceTokenResponse,
  }),
  lookupDevice: route({
    method: 'POST',
    path: '/device/lookup',
    auth: 'session',
    request: DeviceUserCodeRequest,
    response: DeviceLookupResponse,
  }),
  approveDevice: route({
    method: 'POST',
    path: '/device/approve',
    auth: 'elevated',
    request: DeviceUserCodeRequest,
    response: Ok,
  }),
  denyDevice: route({
    method: 'POST',
    path: '/device/deny',
    auth: 'session',
    request: DeviceUserCodeRequest,
    response: Ok,
  }),
  handoff: route({
    method: 'POST',
    path: '/handoff',
    auth: 'session',
    request: HandoffRequest,
    response: HandoffResponse,
  }),
  exchangeHandoff: route({
    method: 'POST',
    path: '/handoff/exchange',
    auth: 'public',
    request: HandoffExchangeRequest,
    response: SignedInResponse,
  }),
  issueJwt: route({
    method: 'POST',
    path: '/jwt',
    auth: 'session',
    bearer: true,
    request: IssueJwtRequest,
    response: IssueJwtResponse,
  }),

  popChallenge: route({
    method: 'POST',
    path: '/pop/challenge',
    auth: 'session',
    request: Empty,
    response: PopChallengeResponse,
  }),
  popProve: route({
    method: 'POST',
    path: '/pop/prove',
    auth: 'session',
    request: PopProveRequest,
    response: PopProveResponse,
  }),
  setTier: route({
    method: 'POST',
    path: '/tier',
    auth: 'elevated',
    request: TierRequest,
    response: Ok,
  }),

  prfKeys: route({
    method: 'GET',
    path: '/prf',
    auth: 'session',
    request: null,
    response: PrfKeysResponse,
  }),
  setWrappedKey: route({
    method: 'PUT',
    path: '/passkeys/:credentialId/wrapped-key',
    auth: 'elevated',
    request: WrappedKeyRequest,
    response: Ok,
  }),

  audit: route({
    method: 'GET',
    path: '/audit',
    auth: 'session',
    request: null,
    response: AuditResponse,
  }),
  jwks: route({
    method: 'GET',
    path: '/.well-known/jwks.json',
    absolute: true,
    auth: 'public',
    request: null,
    response: Jwks,
  }),
  relatedOrigins: route({
    method: 'GET',
    path: '/.well-known/webauthn',
    absolute: true,
    auth: 'public',
    request: null,
    response: RelatedOrigins,
  }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

/** The names of a path's `:parameters`, as a type: `'/a/:id/b'` → `'id'`. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The request body a route takes (its schema's input type), or nothing. */
export type RouteBody<N extends RouteName> = Routes[N]['request'] extends z.ZodMiniType
  ? NoFieldsAsEmpty<z.input<Routes[N]['request']>>
  : Record<never, never>;

/**
 * `Empty` (a strict `{}`) infers as `{ [k: string]: never }`; intersected with a
 * route's path parameters that would forbid them, so it counts as no fields.
 */
type NoFieldsAsEmpty<T> = string extends keyof T ? Record<never, never> : T;

/** The parsed success body of a route. */
export type RouteResponse<N extends RouteName> = z.output<Routes[N]['response']>;

/** What a client method takes: the path parameters and the body's fields, side by side. */
export type RouteInput<N extends RouteName> = {
  [K in PathParamNames<Routes[N]['path']>]: string;
} & RouteBody<N>;
