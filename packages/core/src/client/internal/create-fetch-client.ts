import { isErrorCode } from '../../errors/codes.js';
import { LatchkeyError } from '../../errors/latchkey-error.js';
import { type RouteSpec, routeSpecs } from '../../route-specs.js';
import type { RouteInput, RouteName, RouteResponse } from '../../routes.js';
import type {
  LatchkeyClient,
  LatchkeyClientOptions,
  LatchkeyResult,
  RequestOptions,
} from '../latchkey-client.js';

/**
 * Checks a JSON answer: the success body of route `name`, or, for `null`, an
 * error body. zod's `safeParse` result has this shape.
 */
export type ResponseCheck = (
  name: RouteName | null,
  json: unknown,
) => { success: true; data: unknown } | { success: false; error: unknown };

const PARAM_RE = /:([A-Za-z]+)/g;

/**
 * The client both public constructors share, built from the route table's wire
 * facts alone. It imports no schema: `check`, when given, is where answers are
 * validated; without it a success body is passed on as the server sent it.
 */
export function createFetchClient(
  options: LatchkeyClientOptions,
  caller: string,
  check?: ResponseCheck,
): LatchkeyClient {
  if (typeof options?.baseUrl !== 'string')
    throw new TypeError(`${caller}: baseUrl must be a string`);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch =
    options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const origin = /^https?:\/\//.test(baseUrl) ? new URL(baseUrl).origin : '';
  const timeout = options.fetchTimeout;
  if (timeout !== undefined && !(timeout > 0))
    throw new TypeError(`${caller}: fetchTimeout must be a positive number of milliseconds`);

  /** Substitutes `:params` (taking them out of `fields` when `consume`), refusing ones a URL parser would fold away. */
  function urlOf(spec: RouteSpec, fields: Record<string, unknown>, consume: boolean): string {
    const path = spec.path.replace(PARAM_RE, (_, param: string) => {
      const value = String(fields[param] ?? '');
      if (consume) delete fields[param];
      if (value === '' || value === '.' || value === '..') {
        throw new TypeError(`${param} must be a non-empty value other than . or ..`);
      }
      return encodeURIComponent(value);
    });
    return (spec.absolute ? origin : baseUrl) + path;
  }

  async function request<N extends RouteName>(
    name: N,
    input?: RouteInput<N>,
    requestOptions?: RequestOptions,
  ): Promise<LatchkeyResult<RouteResponse<N>>> {
    const spec: RouteSpec = routeSpecs[name];
    const fields: Record<string, unknown> = { ...(input as Record<string, unknown> | undefined) };
    let url: string;
    try {
      url = urlOf(spec, fields, true);
    } catch (cause) {
      return failure(new LatchkeyError('INVALID_PARAMS', (cause as Error).message, { cause }));
    }
    const extra = typeof options.headers === 'function' ? options.headers() : options.headers;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...extra,
      ...requestOptions?.headers,
    };
    let body: string | undefined;
    // Every route but GET and DELETE takes a JSON body (route-specs.test.ts holds the table to it).
    if (spec.method !== 'GET' && spec.method !== 'DELETE') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(fields);
    }

    // The caller's signal and the timeout both end the request (and the body's read).
    const timer = timeout ? AbortSignal.timeout(timeout) : undefined;
    const given = requestOptions?.signal;
    const signal = timer && given ? AbortSignal.any([given, timer]) : (timer ?? given);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: spec.method,
        headers,
        body,
        credentials: options.credentials ?? 'include',
        signal,
      });
    } catch (cause) {
      const message = timer?.aborted
        ? `No answer from ${url} within ${timeout} ms`
        : `Could not reach ${url}`;
      return failure(new LatchkeyError('NETWORK_ERROR', message, { cause }));
    }

    let json: unknown;
    try {
      json = response.status === 204 ? {} : await response.json();
    } catch (cause) {
      return failure(
        new LatchkeyError(
          'INVALID_RESPONSE',
          `Expected JSON from ${url} (HTTP ${response.status})`,
          { cause, status: response.status },
        ),
      );
    }

    if (!response.ok) return failure(errorFrom(response, json, check));

    const parsed = check ? check(name, json) : { success: true as const, data: json };
    if (!parsed.success) {
      return failure(
        new LatchkeyError('INVALID_RESPONSE', `Unexpected answer from ${url}`, {
          cause: parsed.error,
          status: response.status,
        }),
      );
    }
    return { data: parsed.data as RouteResponse<N>, error: null };
  }

  const client: Record<string, unknown> = {
    request,
    baseUrl,
    url: (name: RouteName, params?: Record<string, string>) =>
      urlOf(routeSpecs[name], { ...params }, false),
  };
  for (const name of Object.keys(routeSpecs) as RouteName[]) {
    if ((routeSpecs[name] as RouteSpec).stream) continue;
    client[name] = (input?: RouteInput<typeof name>, requestOptions?: RequestOptions) =>
      request(name, input, requestOptions);
  }
  return client as LatchkeyClient;
}

function failure(error: LatchkeyError): { data: null; error: LatchkeyError } {
  return { data: null, error };
}

/** The `{"error":{"code","message"}}` envelope, with a registered code, or `INVALID_RESPONSE`. */
function errorFrom(response: Response, json: unknown, check?: ResponseCheck): LatchkeyError {
  const parsed = check ? check(null, json) : { success: true as const, data: json };
  const envelope = parsed.success
    ? (parsed.data as { error?: { code?: unknown; message?: unknown } } | null)?.error
    : undefined;
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  const details = retryAfter === undefined ? undefined : { retryAfter };
  if (envelope && isErrorCode(envelope.code) && typeof envelope.message === 'string') {
    return new LatchkeyError(envelope.code, envelope.message, {
      status: response.status,
      details,
    });
  }
  return new LatchkeyError(
    'INVALID_RESPONSE',
    `HTTP ${response.status} without a Latchkey error body`,
    { status: response.status, details, cause: json },
  );
}

/**
 * RFC 9110 §10.2.3: `Retry-After` is either delay-seconds or an HTTP-date (a
 * proxy or CDN in front of the server may send the date form). Returns whole
 * seconds to wait, or `undefined` when there is nothing to wait for.
 */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds : undefined;
  const at = Date.parse(header);
  if (Number.isNaN(at)) return undefined;
  const wait = Math.ceil((at - Date.now()) / 1000);
  return wait > 0 ? wait : undefined;
}
