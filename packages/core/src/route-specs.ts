export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * How to call a route: what a client needs, and nothing about who may call it
 * (that is `routes`' `auth` and `bearer`, which only the server reads). A client
 * built from these alone (`createLeanLatchkeyClient`) needs no zod.
 */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** Relative to the base path (default `/auth`), unless `absolute`. `:name` is a parameter. */
  readonly path: string;
  readonly absolute?: boolean;
  /** The success status (200 unless said). */
  readonly status?: 200 | 201;
  /**
   * A Server-Sent Events stream (`text/event-stream`) rather than one JSON answer.
   * Open it with `EventSource` at `client.url(name)`; the client has no method for it.
   */
  readonly stream?: true;
}

/**
 * Where each route lives: method, path, success status and event streams. It is
 * the one home of these facts: `routes` spreads each row into its own and adds
 * who may call, bearer tokens and the schemas. A route without a JSON body is a
 * `GET` or a `DELETE`; every other method takes one.
 *
 * @example
 * routeSpecs.register // { method: 'POST', path: '/passkeys/register', status: 201 }
 */
export const routeSpecs = {
  getSession: { method: 'GET', path: '/session' },
  signOut: { method: 'POST', path: '/sign-out' },
  listSessions: { method: 'GET', path: '/sessions' },
  revokeSession: { method: 'DELETE', path: '/sessions/:id' },
  deleteAccount: { method: 'DELETE', path: '/account' },

  registerOptions: { method: 'POST', path: '/passkeys/register-options' },
  register: { method: 'POST', path: '/passkeys/register', status: 201 },
  authOptions: { method: 'POST', path: '/passkeys/auth-options' },
  authenticate: { method: 'POST', path: '/passkeys/authenticate' },
  listPasskeys: { method: 'GET', path: '/passkeys' },
  renamePasskey: { method: 'PATCH', path: '/passkeys/:credentialId' },
  deletePasskey: { method: 'DELETE', path: '/passkeys/:credentialId' },
  verifyOptions: { method: 'POST', path: '/passkeys/verify-options' },
  verify: { method: 'POST', path: '/passkeys/verify' },

  recoveryCodesStatus: { method: 'GET', path: '/recovery-codes' },
  regenerateRecoveryCodes: { method: 'POST', path: '/recovery-codes' },
  recover: { method: 'POST', path: '/recovery' },

  emailLinkOptions: { method: 'POST', path: '/email/link-options' },
  emailVerify: { method: 'POST', path: '/email/verify' },
  passwordSignIn: { method: 'POST', path: '/password/sign-in' },
  setPassword: { method: 'PUT', path: '/password' },
  removePassword: { method: 'DELETE', path: '/password' },
  getFallbacks: { method: 'GET', path: '/fallbacks' },
  updateFallbacks: { method: 'PUT', path: '/fallbacks' },

  startPairing: { method: 'POST', path: '/pairing', status: 201 },
  pairingStatus: { method: 'GET', path: '/pairing/:pairingId' },
  lookupPairing: { method: 'POST', path: '/pairing/lookup' },
  approvePairing: { method: 'POST', path: '/pairing/approve' },
  denyPairing: { method: 'POST', path: '/pairing/deny' },
  approvalsStream: { method: 'GET', path: '/approvals/stream', stream: true },
  listApprovals: { method: 'GET', path: '/approvals' },
  approvePasskey: { method: 'POST', path: '/approvals/:credentialId/approve' },
  denyPasskey: { method: 'POST', path: '/approvals/:credentialId/deny' },

  createToken: { method: 'POST', path: '/tokens', status: 201 },
  listTokens: { method: 'GET', path: '/tokens' },
  revokeToken: { method: 'DELETE', path: '/tokens/:id' },
  deviceCode: { method: 'POST', path: '/device/code' },
  deviceToken: { method: 'POST', path: '/device/token' },
  lookupDevice: { method: 'POST', path: '/device/lookup' },
  approveDevice: { method: 'POST', path: '/device/approve' },
  denyDevice: { method: 'POST', path: '/device/deny' },
  handoff: { method: 'POST', path: '/handoff' },
  previewHandoff: { method: 'POST', path: '/handoff/preview' },
  exchangeHandoff: { method: 'POST', path: '/handoff/exchange' },
  issueJwt: { method: 'POST', path: '/jwt' },

  popChallenge: { method: 'POST', path: '/pop/challenge' },
  popProve: { method: 'POST', path: '/pop/prove' },
  setTier: { method: 'POST', path: '/tier' },

  prfKeys: { method: 'GET', path: '/prf' },
  setWrappedKey: {
    method: 'PUT',
    path: '/passkeys/:credentialId/wrapped-key',
  },

  audit: { method: 'GET', path: '/audit' },
  openapi: { method: 'GET', path: '/openapi.json' },
  jwks: { method: 'GET', path: '/.well-known/jwks.json', absolute: true },
  relatedOrigins: { method: 'GET', path: '/.well-known/webauthn', absolute: true },
} as const satisfies Record<string, RouteSpec>;

export type RouteSpecs = typeof routeSpecs;
