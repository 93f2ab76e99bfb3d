// @latchkey/core: the wire protocol shared by the server, the React kit and the CLI.

export { createLatchkeyClient } from './client/create-latchkey-client.js';
export { createLeanLatchkeyClient } from './client/create-lean-latchkey-client.js';
export type {
  JsonRouteName,
  LatchkeyClient,
  LatchkeyClientOptions,
  LatchkeyResult,
  RequestOptions,
} from './client/latchkey-client.js';
export { defaultPasskeyName, describeUserAgent } from './devices/describe-user-agent.js';
export { base64urlDecode, base64urlEncode, isBase64url } from './encoding/base64url.js';
export type { ErrorCode } from './errors/codes.js';
export { ERROR_CODES, isErrorCode, statusOf } from './errors/codes.js';
export { isLatchkeyError, LatchkeyError } from './errors/latchkey-error.js';
export { localReturnPath } from './navigation/return-path.js';
export { PROOF_HEADER, requestProofMessage } from './pop/request-proof-message.js';
export type { HttpMethod, RouteSpec, RouteSpecs } from './route-specs.js';
export { routeSpecs } from './route-specs.js';
export type {
  PathParamNames,
  RouteAuth,
  RouteBody,
  RouteDefinition,
  RouteInput,
  RouteName,
  RouteResponse,
  Routes,
} from './routes.js';
export { routes } from './routes.js';
export {
  DeviceDescription,
  ExternalId,
  Session,
  SessionInfo,
  SessionKind,
  SessionResponse,
  SessionsResponse,
  SignedInResponse,
  Tier,
  User,
} from './schemas/account.js';
export { AUDIT_EVENT_TYPES, AuditEvent, AuditEventType, AuditResponse } from './schemas/audit.js';
export {
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
export {
  EmailLinkOptionsRequest,
  EmailVerifyRequest,
  EmailVerifyResponse,
} from './schemas/email.js';
export { ErrorResponse } from './schemas/error.js';
export { OpenApiDocument } from './schemas/openapi.js';
export {
  ApprovalsResponse,
  PairingCodeRequest,
  PairingLookupResponse,
  PairingRequest,
  PairingResponse,
  PairingStatus,
  PairingStatusResponse,
} from './schemas/pairing.js';
export { PasskeyInfo, PasskeyResponse, PasskeysResponse } from './schemas/passkey.js';
export {
  FallbacksResponse,
  PasswordSignInRequest,
  SetPasswordRequest,
  UpdateFallbacksRequest,
} from './schemas/password.js';
export {
  PopChallengeResponse,
  PopProveRequest,
  PopProveResponse,
  PopPublicKey,
  TierRequest,
} from './schemas/pop.js';
export {
  PrfKeyInfo,
  PrfKeysResponse,
  WRAPPED_KEY_MAX_LENGTH,
  WrappedKeyRequest,
} from './schemas/prf.js';
export { Empty, Ok } from './schemas/primitives.js';
export {
  RecoveryCodesResponse,
  RecoveryCodesStatusResponse,
  RecoveryRequest,
} from './schemas/recovery.js';
export {
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
  Scope,
  TokenInfo,
  TokensResponse,
} from './schemas/tokens.js';
export {
  AuthenticationExtensionsClientOutputsJSON,
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialDescriptorJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from './schemas/webauthn.js';
