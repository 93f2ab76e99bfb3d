import { type ErrorCode, LatchkeyError, statusOf } from '@latchkey/core';
import { StoreUnavailableError } from '../stores/contract.js';

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

// A registered symbol, not a WeakMap: the adapters may sit in another bundle (ESM
// and CJS builds, one per entry point) than the code that made the answer.
const SETTLED_BODY = Symbol.for('latchkey.settledBody');

/** A JSON answer that is never cached (every auth answer is personal). */
export function json(
  body: unknown,
  status = 200,
  headers?: ConstructorParameters<typeof Headers>[0],
): Response {
  return jsonText(JSON.stringify(body), status, headers);
}

function jsonText(
  text: string,
  status: number,
  headers?: ConstructorParameters<typeof Headers>[0],
): Response {
  const h = new Headers(JSON_HEADERS);
  if (headers) for (const [k, v] of new Headers(headers)) h.append(k, v);
  const response = new Response(text, { status, headers: h });
  (response as Response & { [SETTLED_BODY]?: string })[SETTLED_BODY] = text;
  return response;
}

/**
 * A route's JSON answer before it is a `Response`: the node adapters write it
 * to the socket as it is (a `Response` and its body stream cost more than the
 * rest of a session check); everyone else gets `toResponse(answer)`.
 */
export interface JsonAnswer {
  readonly status: number;
  readonly text: string;
  /** Headers besides the JSON ones (`JSON_HEADERS`), Set-Cookie included. */
  readonly headers: [string, string][];
}

/** What the handler answers inside: a `Response`, or JSON not yet made one. */
export type Answer = Response | JsonAnswer;

/** A JSON answer's headers, for an adapter that writes it itself. */
export const JSON_ANSWER_HEADERS: Readonly<Record<string, string>> = JSON_HEADERS;

/** A route's result as a JSON answer. */
export function jsonAnswer(body: unknown, status = 200): JsonAnswer {
  return { status, text: JSON.stringify(body), headers: [] };
}

/** The `Response` of an answer. */
export function toResponse(answer: Answer): Response {
  return answer instanceof Response ? answer : jsonText(answer.text, answer.status, answer.headers);
}

/**
 * The handler's answer function, behind `latchkey.handler[ANSWER]`: what the node
 * adapters call instead of the handler, to skip making a `Response` (a
 * registered symbol, as the adapters may sit in another bundle).
 */
export const ANSWER = Symbol.for('latchkey.answer');

/**
 * A public document (the JWKS, related origins, the OpenAPI document): anyone may
 * read and cache it, from any origin (no credentials are involved, so `*` is safe).
 */
export function publicJson(body: unknown, maxAge: number): Response {
  const response = json(body);
  response.headers.set('cache-control', `public, max-age=${maxAge}`);
  response.headers.set('access-control-allow-origin', '*');
  return response;
}

/**
 * The text a `json()` answer was made from, so a server adapter can write it
 * without reading the body stream back; `undefined` for any other response.
 */
export function settledBody(response: Response): string | undefined {
  return (response as Response & { [SETTLED_BODY]?: string })[SETTLED_BODY];
}

/** `{"error":{"code","message"}}` with the code's status (or `error.status`). */
export function errorResponse(error: LatchkeyError | ErrorCode, message?: string): Response {
  const err = typeof error === 'string' ? new LatchkeyError(error, message) : error;
  const headers = new Headers();
  const retryAfter = err.details?.retryAfter;
  if (typeof retryAfter === 'number')
    headers.set('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
  return json(err.toJSON(), err.status || statusOf(err.code), headers);
}

/**
 * The one mapping from a thrown error to an answer, shared by the handler, the
 * gate and the locked stream: a `LatchkeyError` answers its code (with the
 * RFC 6750 §3 `WWW-Authenticate` challenge for token errors); a
 * `StoreUnavailableError` answers 503 `STORE_UNAVAILABLE`; anything else is a
 * bug and answers 500 `INTERNAL_ERROR`, logged, never its message.
 *
 * @example
 * catch (error) { return toErrorResponse(error, config.logger); }
 */
export function toErrorResponse(
  error: unknown,
  logger: (message: string, error: unknown) => void,
): Response {
  if (error instanceof LatchkeyError) {
    const response = errorResponse(error);
    const challenge = bearerChallenge(error);
    if (challenge) response.headers.set('www-authenticate', challenge);
    return response;
  }
  if (error instanceof StoreUnavailableError) {
    logger('store unavailable', error);
    return errorResponse('STORE_UNAVAILABLE', 'The service is briefly unavailable; try again');
  }
  logger('unexpected error', error);
  return errorResponse('INTERNAL_ERROR', 'Something went wrong on our side');
}

/** RFC 6750 §3.1: a script learns whether its token is dead or only lacks a scope. */
function bearerChallenge(error: LatchkeyError): string | null {
  if (error.code === 'INVALID_TOKEN') return 'Bearer error="invalid_token"';
  if (error.code !== 'INSUFFICIENT_SCOPE') return null;
  const scope = error.details?.scope;
  return typeof scope === 'string'
    ? `Bearer error="insufficient_scope", scope="${scope}"`
    : 'Bearer error="insufficient_scope"';
}
