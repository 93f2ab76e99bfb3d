import type * as z from 'zod/mini';
import { type RouteSpec, routeSpecs } from './route-specs.js';
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
  EmailLinkOptionsRequest,
  EmailVerifyRequest,
  EmailVerifyResponse,
} from './schemas/email.js';
import { OpenApiDocument } from './schemas/openapi.js';
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
  FallbacksResponse,
  PasswordSignInRequest,
  SetPasswordRequest,
  UpdateFallbacksRequest,
} from './schemas/password.js';
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
  HandoffPreviewRequest,
  HandoffPreviewResponse,
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
 * - `enrol`: a session of any kind, including `recovery`, `email` and `enrol` sessions, or
 *   nobody when sign-up is open;
 * - `pairing`: the device that asked to pair (it holds the pairing cookie, or a native app
 *   the pre-session it started the pairing with).
 */
export type RouteAuth = 'public' | 'session' | 'elevated' | 'enrol' | 'pairing';

/** One row of the route table: where it lives (`routeSpecs`), who may call, and the schemas. */
export interface RouteDefinition extends RouteSpec {
  readonly auth: RouteAuth;
  /** Accepts `Authorization: Bearer` in place of a session cookie. */
  readonly bearer?: boolean;
  /**
   * A native app's step, for a client with no cookie jar (`Latchkey-Pre-Session`
   * and no `Origin` or `Sec-Fetch-Site`): `options` hands out a pre-session
   * (`Latchkey-Pre-Session: new` asks; the answer's header of that name holds
   * it) where a browser would get a cookie that binds (a ceremony's challenge, a
   * sign-in link, a pairing); `finish` takes it back and, for a response signed
   * by a native app's origin, answers a bearer session; `session` (a recovery
   * code, an email link, a password, a pairing's collection, a handoff) answers
   * its session as a bearer. The bearer is `Latchkey-Session-Token`, and
   * `session.token` where the answer has a session.
   */
  readonly native?: 'options' | 'finish' | 'session';
  /** The JSON body schema; `null` for routes without a body. */
  readonly request: z.ZodMiniType | null;
  /** The answer's schema; for a `stream`, the shape of each event's data. */
  readonly response: z.ZodMiniType;
}

const route = <const R extends RouteDefinition>(r: R): R => r;

/**
 * The route table: the single source of the HTTP contract. The server's router
 * is built from it, and `createLatchkeyClient` validates answers with its
 * schemas. Method, path and status come from `routeSpecs` (`route-specs.ts`):
 * a new route starts there.
 *
 * @example
 * routes.authenticate.path // '/passkeys/authenticate'
 */
export const routes = {
  getSession: route({
    ...routeSpecs.getSession,
    auth: 'public',
    bearer: true,
    request: null,
    response: SessionResponse,
  }),
  signOut: route({
    ...routeSpecs.signOut,
    auth: 'session',
    request: Empty,
    response: Ok,
  }),
  listSessions: route({
    ...routeSpecs.listSessions,
    auth: 'session',
    request: null,
    response: SessionsResponse,
  }),
  revokeSession: route({
    ...routeSpecs.revokeSession,
    auth: 'session',
    request: null,
    response: Ok,
  }),
  /** Deletes the caller's account: passkeys, sessions, tokens, recovery codes; the audit trail stays. */
  deleteAccount: route({
    ...routeSpecs.deleteAccount,
    auth: 'elevated',
    request: null,
    response: Ok,
  }),

  registerOptions: route({
    ...routeSpecs.registerOptions,
    native: 'options',
    auth: 'enrol',
    request: RegisterOptionsRequest,
    response: RegisterOptionsResponse,
  }),
  register: route({
    ...routeSpecs.register,
    native: 'finish',
    auth: 'enrol',
    request: RegisterRequest,
    response: RegisterResponse,
  }),
  authOptions: route({
    ...routeSpecs.authOptions,
    native: 'options',
    auth: 'public',
    request: AuthOptionsRequest,
    response: AuthOptionsResponse,
  }),
  authenticate: route({
    ...routeSpecs.authenticate,
    native: 'finish',
    auth: 'public',
    request: AuthenticateRequest,
    response: SignedInResponse,
  }),
  listPasskeys: route({
    ...routeSpecs.listPasskeys,
    auth: 'session',
    request: null,
    response: PasskeysResponse,
  }),
  renamePasskey: route({
    ...routeSpecs.renamePasskey,
    auth: 'session',
    request: RenamePasskeyRequest,
    response: PasskeyResponse,
  }),
  deletePasskey: route({
    ...routeSpecs.deletePasskey,
    auth: 'elevated',
    request: null,
    response: Ok,
  }),
  verifyOptions: route({
    ...routeSpecs.verifyOptions,
    auth: 'session',
    request: Empty,
    response: AuthOptionsResponse,
  }),
  verify: route({
    ...routeSpecs.verify,
    auth: 'session',
    request: VerifyRequest,
    response: VerifyResponse,
  }),

  recoveryCodesStatus: route({
    ...routeSpecs.recoveryCodesStatus,
    auth: 'session',
    request: null,
    response: RecoveryCodesStatusResponse,
  }),
  regenerateRecoveryCodes: route({
    ...routeSpecs.regenerateRecoveryCodes,
    auth: 'elevated',
    request: Empty,
    response: RecoveryCodesResponse,
  }),
  recover: route({
    ...routeSpecs.recover,
    native: 'session',
    auth: 'public',
    request: RecoveryRequest,
    response: SignedInResponse,
  }),

  emailLinkOptions: route({
    ...routeSpecs.emailLinkOptions,
    native: 'options',
    auth: 'public',
    request: EmailLinkOptionsRequest,
    response: Ok,
  }),
  emailVerify: route({
    ...routeSpecs.emailVerify,
    native: 'session',
    auth: 'public',
    request: EmailVerifyRequest,
    response: EmailVerifyResponse,
  }),

  passwordSignIn: route({
    ...routeSpecs.passwordSignIn,
    native: 'session',
    auth: 'public',
    request: PasswordSignInRequest,
    response: SignedInResponse,
  }),
  setPassword: route({
    ...routeSpecs.setPassword,
    auth: 'elevated',
    request: SetPasswordRequest,
    response: Ok,
  }),
  removePassword: route({
    ...routeSpecs.removePassword,
    auth: 'elevated',
    request: null,
    response: Ok,
  }),
  getFallbacks: route({
    ...routeSpecs.getFallbacks,
    auth: 'session',
    request: null,
    response: FallbacksResponse,
  }),
  updateFallbacks: route({
    ...routeSpecs.updateFallbacks,
    auth: 'elevated',
    request: UpdateFallbacksRequest,
    response: FallbacksResponse,
  }),

  startPairing: route({
    ...routeSpecs.startPairing,
    native: 'options',
    auth: 'public',
    request: PairingRequest,
    response: PairingResponse,
  }),
  pairingStatus: route({
    ...routeSpecs.pairingStatus,
    native: 'session',
    auth: 'pairing',
    request: null,
    response: PairingStatusResponse,
  }),
  lookupPairing: route({
    ...routeSpecs.lookupPairing,
    auth: 'elevated',
    request: PairingCodeRequest,
    response: PairingLookupResponse,
  }),
  approvePairing: route({
    ...routeSpecs.approvePairing,
    auth: 'elevated',
    request: PairingCodeRequest,
    response: Ok,
  }),
  denyPairing: route({
    ...routeSpecs.denyPairing,
    auth: 'elevated',
    request: PairingCodeRequest,
    response: Ok,
  }),
  approvalsStream: route({
    ...routeSpecs.approvalsStream,
    auth: 'session',
    request: null,
    response: ApprovalsResponse,
  }),
  listApprovals: route({
    ...routeSpecs.listApprovals,
    auth: 'session',
    request: null,
    response: ApprovalsResponse,
  }),
  approvePasskey: route({
    ...routeSpecs.approvePasskey,
    auth: 'elevated',
    request: Empty,
    response: PasskeyResponse,
  }),
  denyPasskey: route({
    ...routeSpecs.denyPasskey,
    auth: 'elevated',
    request: Empty,
    response: Ok,
  }),

  createToken: route({
    ...routeSpecs.createToken,
    auth: 'elevated',
    request: CreateTokenRequest,
    response: CreateTokenResponse,
  }),
  listTokens: route({
    ...routeSpecs.listTokens,
    auth: 'session',
    bearer: true,
    request: null,
    response: TokensResponse,
  }),
  revokeToken: route({
    ...routeSpecs.revokeToken,
    auth: 'session',
    bearer: true,
    request: null,
    response: Ok,
  }),
  deviceCode: route({
    ...routeSpecs.deviceCode,
    auth: 'public',
    request: DeviceCodeRequest,
    response: DeviceCodeResponse,
  }),
  deviceToken: route({
    ...routeSpecs.deviceToken,
    auth: 'public',
    request: DeviceTokenRequest,
    response: DeviceTokenResponse,
  }),
  lookupDevice: route({
    ...routeSpecs.lookupDevice,
    auth: 'session',
    request: DeviceUserCodeRequest,
    response: DeviceLookupResponse,
  }),
  approveDevice: route({
    ...routeSpecs.approveDevice,
    auth: 'elevated',
    request: DeviceUserCodeRequest,
    response: Ok,
  }),
  denyDevice: route({
    ...routeSpecs.denyDevice,
    auth: 'session',
    request: DeviceUserCodeRequest,
    response: Ok,
  }),
  handoff: route({
    ...routeSpecs.handoff,
    auth: 'session',
    request: HandoffRequest,
    response: HandoffResponse,
  }),
  previewHandoff: route({
    ...routeSpecs.previewHandoff,
    auth: 'public',
    request: HandoffPreviewRequest,
    response: HandoffPreviewResponse,
  }),
  exchangeHandoff: route({
    ...routeSpecs.exchangeHandoff,
    native: 'session',
    auth: 'public',
    request: HandoffExchangeRequest,
    response: SignedInResponse,
  }),
  issueJwt: route({
    ...routeSpecs.issueJwt,
    auth: 'session',
    bearer: true,
    request: IssueJwtRequest,
    response: IssueJwtResponse,
  }),

  popChallenge: route({
    ...routeSpecs.popChallenge,
    auth: 'session',
    request: Empty,
    response: PopChallengeResponse,
  }),
  popProve: route({
    ...routeSpecs.popProve,
    auth: 'session',
    request: PopProveRequest,
    response: PopProveResponse,
  }),
  setTier: route({
    ...routeSpecs.setTier,
    auth: 'elevated',
    request: TierRequest,
    response: Ok,
  }),

  prfKeys: route({
    ...routeSpecs.prfKeys,
    auth: 'session',
    request: null,
    response: PrfKeysResponse,
  }),
  setWrappedKey: route({
    ...routeSpecs.setWrappedKey,
    auth: 'elevated',
    request: WrappedKeyRequest,
    response: Ok,
  }),

  audit: route({
    ...routeSpecs.audit,
    auth: 'session',
    request: null,
    response: AuditResponse,
  }),
  openapi: route({
    ...routeSpecs.openapi,
    auth: 'public',
    request: null,
    response: OpenApiDocument,
  }),
  jwks: route({
    ...routeSpecs.jwks,
    auth: 'public',
    request: null,
    response: Jwks,
  }),
  relatedOrigins: route({
    ...routeSpecs.relatedOrigins,
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
