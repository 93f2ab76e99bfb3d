import type { RouteDefinition, Routes } from './routes.js';

/**
 * The wire facts of a route, without its schemas: enough to call it. A client
 * built from these alone (`createLeanLatchkeyClient`) needs no zod.
 */
export type RouteSpec = Omit<RouteDefinition, 'request' | 'response'>;

/**
 * The route table's wire facts: method, path, who may call, bearer tokens, the
 * success status and event streams, for every route of `routes`, without the
 * request and response schemas. A route without a JSON body is a `GET` or a
 * `DELETE`; every other method takes one.
 *
 * `routes` stays the single source of the contract: this table must agree with
 * it, which the type below checks at compile time and `route-specs.test.ts`
 * checks at run time.
 *
 * @example
 * routeSpecs.register // { method: 'POST', path: '/passkeys/register', auth: 'enrol', status: 201 }
 */
export const routeSpecs = {
  getSession: { method: 'GET', path: '/session', auth: 'public', bearer: true },
  signOut: { method: 'POST', path: '/sign-out', auth: 'session' },
  listSessions: { method: 'GET', path: '/sessions', auth: 'session' },
  revokeSession: { method: 'DELETE', path: '/sessions/:id', auth: 'session' },

  registerOptions: { method: 'POST', path: '/passkeys/register-options', auth: 'enrol' },
  register: { method: 'POST', path: '/passkeys/register', auth: 'enrol', status: 201 },
  authOptions: { method: 'POST', path: '/passkeys/auth-options', auth: 'public' },
  authenticate: { method: 'POST', path: '/passkeys/authenticate', auth: 'public' },
  listPasskeys: { method: 'GET', path: '/passkeys', auth: 'session' },
  renamePasskey: { method: 'PATCH', path: '/passkeys/:credentialId', auth: 'session' },
  deletePasskey: { method: 'DELETE', path: '/passkeys/:credentialId', auth: 'elevated' },
  verifyOptions: { method: 'POST', path: '/passkeys/verify-options', auth: 'session' },
  verify: { method: 'POST', path: '/passkeys/verify', auth: 'session' },

  recoveryCodesStatus: { method: 'GET', path: '/recovery-codes', auth: 'session' },
  regenerateRecoveryCodes: { method: 'POST', path: '/recovery-codes', auth: 'elevated' },
  recover: { method: 'POST', path: '/recovery', auth: 'public' },

  startPairing: { method: 'POST', path: '/pairing', auth: 'public', status: 201 },
  pairingStatus: { method: 'GET', path: '/pairing/:pairingId', auth: 'pairing' },
  lookupPairing: { method: 'POST', path: '/pairing/lookup', auth: 'elevated' },
  approvePairing: { method: 'POST', path: '/pairing/approve', auth: 'elevated' },
  denyPairing: { method: 'POST', path: '/pairing/deny', auth: 'elevated' },
  approvalsStream: { method: 'GET', path: '/approvals/stream', auth: 'session', stream: true },
  listApprovals: { method: 'GET', path: '/approvals', auth: 'session' },
  approvePasskey: { method: 'POST', path: '/approvals/:credentialId/approve', auth: 'elevated' },
  denyPasskey: { method: 'POST', path: '/approvals/:credentialId/deny', auth: 'elevated' },

  createToken: { method: 'POST', path: '/tokens', auth: 'elevated', status: 201 },
  listTokens: { method: 'GET', path: '/tokens', auth: 'session', bearer: true },
  revokeToken: { method: 'DELETE', path: '/tokens/:id', auth: 'session', bearer: true },
  deviceCode: { method: 'POST', path: '/device/code', auth: 'public' },
  deviceToken: { method: 'POST', path: '/device/token', auth: 'public' },
  lookupDevice: { method: 'POST', path: '/device/lookup', auth: 'session' },
  approveDevice: { method: 'POST', path: '/device/approve', auth: 'elevated' },
  denyDevice: { method: 'POST', path: '/device/deny', auth: 'session' },
  handoff: { method: 'POST', path: '/handoff', auth: 'session' },
  exchangeHandoff: { method: 'POST', path: '/handoff/exchange', auth: 'public' },
  issueJwt: { method: 'POST', path: '/jwt', auth: 'session', bearer: true },

  popChallenge: { method: 'POST', path: '/pop/challenge', auth: 'session' },
  popProve: { method: 'POST', path: '/pop/prove', auth: 'session' },
  setTier: { method: 'POST', path: '/tier', auth: 'elevated' },

  prfKeys: { method: 'GET', path: '/prf', auth: 'session' },
  setWrappedKey: {
    method: 'PUT',
    path: '/passkeys/:credentialId/wrapped-key',
    auth: 'elevated',
  },

  audit: { method: 'GET', path: '/audit', auth: 'session' },
  jwks: { method: 'GET', path: '/.well-known/jwks.json', absolute: true, auth: 'public' },
  relatedOrigins: { method: 'GET', path: '/.well-known/webauthn', absolute: true, auth: 'public' },
} as const satisfies { readonly [N in keyof Routes]: Omit<Routes[N], 'request' | 'response'> };

export type RouteSpecs = typeof routeSpecs;
