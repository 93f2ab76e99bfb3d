import type { RouteName } from '@latchkey/core';
import type { SessionRecord, TokenRecord, UserRecord } from '../stores/contract.js';

/** Everything a route handler knows about one request. Built by the handler. */
export interface RequestContext<Body = unknown> {
  readonly request: Request;
  readonly url: URL;
  readonly route: RouteName;
  readonly params: Readonly<Record<string, string>>;
  readonly body: Body;
  /** The caller's web origin (checked against `origins`), used for the RP ID. */
  readonly origin: string;
  readonly rpId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The socket peer, as the adapter saw it (not forwarded headers). */
  readonly peer: string | null;
  readonly cookies: ReadonlyMap<string, string>;
  /** https, directly or (with trustProxy) at the proxy: decides Secure and `__Host-`. */
  readonly secure: boolean;
  readonly now: number;
  session: SessionRecord | null;
  user: UserRecord | null;
  /** Set when the caller authenticated with `Authorization: Bearer`. */
  token: TokenRecord | null;
  /**
   * True when the caller is the host app's signed-in person (its `identify`
   * hook answered; no Latchkey session): `user` is theirs, `session` is null.
   */
  appSession: boolean;
  /**
   * How the session travels: a cookie (browsers), or `Authorization: Bearer`
   * (native apps: the session was opened by a ceremony whose challenge was bound
   * with `Latchkey-Pre-Session` and whose signed origin is a native app's, or
   * the caller presented such a session). Sessions made or rotated for a
   * `bearer` request are answered as a token, never a cookie.
   */
  sessionCarrier: 'cookie' | 'bearer';
  /** `Set-Cookie` values to send with the answer. */
  readonly setCookies: string[];
  /** Extra response headers. */
  readonly headers: Headers;
}

/** What a connection tells the handler that a `Request` cannot: the socket peer. */
export interface ConnectionInfo {
  remoteAddress?: string | null;
}
