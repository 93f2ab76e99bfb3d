import type { LatchkeyError } from '../errors/latchkey-error.js';
import type { PathParamNames, RouteInput, RouteName, RouteResponse, Routes } from '../routes.js';

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
  /**
   * Milliseconds to wait for each answer (headers and body) before giving up
   * with `NETWORK_ERROR`, so a silent server cannot hold a ceremony open.
   * Default: no limit (the React kit's provider sets 30 000).
   */
  fetchTimeout?: number;
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

/**
 * One typed method per JSON route of the table, `request` to call one by name,
 * `url` to address any. Made by `createLatchkeyClient` (every answer checked
 * against its schema) or `createLeanLatchkeyClient` (no schemas).
 *
 * @example
 * const client: LatchkeyClient = createLatchkeyClient({ baseUrl: '/auth' });
 * const { data } = await client.listPasskeys();
 */
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
