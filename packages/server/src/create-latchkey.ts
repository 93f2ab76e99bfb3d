import { accountRoutes } from './accounts/account-routes.js';
import { createApi, type LatchkeyApi } from './api/create-api.js';
import { approvalRoutes } from './approvals/approval-routes.js';
import { auditRoutes } from './audit/audit-routes.js';
import { Auditor } from './audit/auditor.js';
import { createAssertionVerifier } from './ceremonies/assertion-verifier.js';
import { authenticationRoutes } from './ceremonies/authentication.js';
import { registrationRoutes } from './ceremonies/registration.js';
import { stepUpRoutes } from './ceremonies/step-up.js';
import type { LatchkeyConfig } from './config/latchkey-config.js';
import { serverKeys } from './config/load-server-keys.js';
import { resolveConfig } from './config/resolve-config.js';
import { deviceFlowRoutes } from './device-flow/device-flow-routes.js';
import { Mailer } from './email/mailer.js';
import { emailLinkOptionsRoutes, emailVerifyRoutes } from './email-links/email-link-routes.js';
import { fallbackRoutes } from './fallbacks/fallback-routes.js';
import { createGate, type Gate, type GateOptions } from './gate/create-gate.js';
import { createHandler } from './handler.js';
import { handoffRoutes } from './handoff/handoff-routes.js';
import type { ConnectionInfo } from './http/request-context.js';
import { RpEnrolment } from './identity/rp-enrolment.js';
import { createJwtApi } from './jwt/jwt-api.js';
import { jwtRoutes } from './jwt/jwt-routes.js';
import { SigningKeys } from './jwt/signing-keys.js';
import { openApiRoutes } from './openapi/openapi-routes.js';
import { pairingRoutes } from './pairing/pairing-routes.js';
import { passkeyRoutes } from './passkeys/passkey-routes.js';
import { passwordRoutes } from './passwords/password-routes.js';
import { createLockedStream, type LockedStreamOptions } from './pop/locked-stream.js';
import { popRoutes } from './pop/pop-routes.js';
import { prfRoutes } from './prf/prf-routes.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { recoveryRoutes } from './recovery/recovery-routes.js';
import type { RouteHandlers, Services } from './services.js';
import { SessionCache } from './sessions/session-cache.js';
import { SessionManager } from './sessions/session-manager.js';
import { sessionRoutes } from './sessions/session-routes.js';
import type { LatchkeyStore } from './stores/contract.js';
import { createTokenApi } from './tokens/token-api.js';
import { tokenRoutes } from './tokens/token-routes.js';
import { wellKnownRoutes } from './well-known/well-known-routes.js';

/**
 * This entry point imports Web APIs only, so it never loads the embedded store;
 * on Node, Bun and Deno the `node` export condition picks `create-latchkey-node.ts`,
 * which supplies it.
 */
const NO_STORE =
  'createLatchkey: `store` is required on this runtime (the embedded PGlite default runs on Node, Bun and Deno only). ' +
  "Pass one: `postgresStore({ connectionString })` from '@latchkey/server/postgres', " +
  "or `memoryStore()` from '@latchkey/server/memory' for tests.";

/** What `createLatchkey` gives a host app. */
export interface Latchkey {
  /** The fetch-style handler for every route under the base path and `/.well-known/*`. */
  handler(request: Request, connection?: ConnectionInfo): Promise<Response>;
  /** The programmatic surface: users, passkeys, sessions, audit, tokens, JWTs. */
  api: LatchkeyApi;
  /**
   * A gate for the host app's own routes: the Latchkey session, a bearer token,
   * or the soft escapes of a self-hosted tool (loopback, first-enrolment grace).
   */
  gate(options?: GateOptions): Gate;
  /**
   * A Server-Sent Events stream for a locked session that challenges the device
   * key every `interval` and closes after two unproven challenges in a row.
   */
  lockedStream(request: Request, options: LockedStreamOptions): Promise<Response>;
  /** The store in use: `config.store`, or on Node, Bun and Deno the embedded PGlite one. */
  store: LatchkeyStore;
  /** Resolves once the store is migrated; the handler waits for it by itself. */
  ready(): Promise<void>;
  /**
   * Resolves once the work queued off the request path so far (sending email)
   * has finished: for tests, and for a graceful shutdown (`close` waits for it too).
   */
  settled(): Promise<void>;
  /** Closes the store. */
  close(): Promise<void>;
}

/**
 * Creates a Latchkey server: passkey sign-up and sign-in, sessions, step-up,
 * recovery codes and audit, behind one `(Request) => Promise<Response>`.
 * A wrong config throws a `TypeError` naming the field, and so does a missing
 * `store` outside Node, Bun and Deno (there the embedded PGlite store is the default).
 *
 * @example
 * const latchkey = createLatchkey({
 *   rpName: 'Acme',
 *   origins: ['https://acme.example'],
 *   store: postgresStore({ connectionString: env.DATABASE_URL }), // '@latchkey/server/postgres'
 * });
 * export default { fetch: (request: Request) => latchkey.handler(request) };
 */
export function createLatchkey(config: LatchkeyConfig): Latchkey {
  const resolved = resolveConfig(config);
  if (resolved.store === null) throw new TypeError(NO_STORE);
  const cache = resolved.session.cache
    ? new SessionCache(resolved.store, resolved.session.cache)
    : null;
  // Every write of this instance goes through the guard, so its own changes drop
  // what the cache holds at once, without waiting for the store's report.
  const store = cache ? cache.guard(resolved.store) : resolved.store;
  const audit = new Auditor(resolved, store);
  const keys = serverKeys(resolved, store);
  const services: Services = {
    config: resolved,
    store,
    sessions: new SessionManager(resolved, store, keys, cache),
    audit,
    rateLimit: new RateLimiter(resolved, store, audit),
    assertions: createAssertionVerifier(),
    enrolment: new RpEnrolment(store),
    mailer: new Mailer(resolved),
    keys,
  };

  let migrated: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    const pending =
      migrated ??
      store.migrate().catch((error: unknown) => {
        migrated = null; // try again on the next request
        throw error;
      });
    migrated = pending;
    return pending;
  };

  const signingKeys = new SigningKeys(resolved, store, keys);
  const handlers: RouteHandlers = {
    ...sessionRoutes,
    ...accountRoutes,
    ...registrationRoutes,
    ...authenticationRoutes,
    ...stepUpRoutes,
    ...passkeyRoutes,
    ...recoveryRoutes,
    ...fallbackRoutes,
    ...auditRoutes,
    ...pairingRoutes,
    ...approvalRoutes,
    ...popRoutes,
    ...prfRoutes,
    ...tokenRoutes,
    ...deviceFlowRoutes,
    ...jwtRoutes(signingKeys),
    ...handoffRoutes(signingKeys),
    ...wellKnownRoutes(signingKeys),
    ...(resolved.openapi ? openApiRoutes : {}),
    // Off unless configured: the routes answer 404 ROUTE_NOT_FOUND.
    ...(resolved.email ? emailVerifyRoutes : {}),
    ...(resolved.fallbacks.magicLink ? emailLinkOptionsRoutes : {}),
    ...(resolved.fallbacks.password ? passwordRoutes : {}),
  };

  return {
    handler: createHandler({ services, handlers, ready }),
    api: {
      ...createApi(services, ready),
      tokens: createTokenApi(services, ready),
      jwt: createJwtApi(services, signingKeys, ready),
    },
    lockedStream: (request, options) => createLockedStream(services, ready, request, options),
    gate: (options) => createGate(services, { ready }, options),
    store,
    ready,
    settled: () => services.mailer.idle(),
    close: async () => {
      await services.mailer.idle();
      await audit.idle();
      await cache?.close();
      await store.close();
    },
  };
}
