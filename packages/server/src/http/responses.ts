import { type ErrorCode, LatchkeyError, statusOf } from '@latchkey/core';

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
  const h = new Headers(JSON_HEADERS);
  if (headers) for (const [k, v] of new Headers(headers)) h.append(k, v);
  const text = JSON.stringify(body);
  const response = new Response(text, { status, headers: h });
  (response as Response & { [SETTLED_BODY]?: string })[SETTLED_BODY] = text;
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
