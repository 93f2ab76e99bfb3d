import { LatchkeyError, type RouteDefinition, type RouteName } from '@latchkey/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { Services } from '../services.js';
import { requireScopes } from '../tokens/has-scopes.js';
import type { Caller, SessionKind } from './identify-caller.js';

/** Methods that change nothing (RFC 9110 §9.2.1); a CORS preflight is one of them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes that ask the host app's `identify` hook who is calling: the ones that enrol a passkey. */
const APP_IDENTITY_ROUTES = new Set<RouteName>(['registerOptions', 'register']);
/** Routes a locked session reaches without a request proof: to refresh the periodic one, or to leave. */
const PROOF_FREE_ROUTES = new Set<RouteName>(['popChallenge', 'popProve', 'signOut']);

/**
 * The session kinds a caller may use unless told otherwise: `full`, and
 * `password` (signed in with a password: a full session of lower assurance
 * that never passes a step-up, see `checkCanStepUp`). A recovery, email-link
 * (`email`) or pairing (`enrol`) session may only add a passkey: it was opened
 * without one, so it cannot pass a step-up either.
 *
 * @example
 * await latchkey.api.sessions.fromRequest(request, { allowKinds: FULL_SESSIONS });
 */
export const FULL_SESSIONS: readonly SessionKind[] = Object.freeze(['full', 'password']);

/**
 * Refuses a step-up from a session opened with a password (`FORBIDDEN`): a
 * password is the weaker way in, so a password session never reaches
 * `elevated` routes nor adds a passkey beside an existing one, however it
 * answers a passkey challenge; the person signs in with the passkey instead.
 * `SessionManager.isElevated` is false for such a session as well.
 *
 * @example
 * checkCanStepUp(ctx.session);
 */
export function checkCanStepUp(session: { kind: SessionKind }): void {
  if (session.kind === 'password')
    throw new LatchkeyError(
      'FORBIDDEN',
      'A session opened with a password cannot confirm with a passkey: sign in with the passkey',
    );
}

/**
 * True for GET, HEAD and OPTIONS.
 *
 * @example
 * isSafeMethod('POST') // false
 */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/**
 * The CSRF rule of the handler, the gate and `api.sessions.fromRequest`: a
 * request that may change something (not GET, HEAD or OPTIONS) must come from
 * a configured origin (`Origin`), or say `Sec-Fetch-Site: same-origin` or `none`
 * (Fetch Metadata, W3C). `Origin: null` (sandboxed frames, some redirects) and
 * `Sec-Fetch-Site: cross-site` are refused. A request with neither header is
 * not from a browser page and passes only without cookies, since then it holds
 * no ambient credential. A bearer token (an API token, or a native app's
 * session token) skips the rule only when it is the credential in use: a junk
 * `Authorization` next to a session cookie does not.
 * Throws `ORIGIN_NOT_ALLOWED`.
 *
 * @example
 * checkCsrf(config, request, caller, ctx.cookies.size > 0);
 */
export function checkCsrf(
  config: Pick<ResolvedConfig, 'webOrigins'>,
  request: Request,
  caller: Caller,
  hasCookies: boolean,
): void {
  if (isSafeMethod(request.method) || caller.via === 'token') return;
  if (caller.via === 'session' && caller.carrier === 'bearer') return;
  const origin = request.headers.get('origin');
  const site = request.headers.get('sec-fetch-site');
  const refuse = () => {
    throw new LatchkeyError('ORIGIN_NOT_ALLOWED', 'Cross-site requests are refused');
  };
  if (origin === 'null' || site === 'cross-site') refuse();
  if (origin !== null) {
    if (!config.webOrigins.has(origin)) refuse();
    return;
  }
  if (site === 'same-origin' || site === 'none') return;
  if (site !== null || hasCookies) refuse();
}

/**
 * How a locked session proves its device key on a route: the proof routes and
 * sign-out need none (they refresh the periodic proof, or leave).
 *
 * @example
 * identifyCaller(services, ctx, { bearer: !!def.bearer, proof: proofModeFor(name) });
 */
export function proofModeFor(name: RouteName): 'request' | 'skip' {
  return PROOF_FREE_ROUTES.has(name) ? 'skip' : 'request';
}

/**
 * Whether a route asks the host app's `identify` hook who is calling: only
 * `register-options` and `register` (enrolling a passkey for the app's
 * signed-in person); everywhere else an app session is no Latchkey caller.
 *
 * @example
 * identifyCaller(services, ctx, { bearer: false, proof: 'request', app: asksApp(name) });
 */
export function asksApp(name: RouteName): boolean {
  return APP_IDENTITY_ROUTES.has(name);
}

/**
 * Whether the account has an active passkey. Without one, the host app's
 * word is all there is: its signed-in person (`identify`) or a session it
 * opened (`api.sessions.create`) may enrol the first passkey, since no
 * step-up is possible yet.
 *
 * @example
 * if (!(await hasActivePasskey(services, user))) return; // the first passkey
 */
export async function hasActivePasskey(
  services: Pick<Services, 'store'>,
  user: { id: string },
): Promise<boolean> {
  const credentials = await services.store.listCredentials(user.id);
  return credentials.some((c) => c.status === 'active');
}

/**
 * Whether the host app's signed-in person (an `identify` answer, no Latchkey
 * session) may enrol a passkey for their account: only its first. The app's
 * own sign-in (a password, an emailed link) bootstraps a passkey but is weaker
 * than one: once the account has an active passkey, adding another takes a
 * Latchkey session that stepped up with it (`checkAddPasskey`), else a stolen
 * app session would add the thief's passkey and pass every step-up.
 * Throws `UNAUTHENTICATED`.
 *
 * @example
 * if (ctx.appSession && ctx.user) await checkAppEnrolment(services, ctx.user);
 */
export async function checkAppEnrolment(
  services: Pick<Services, 'store'>,
  user: { id: string },
): Promise<void> {
  if (await hasActivePasskey(services, user))
    throw new LatchkeyError(
      'UNAUTHENTICATED',
      'This account has a passkey: sign in with it to add another',
    );
}

/**
 * Refuses a session whose kind is not allowed (`ENROLMENT_REQUIRED`): a
 * recovery, email-link or pairing session must enrol a passkey on its device first.
 *
 * @example
 * checkSessionKind(session.kind, FULL_SESSIONS);
 */
export function checkSessionKind(kind: SessionKind, allowed: readonly SessionKind[]): void {
  if (!allowed.includes(kind))
    throw new LatchkeyError(
      'ENROLMENT_REQUIRED',
      'Add a passkey on this device before anything else',
    );
}

/**
 * Who may call a Latchkey route (the `auth` column of the route table): the
 * session kinds, step-up for `elevated` routes, tokens only where the route
 * takes them and never for `elevated` ones. A credential that was refused (a
 * dead token; a locked session without its proof, except on public routes,
 * where it counts as signed out) answers its error.
 *
 * @example
 * authorizeRoute(services, caller, found.def, found.name, ctx.now);
 */
export function authorizeRoute(
  services: Services,
  caller: Caller,
  def: RouteDefinition,
  name: RouteName,
  now: number,
): void {
  if (caller.refused && (caller.refused.reason === 'token' || def.auth !== 'public'))
    throw caller.refused.error;
  switch (def.auth) {
    case 'public':
    case 'pairing':
    case 'enrol': // the route decides between "add a passkey" and "sign up"
      return;
    case 'session':
    case 'elevated': {
      // The host app's signed-in person (`identify`) is no Latchkey session.
      if (caller.via === 'nobody' || caller.via === 'app')
        throw new LatchkeyError('UNAUTHENTICATED', 'Sign in first');
      if (caller.via === 'token') {
        if (def.auth === 'elevated')
          throw new LatchkeyError('FORBIDDEN', 'Tokens cannot do this; use a browser session');
        return;
      }
      if (name !== 'signOut') checkSessionKind(caller.session.kind, FULL_SESSIONS);
      if (def.auth === 'elevated') checkStepUp(services, caller.session, now);
    }
  }
}

/**
 * Refuses a session that has not stepped up with a passkey in the last
 * `session.elevationTtl` seconds (`STEP_UP_REQUIRED`): for `elevated` routes,
 * and for adding a passkey from a full session (`ceremonies/add-passkey-rules.ts`).
 *
 * @example
 * checkStepUp(services, ctx.session, ctx.now);
 */
export function checkStepUp(
  services: Pick<Services, 'sessions'>,
  session: Parameters<Services['sessions']['isElevated']>[0],
  now: number,
  message = 'Confirm with your passkey to continue',
): void {
  if (!services.sessions.isElevated(session, now))
    throw new LatchkeyError('STEP_UP_REQUIRED', message);
}

/**
 * The scopes a bearer token needs to pass the gate: the gate's `scopes` when
 * given; otherwise `write` for a method that may change something and none for
 * GET, HEAD and OPTIONS.
 *
 * @example
 * gateScopes('POST', undefined) // ['write']
 */
export function gateScopes(method: string, configured: readonly string[] | undefined): string[] {
  if (configured) return [...configured];
  return isSafeMethod(method) ? [] : ['write'];
}

/**
 * Refuses a token caller without `required` (`admin` ⊃ `write` ⊃ `read`) with
 * `INSUFFICIENT_SCOPE`; a session holds every scope.
 *
 * @example
 * checkScopes(caller, gateScopes(request.method, options.scopes));
 */
export function checkScopes(caller: Caller, required: readonly string[]): void {
  requireScopes(caller, required);
}
