import { isBase64url, LatchkeyError } from '@latchkey/core';
import * as z from 'zod/mini';
import type { ResolvedConfig } from './config/resolve-config.js';
import { buildContext } from './http/build-context.js';
import { readJsonBody } from './http/read-body.js';
import type { ConnectionInfo, RequestContext } from './http/request-context.js';
import { urlOf } from './http/request-url.js';
import {
  ANSWER,
  type Answer,
  errorResponse,
  jsonAnswer,
  toErrorResponse,
  toResponse,
} from './http/responses.js';
import { createRouter } from './http/router.js';
import { identifyCaller } from './identity/identify-caller.js';
import { asksApp, authorizeRoute, checkCsrf, proofModeFor } from './identity/policy.js';
import type { RouteHandlers, Services } from './services.js';
import {
  PRE_SESSION_HEADER,
  SESSION_TOKEN_HEADER,
  sessionCarrier,
} from './sessions/session-manager.js';

const ID_RE = /^[A-Za-z0-9_-]{1,128}$/;
const CLEARS_COOKIE = /; Max-Age=0(;|$)/;
/** Headers that hand out a secret: like a cookie, only on a successful answer. */
const SECRET_HEADERS = new Set([PRE_SESSION_HEADER, SESSION_TOKEN_HEADER]);

/**
 * A route's implementation as the handler calls it. Its own type
 * (`RouteHandler<N>`) promises it a `RouteContext<N>`: the body parsed by the
 * route's schema, its path parameters, and the caller its `auth` lets through.
 * The handler keeps that promise by parsing the body, checking the parameters
 * and calling `authorizeRoute` first.
 */
type Dispatch = (ctx: RequestContext, services: Services) => Promise<unknown>;

export interface HandlerParts {
  services: Services;
  handlers: RouteHandlers;
  /** Resolves once migrations ran; a rejection answers 503 and is retried. */
  ready: () => Promise<void>;
}

/** The fetch-style handler, and (for the node adapters) the same answers before they are a `Response`. */
export interface LatchkeyHandler {
  (request: Request, connection?: ConnectionInfo): Promise<Response>;
  readonly [ANSWER]: (request: Request, connection?: ConnectionInfo) => Promise<Answer>;
}

/**
 * Builds the fetch-style handler: `(request) => Promise<Response>`. Requests
 * outside the base path and the well-known routes get a 404 JSON answer, so a
 * host app can mount the handler wherever it likes and fall through on 404.
 */
export function createHandler(parts: HandlerParts): LatchkeyHandler {
  const { services, handlers, ready } = parts;
  const { config } = services;
  const match = createRouter(config.basePath);

  const handler = async (request: Request, connection?: ConnectionInfo): Promise<Answer> => {
    let ctx: RequestContext | undefined;
    try {
      const url = urlOf(request);
      const found = match(request.method, url.pathname);
      if (found.kind === 'none')
        return errorResponse('ROUTE_NOT_FOUND', `No route ${request.method} ${url.pathname}`);
      if (found.kind === 'method') {
        const res = errorResponse('METHOD_NOT_ALLOWED', `Use ${found.allow.join(' or ')}`);
        res.headers.set('allow', found.allow.join(', '));
        return res;
      }
      const implementation = handlers[found.name] as Dispatch | undefined;
      if (!implementation)
        return errorResponse('ROUTE_NOT_FOUND', `${found.def.path} is not enabled on this server`);

      const params = checkParams(found.params);
      const context = buildContext(request, connection, config, found.name, params);
      ctx = context;

      await ready();
      const caller = await identifyCaller(services, context, {
        bearer: found.def.bearer === true,
        proof: proofModeFor(found.name),
        app: asksApp(found.name),
      });
      checkCsrf(config, request, caller, context.cookies.size > 0);
      authorizeRoute(services, caller, found.def, found.name, context.now);
      context.session = caller.session;
      context.user = caller.user;
      context.token = caller.token;
      context.appSession = caller.via === 'app';
      context.sessionCarrier = sessionCarrier(
        request,
        caller.via === 'session' ? caller.carrier : null,
      );

      if (found.def.request) {
        const raw = await readJsonBody(request);
        const parsed = z.safeParse(found.def.request, raw);
        if (!parsed.success) throw new LatchkeyError('INVALID_BODY', describeIssue(parsed.error));
        (context as { body: unknown }).body = parsed.data;
      }

      const result = await implementation(context, services);
      const answer =
        result instanceof Response ? result : jsonAnswer(result, found.def.status ?? 200);
      return finish(answer, context);
    } catch (error) {
      const response = toErrorResponse(error, config.logger);
      return ctx ? finish(response, ctx) : response;
    }
  };

  const answer = (request: Request, connection?: ConnectionInfo): Promise<Answer> =>
    withinTimeout(handler(request, connection), request, config);
  const fetchHandler = async (request: Request, connection?: ConnectionInfo) =>
    toResponse(await answer(request, connection));
  return Object.assign(fetchHandler, { [ANSWER]: answer });
}

/**
 * The answer, or `503 REQUEST_TIMEOUT` once `requestTimeout` passes. An abandoned
 * request is not interrupted: the store operation under way commits or rolls
 * back whole (every store method is atomic), and what the request makes after
 * the deadline (a session's cookie above all) is dropped with its answer: no
 * secret it made reaches anyone.
 */
function withinTimeout(
  answer: Promise<Answer>,
  request: Request,
  config: ResolvedConfig,
): Promise<Answer> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<Answer>((resolve) => {
    timer = setTimeout(() => {
      // A late answer is never read: free what a streaming one holds open.
      void answer
        .then((late) => (late instanceof Response ? late.body?.cancel() : undefined))
        .catch(() => {});
      const { pathname } = urlOf(request);
      config.logger(
        'request timed out',
        new Error(`${request.method} ${pathname} took over ${config.requestTimeout} ms`),
      );
      resolve(
        errorResponse(
          new LatchkeyError('REQUEST_TIMEOUT', 'The service is slow to answer; try again', {
            details: { retryAfter: 1 },
          }),
        ),
      );
    }, config.requestTimeout);
  });
  return Promise.race([answer, timedOut]).finally(() => clearTimeout(timer));
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

function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The body does not match the expected shape';
  const path = issue.path.length ? issue.path.join('.') : 'body';
  return `${path}: ${issue.message}`.slice(0, 300);
}

function finish(answer: Answer, ctx: RequestContext): Answer {
  // An error answer only ever clears cookies: a session (or any other secret) made
  // before the request failed is never handed out, so nothing it left works.
  const failed = answer.status >= 400;
  const add =
    answer instanceof Response
      ? (name: string, value: string) => answer.headers.append(name, value)
      : (name: string, value: string) => void answer.headers.push([name, value]);
  for (const cookie of ctx.setCookies) {
    if (!failed || CLEARS_COOKIE.test(cookie)) add('set-cookie', cookie);
  }
  for (const [k, v] of ctx.headers) {
    if (!failed || !SECRET_HEADERS.has(k)) add(k, v);
  }
  return answer;
}
