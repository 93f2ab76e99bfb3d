import type { RouteName, RouteResponse } from '@latchkey/core';
import type { Auditor } from './audit/auditor.js';
import type { AssertionVerifier } from './ceremonies/assertion-verifier.js';
import type { ResolvedConfig } from './config/resolve-config.js';
import type { Mailer } from './email/mailer.js';
import type { RouteContext } from './http/route-context.js';
import type { RpEnrolment } from './identity/rp-enrolment.js';
import type { ServerKeys } from './internal/server-keys.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';
import type { SessionManager } from './sessions/session-manager.js';
import type { LatchkeyStore } from './stores/contract.js';

/** The parts every feature works with; one instance per `createLatchkey`. */
export interface Services {
  readonly config: ResolvedConfig;
  readonly store: LatchkeyStore;
  readonly sessions: SessionManager;
  readonly audit: Auditor;
  readonly rateLimit: RateLimiter;
  /** Verifies assertion signatures with each passkey's public key imported once. */
  readonly assertions: AssertionVerifier;
  /** Whether an RP ID has a passkey yet (first-enrolment grace), a yes remembered briefly. */
  readonly enrolment: RpEnrolment;
  /** Sends Latchkey's emails off the request path. */
  readonly mailer: Mailer;
  /** The keys derived from the server secret (sealing, peppered hashes, MACs), loaded once. */
  keys(): Promise<ServerKeys>;
}

/**
 * A route's implementation: returns the success body, or a whole `Response`.
 * Its `ctx` knows the route (`RouteContext`): the body, the path parameters,
 * and who may be calling.
 */
export type RouteHandler<N extends RouteName> = (
  ctx: RouteContext<N>,
  services: Services,
) => Promise<RouteResponse<N> | Response>;

/** A feature's routes, by name in the route table. */
export type RouteHandlers = { [N in RouteName]?: RouteHandler<N> };
