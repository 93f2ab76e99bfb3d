import { isBase64url, LatchkeyError, type RouteDefinition, type RouteName } from '@latchkey/core';
import * as z from 'zod/mini';
import type { ResolvedConfig } from './config/resolve-config.js';
import { buildContext } from './http/build-context.js';
import { readJsonBody } from './http/read-body.js';
import type { ConnectionInfo, RequestContext } from './http/request-context.js';
import { errorResponse, json } from './http/responses.js';
import { createRouter } from './http/router.js';
import type { RouteHandler, RouteHandlers, Services } from './internal/services.js';
import { checkRequestProof } from './pop/check-request-proof.js';
import { StoreUnavailableError } from './stores/contract.js';

const STATE_CHANGING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Routes a locked session reaches without a request proof: to refresh the periodic one, or to leave. */
const POP_ROUTES = new Set<RouteName>(['popChallenge', 'popProve', 'signOut']);
const ID_RE = /^[A-Za-z0-9_-]{1,128}$/;

/** Resolves `Authorization: Bearer` into a token and its user (set by the tokens feature). */
export type BearerResolver = (ctx: RequestContext, token: string) => Promise<boolean>;

export interface HandlerParts {
  services: Services;
  handlers: RouteHandlers;
  /** Resolves once migrations ran; a rejection answers 503 and is retried. */
  ready: () => Promise<void>;
  bearer?: BearerResolver;
}

/**
 * Builds the fetch-style handler: `(request) => Promise<Response>`. Requests
 * outside the base path and the well-known routes get a 404 JSON answer, so a
 * host app can mount the handler wherever it likes and fall through on 404.
 */
export function createHandler(parts: HandlerParts) {
  const { services, handlers, ready } = parts;
  const { config } = services;
  const match = createRouter(config.basePath);

  return async function handler(request: Request, connection?: ConnectionInfo): Promise<Response> {
    let ctx: RequestContext | undefined;
    try {
      const url = new URL(request.url);
      const found = match(request.method, url.pathname);
      if (found.kind === 'none')
        return errorResponse('ROUTE_NOT_FOUND', `No route ${request.method} ${url.pathname}`);
      if (found.kind === 'method') {
        const res = errorResponse('METHOD_NOT_ALLOWED', `Use ${found.allow.join(' or ')}`);
        res.headers.set('allow', found.allow.join(', '));
        return res;
      }
      const implementation = handlers[found.name] as RouteHandler<RouteName> | undefined;
      if (!implementation)
        return errorResponse('ROUTE_NOT_FOUND', `${found.def.path} is not enabled on this server`);

      const params = checkParams(found.params);
      const originHeader = request.headers.get('origin');
      const authorization = request.headers.get('authorization');
      const bearer = authorization?.match(/^Bearer\s+(\S{1,512})$/i)?.[1] ?? null;
      const context = buildContext(request, connection, config, found.name, params);
      ctx = context;

      // CSRF (DESIGN): a state-changing request from a browser must come from an
      // allowed origin (buildContext refused a foreign Origin already).
      if (STATE_CHANGING.has(request.method) && !bearer) {
        const crossSite = request.headers.get('sec-fetch-site') === 'cross-site';
        if (
          crossSite ||
          originHeader === 'null' ||
          (originHeader === null && context.cookies.size > 0)
        ) {
          throw new LatchkeyError('ORIGIN_NOT_ALLOWED', 'Cross-site requests are refused');
        }
      }

      await ready();
      const resolved = await services.sessions.resolve(context);
      // A locked session's every request carries a fresh signature by its device
      // key (DESIGN, "Proof of possession"): a cookie without its key is, for
      // public routes, as if signed out, and refused anywhere else.
      const unproven =
        resolved && !POP_ROUTES.has(found.name)
          ? await proofError(services, context, resolved.session)
          : null;
      if (unproven) {
        if (found.def.auth !== 'public') throw unproven;
      } else if (resolved) {
        context.session = resolved.session;
        context.user = resolved.user;
      } else if (bearer && found.def.bearer && parts.bearer) {
        await parts.bearer(context, bearer);
      }
      authorize(context, found.def, found.name, services);

      if (found.def.request) {
        const raw = await readJsonBody(request);
        const parsed = z.safeParse(found.def.request, raw);
        if (!parsed.success) throw new LatchkeyError('INVALID_BODY', describeIssue(parsed.error));
        (context as { body: unknown }).body = parsed.data;
      }

      const result = await implementation(context as never, services);
      const response = result instanceof Response ? result : json(result, found.def.status ?? 200);
      return finish(response, context);
    } catch (error) {
      const response = toErrorResponse(error, config);
      return ctx ? finish(response, ctx) : response;
    }
  };
}

/** The request proof's error for a locked session, or null when it holds (or nothing is locked). */
async function proofError(
  services: Services,
  ctx: RequestContext,
  session: Parameters<typeof checkRequestProof>[2],
): Promise<LatchkeyError | null> {
  try {
    await checkRequestProof(services, ctx, session);
    return null;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
}

function checkParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(params)) {
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      throw new LatchkeyError('INVALID_PARAMS', `${name} is not valid`);
    }
    const ok =
      name === 'credentialId'
        ? value.length <= 1364 && value.length > 0 && isBase64url(value)
        : ID_RE.test(value);
    if (!ok) throw new LatchkeyError('INVALID_PARAMS', `${name} is not valid`);
    out[name] = value;
  }
  return out;
}

/** Who may call what (the `auth` column of the route table). */
function authorize(
  ctx: RequestContext,
  def: RouteDefinition,
  name: RouteName,
  services: Services,
): void {
  const { session } = ctx;
  switch (def.auth) {
    case 'public':
    case 'pairing':
      return;
    case 'enrol':
      return; // the handler decides between "add a passkey" and "sign up"
    case 'session':
    case 'elevated': {
      if (!ctx.user) throw new LatchkeyError('UNAUTHENTICATED', 'Sign in first');
      if (ctx.token) {
        if (def.auth === 'elevated')
          throw new LatchkeyError('FORBIDDEN', 'Tokens cannot do this; use a browser session');
        return;
      }
      if (session && session.kind !== 'full' && name !== 'signOut') {
        throw new LatchkeyError(
          'ENROLMENT_REQUIRED',
          'Add a passkey on this device before anything else',
        );
      }
      if (def.auth === 'elevated' && session && !services.sessions.isElevated(session, ctx.now)) {
        throw new LatchkeyError('STEP_UP_REQUIRED', 'Confirm with your passkey to continue');
      }
    }
  }
}

function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The body does not match the expected shape';
  const path = issue.path.length ? issue.path.join('.') : 'body';
  return `${path}: ${issue.message}`.slice(0, 300);
}

function toErrorResponse(error: unknown, config: ResolvedConfig): Response {
  if (error instanceof LatchkeyError) return errorResponse(error);
  if (error instanceof StoreUnavailableError) {
    config.logger('store unavailable', error);
    return errorResponse('STORE_UNAVAILABLE', 'The service is briefly unavailable; try again');
  }
  config.logger('unexpected error', error);
  return errorResponse('INTERNAL_ERROR', 'Something went wrong on our side');
}

function finish(response: Response, ctx: RequestContext): Response {
  for (const cookie of ctx.setCookies) response.headers.append('set-cookie', cookie);
  for (const [k, v] of ctx.headers) response.headers.append(k, v);
  return response;
}
