import {
  isBase64url,
  LatchkeyError,
  PROOF_HEADER as PROOF_HEADER_NAME,
  requestProofMessage,
} from '@latchkey/core';
import { requestOrigin } from '../http/client-address.js';
import type { RequestContext } from '../http/request-context.js';
import type { Services } from '../services.js';
import type { SessionRecord } from '../stores/contract.js';
import { verifyPopBytes } from './verify-pop-signature.js';

/**
 * The header a locked session's every API request carries: `<iat>.<nonce>.<signature>`.
 *
 * @example
 * const proof = request.headers.get(PROOF_HEADER);
 */
export const PROOF_HEADER = PROOF_HEADER_NAME;
/**
 * How far a request proof's `iat` may be from the server's clock, either way.
 *
 * @example
 * const fresh = Math.abs(now - iat * 1000) <= PROOF_SKEW_SECONDS * 1000;
 */
export const PROOF_SKEW_SECONDS = 60;
/** A valid request proof refreshes `popProvenAt` (for page loads and streams) at most this often. */
const PROVEN_AT_EVERY_MS = 30_000;
const PROOF_RE = /^(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{86})$/;

/**
 * The ctx fields the check reads: the request, the clock, and who to audit.
 *
 * @example
 * const ctx: ProofContext = { request, now: Date.now(), ip: null, userAgent: null, token: null };
 */
export type ProofContext = Pick<RequestContext, 'request' | 'now' | 'ip' | 'userAgent' | 'token'>;

/**
 * Checks the `Latchkey-Proof` header of a request made with a locked session
 * (one with a `popKey`); sessions that are not locked pass untouched. A copied
 * cookie without the device key cannot make the header, so it is refused on
 * the first request, however recently the real browser proved.
 *
 * Throws `POP_REQUIRED` when the header is missing and `POP_INVALID` (audited
 * `pop.failed`) when it is malformed, more than 60 s off the server's clock,
 * signed over another method, origin or path, by another key, or already used.
 * The origin is the request's own (its URL, or with `trustProxy` the proxy's
 * `X-Forwarded-Proto`/`-Host`): a proof the browser sent to another site names
 * that site, so it is refused here.
 *
 * @example
 * await checkRequestProof(services, ctx, resolved.session);
 */
export async function checkRequestProof(
  services: Services,
  ctx: ProofContext,
  session: SessionRecord,
): Promise<void> {
  if (!session.popKey) return;
  const header = ctx.request.headers.get(PROOF_HEADER);
  if (header === null)
    throw new LatchkeyError('POP_REQUIRED', 'Sign this request with the device key');
  const invalid = async (reason: string, message: string) => {
    await services.audit.record(ctx, 'pop.failed', session.userId, {
      sessionId: session.id,
      reason,
    });
    return new LatchkeyError('POP_INVALID', `The request proof ${message}`);
  };
  const parts = PROOF_RE.exec(header.trim());
  if (!parts || !isBase64url(parts[2]!) || !isBase64url(parts[3]!))
    throw await invalid('malformed', 'is malformed');
  const iat = Number(parts[1]);
  const nonce = parts[2]!;
  if (Math.abs(ctx.now - iat * 1000) > PROOF_SKEW_SECONDS * 1000)
    throw await invalid('stale', 'is more than 60 s off the server’s clock');
  const url = new URL(ctx.request.url);
  const origin = requestOrigin(ctx.request, url, services.config.trustProxy);
  const message = new TextEncoder().encode(
    requestProofMessage(ctx.request.method, origin, url.pathname, iat, nonce),
  );
  if (!(await verifyPopBytes(session.popKey, message, parts[3]!)))
    throw await invalid('signature', 'was not signed for this request by the session’s device key');
  // Stores measure marker expiry on the wall clock (as the handoff's jti does):
  // keep the nonce while its iat could still pass, whatever clock `config.now` runs.
  const remaining = iat * 1000 + PROOF_SKEW_SECONDS * 1000 - ctx.now;
  if (!(await services.store.markOnce(`proof:${nonce}`, Date.now() + remaining + 5_000)))
    throw await invalid('replayed', 'was already used');
  if (session.popProvenAt === null || ctx.now - session.popProvenAt >= PROVEN_AT_EVERY_MS) {
    await services.store.updateSession(session.id, { popProvenAt: ctx.now });
    session.popProvenAt = ctx.now;
  }
}
