import * as z from 'zod/mini';
import { isErrorCode } from '../errors/codes.js';
import { LatchkeyError } from '../errors/latchkey-error.js';
import {
  type PathParamNames,
  type RouteDefinition,
  type RouteInput,
  type RouteName,
  type RouteResponse,
  type Routes,
  routes,
} from '../routes.js';
import { ErrorResponse } from '../schemas/error.js';

/** Expected outcomes come back as values: `{ data, error }`, exactly one of them set. */
export type LatchkeyResult<T> = { data: T; error: null } | { data: null; error: LatchkeyError };

export interface LatchkeyClientOptions {
  /** Where the routes live: `https://app.example/auth`, or `/auth` in a browser. */
  baseUrl: string;
  /** A fetch to use instead of the global one (tests, proxies, retries). */
  fetch?: typeof fetch;
  /** Sent with every request, for example `Authorization` for a bearer token. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** Cookie mode; `include` by default so a session cookie flows across subdomains. */
  credentials?: 'include' | 'same-origin' | 'omit';
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

type Method<N extends RouteName> =
  Record<never, never> extends RouteInput<N>
    ? (input?: RouteInput<N>, options?: RequestOptions) => Promise<LatchkeyResult<RouteResponse<N>>>
    : (input: RouteInput<N>, options?: RequestOptions) => Promise<LatchkeyResult<RouteResponse<N>>>;

/** Routes that answer with one JSON body (every route but the event streams). */
export type JsonRouteName = {
  [N in RouteName]: Routes[N] extends { stream: true } ? never : N;
}[RouteName];

/** One typed method per JSON route of the table, `request` to call one by name, `url` to address any. */
export type LatchkeyClient = { readonly [N in JsonRouteName]: Method<N> } & {
  request<N extends JsonRouteName>(
    name: N,
    input?: RouteInput<N>,
    options?: RequestOptions,
  ): Promise<LatchkeyResult<RouteResponse<N>>>;
  /**
   * The absolute or base-relative URL of a route, for `EventSource` or links.
   *
   * @example
   * new EventSource(client.url('approvalsStream'), { withCredentials: true });
   */
  url<N extends RouteName>(
    name: N,
    params?: { [K in PathParamNames<Routes[N]['path']>]: string },
  ): string;
  readonly baseUrl: string;
};

const PARAM_RE = /:([A-Za-z]+)/g;

/**
 * A typed fetch client for every route of the HTTP contract. It never throws for
 * an error answer or a network failure: it returns `{ data: null, error }` with a
 * registered `code`.
 *
 * @example
 * const client = createLatchkeyClient({ baseUrl: '/auth' });
 * const { data, error } = await client.renamePasskey({ credentialId, name: 'Work laptop' });
 * if (error?.code === 'UNAUTHENTICATED') redirectToSignIn();
 */
export function createLatchkeyClient(options: LatchkeyClientOptions): LatchkeyClient {
  if (typeof options?.baseUrl !== 'string')
    throw new TypeError('createLatchkeyClient: baseUrl must be a string');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch =
    options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const origin = /^https?:\/\//.test(baseUrl) ? new URL(baseUrl).origin : '';

  /** Substitutes `:params` (taking them out of `fields` when `consume`), refusing ones a URL parser would fold away. */
  function urlOf(def: RouteDefinition, fields: Record<string, unknown>, consume: boolean): string {
    const path = def.path.replace(PARAM_RE, (_, param: string) => {
      const value = String(fields[param] ?? '');
      if (consume) delete fields[param];
      if (value === '' || value === '.' || value === '..') {
        throw new TypeError(`${param} must be a non-empty value other than . or ..`);
      }
      return encodeURIComponent(value);
    });
    return (def.absolute ? origin : baseUrl) + path;
  }

  async function request<N extends RouteName>(
    name: N,
    input?: RouteInput<N>,
    requestOptions?: RequestOptions,
  ): Promise<LatchkeyResult<RouteResponse<N>>> {
    const def: RouteDefinition = routes[name];
    const fields: Record<string, unknown> = { ...(input as Record<string, unknown> | undefined) };
    let url: string;
    try {
      url = urlOf(def, fields, true);
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
    if (def.request) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(fields);
    }

    let response: Response;
    try {
      response = await doFetch(url, {
        method: def.method,
        headers,
        body,
        credentials: options.credentials ?? 'include',
        signal: requestOptions?.signal,
      });
    } catch (cause) {
      return failure(new LatchkeyError('NETWORK_ERROR', `Could not reach ${url}`, { cause }));
    }

    let json: unknown;
    try {
      json = response.status === 204 ? {} : await response.json();
    } catch (cause) {
      return failure(
        new LatchkeyError(
          'INVALID_RESPONSE',
          `Expected JSON from ${url} (HTTP ${response.status})`,
          {
            cause,
            status: response.status,
          },
        ),
      );
    }

    if (!response.ok) return failure(errorFrom(response, json));

    const parsed = z.safeParse(def.response, json);
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
      urlOf(routes[name], { ...params }, false),
  };
  for (const name of Object.keys(routes) as RouteName[]) {
    if ((routes[name] as RouteDefinition).stream) continue;
    client[name] = (input?: RouteInput<typeof name>, requestOptions?: RequestOptions) =>
      request(name, input, requestOptions);
  }
  return client as LatchkeyClient;
}

function failure(error: LatchkeyError): { data: null; error: LatchkeyError } {
  return { data: null, error };
}

function errorFrom(response: Response, json: unknown): LatchkeyError {
  const parsed = z.safeParse(ErrorResponse, json);
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  const details = retryAfter === undefined ? undefined : { retryAfter };
  if (parsed.success && isErrorCode(parsed.data.error.code)) {
    return new LatchkeyError(parsed.data.error.code, parsed.data.error.message, {
      status: response.status,
      details,
    });
  }
  return new LatchkeyError(
    'INVALID_RESPONSE',
    `HTTP ${response.status} without a Latchkey error body`,
    {
      status: response.status,
      details,
      cause: json,
    },
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
