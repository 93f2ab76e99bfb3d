import { type ErrorCode, LatchkeyError, statusOf } from '@latchkey/core';

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** A JSON answer that is never cached (every auth answer is personal). */
export function json(
  body: unknown,
  status = 200,
  headers?: ConstructorParameters<typeof Headers>[0],
): Response {
  const h = new Headers(JSON_HEADERS);
  if (headers) for (const [k, v] of new Headers(headers)) h.append(k, v);
  return new Response(JSON.stringify(body), { status, headers: h });
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
